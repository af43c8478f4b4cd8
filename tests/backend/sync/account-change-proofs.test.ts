import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  accountChangeSigningInput,
  type AuthorizedChangeFields,
} from '../../../common/identity/credential';
import { SYNC_API_PREFIX } from '../../../common/sync/protocol';
import { PasswordHasher } from '../../../backend-sync/auth/password-hasher';
import {
  deriveCredential,
  newCredential,
  signText,
} from '../../../electron/core/crypto/credential-key';
import { PASSWORD } from '../auth/support/auth-helpers';
import {
  call,
  createPerson,
  createStore,
  enrollPc,
  passwordCredential,
  serverEvents,
  startAdminApi,
  type AdminApi,
  type EnrolledPc,
  type Person,
} from '../stores/support/admin-api';
import { describeEachDialect } from '../support/server-harness';

/**
 * Changes a store PC sends are signed by whoever made them (common/identity/credential.ts):
 * someone who can edit a PC's files, but does not know the right password, cannot make one
 * the server takes. The server checks the signer's key, that the signer may make the change,
 * and that the signer is in the PC's store.
 */
describeEachDialect('account changes carry their maker’s signature', (dialect) => {
  let api: AdminApi;
  let store: string;
  let pc: EnrolledPc;
  let crew: Person;
  let other: Person;
  let manager: Person;
  let admin: Person;
  let elsewhere: Person;
  let legacy: Person;
  let hash: string;
  let at: number;
  beforeAll(async () => {
    api = await startAdminApi(dialect);
    store = await createStore(api, 'Maple Street');
    const oak = await createStore(api, 'Oak Avenue');
    crew = await createPerson(api, { role: 'viewer', stores: [store] });
    other = await createPerson(api, { role: 'viewer', stores: [store] });
    manager = await createPerson(api, { role: 'manager', stores: [store] });
    admin = await createPerson(api, { role: 'admin', stores: [store] });
    elsewhere = await createPerson(api, { role: 'manager', stores: [oak] });
    legacy = await createPerson(api, { role: 'viewer', stores: [store], legacy: true });
    pc = await enrollPc(api, store);
    hash = await new PasswordHasher().hash('a new password for this test');
  });
  afterAll(() => api.s.close());

  /** What someone who knows `password` (the signer's) signs, as a PC makes it. */
  async function change(
    target: Person,
    kind: AuthorizedChangeFields['kind'],
    signer: Person | null,
    password = PASSWORD,
  ) {
    api.clock.advance(1_000); // each change later than the last (the latest one wins)
    at = api.clock.nowMs();
    const credential = (await newCredential('a new password for this test')).credential;
    const fields: AuthorizedChangeFields = {
      accountId: target.id,
      kind,
      passwordHash: hash,
      credential,
      changedAt: at,
      mustChangePassword: kind === 'password_reset',
      temporaryUntil: kind === 'password_reset' ? at + 60_000 : null,
    };
    const body = {
      accountId: fields.accountId,
      kind,
      passwordHash: hash,
      changedAt: at,
      mustChangePassword: fields.mustChangePassword,
      baseVersion: 1,
      ...(kind === 'password_reset' ? { temporaryUntil: fields.temporaryUntil } : {}),
      credential,
    };
    if (!signer) return body;
    const salt = (await passwordCredential()).salt;
    const { signingKey } = await deriveCredential(password, salt);
    const signature = signText(signingKey, accountChangeSigningInput(store, fields, signer.id));
    return { ...body, authorization: { by: signer.id, signature } };
  }
  let n = 0;
  async function outcome(body: object): Promise<string> {
    const r = await call(
      api.s,
      'POST',
      `${SYNC_API_PREFIX}/accounts`,
      null,
      { changes: [body] },
      { ...pc.auth, 'idempotency-key': `proof-${String(++n).padStart(6, '0')}` },
    );
    expect(r.statusCode, r.body).toBe(200);
    return r.json<{ results: { outcome: string }[] }>().results[0]!.outcome;
  }

  it('the owner’s own change and a manager’s temporary password, signed, are taken', async () => {
    expect(await outcome(await change(crew, 'password_changed', crew))).toBe('applied');
    expect(await outcome(await change(other, 'password_reset', manager))).toBe('applied');
    expect(await outcome(await change(manager, 'password_reset', admin))).toBe('applied');
    // The change gave the person the new password's key: the old one no longer signs for them.
    expect(await outcome(await change(crew, 'password_changed', crew))).toBe('refused');
  });

  it('unsigned, forged, or signed by someone who may not: refused, and told to admins', async () => {
    const target = await createPerson(api, { role: 'viewer', stores: [store] });
    const before = (await serverEvents(api.s, 'sync.account_change')).length;
    // Written into a PC's outbox by hand: no signature, or one with a wrong password.
    expect(await outcome(await change(target, 'password_changed', null))).toBe('refused');
    expect(await outcome(await change(target, 'password_changed', target, 'a guess'))).toBe(
      'refused',
    );
    // A crew member cannot give a colleague a password; a manager cannot give one to an admin,
    // to another manager, or from another store.
    const peer = await createPerson(api, { role: 'manager', stores: [store] });
    expect(await outcome(await change(target, 'password_reset', other))).toBe('refused');
    expect(await outcome(await change(admin, 'password_reset', peer))).toBe('refused');
    expect(await outcome(await change(peer, 'password_reset', manager))).toBe('refused');
    expect(await outcome(await change(target, 'password_reset', elsewhere))).toBe('refused');
    // Someone else's signature on an owner's change.
    expect(await outcome(await change(target, 'password_changed', manager))).toBe('refused');
    const events = (await serverEvents(api.s, 'sync.account_change')).slice(before);
    expect(events.map((e) => (e.details as { reason: string }).reason)).toEqual(
      Array(7).fill('unauthorized'),
    );
  });

  it('a password set before credential keys takes one unsigned change, which gives it a key', async () => {
    expect(await outcome(await change(legacy, 'password_changed', null))).toBe('applied');
    const events = await serverEvents(api.s, 'sync.account_change');
    expect(events.at(-1)?.details).toMatchObject({ result: 'applied', unverified: true });
    expect(await outcome(await change(legacy, 'password_changed', null))).toBe('refused');
  });
});
