import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  accountChangeSigningInput,
  type AuthorizedChangeFields,
} from '../../../common/identity/credential';
import { SYNC_API_PREFIX } from '../../../common/sync/protocol';
import { LockoutService, lockoutSubject } from '../../../backend-sync/auth/lockout.service';
import { PasswordHasher } from '../../../backend-sync/auth/password-hasher';
import { defaultPolicyFor } from '../../../backend-sync/auth/policy-source';
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
 * A temporary password a manager gave on a store PC lifts the account's lockout on the server
 * too when the server takes it (signed by someone who may give it), audited as `user.unlock`
 * with the reason `password_reset`, as the PC does; a change the server refuses, or an
 * unsigned one, lifts nothing.
 */
describeEachDialect('a manager’s temporary password lifts the server’s lockout', (dialect) => {
  let api: AdminApi;
  let store: string;
  let pc: EnrolledPc;
  let manager: Person;
  let peer: Person;
  let hash: string;
  let lockout: LockoutService;
  beforeAll(async () => {
    api = await startAdminApi(dialect);
    store = await createStore(api, 'Maple Street');
    manager = await createPerson(api, { role: 'manager', stores: [store] });
    peer = await createPerson(api, { role: 'manager', stores: [store] });
    pc = await enrollPc(api, store);
    hash = await new PasswordHasher().hash('a new password for this test');
    lockout = new LockoutService(api.s.database.db);
  });
  afterAll(() => api.s.close());

  /** Fails as a guesser would until the account locks. */
  async function lock(person: Person, role: 'viewer' | 'manager') {
    const policy = defaultPolicyFor(role);
    for (let i = 0; i < policy.lockout.threshold; i += 1)
      await lockout.recordFailure(lockoutSubject(person, ''), api.clock.nowMs(), policy);
    expect(await state(person)).toBe('locked');
  }
  const state = async (person: Person) =>
    (await lockout.check(lockoutSubject(person, ''), api.clock.nowMs())).state;

  /** A password_reset for `target` as a PC sends it, signed by `signer` (or not at all). */
  async function reset(target: Person, signer: Person | null): Promise<string> {
    api.clock.advance(1_000);
    const at = api.clock.nowMs();
    const credential = (await newCredential('a new password for this test')).credential;
    const fields: AuthorizedChangeFields = {
      accountId: target.id,
      kind: 'password_reset',
      passwordHash: hash,
      credential,
      changedAt: at,
      mustChangePassword: true,
      temporaryUntil: at + 60_000,
    };
    const body = {
      accountId: target.id,
      kind: 'password_reset',
      passwordHash: hash,
      changedAt: at,
      mustChangePassword: true,
      baseVersion: 1,
      temporaryUntil: fields.temporaryUntil,
      credential,
    };
    let signed: object = body;
    if (signer) {
      const { signingKey } = await deriveCredential(PASSWORD, (await passwordCredential()).salt);
      const signature = signText(signingKey, accountChangeSigningInput(store, fields, signer.id));
      signed = { ...body, authorization: { by: signer.id, signature } };
    }
    const r = await call(
      api.s,
      'POST',
      `${SYNC_API_PREFIX}/accounts`,
      null,
      { changes: [signed] },
      { ...pc.auth, 'idempotency-key': `unlock-${at}` },
    );
    expect(r.statusCode, r.body).toBe(200);
    return r.json<{ results: { outcome: string }[] }>().results[0]!.outcome;
  }

  it('a signed reset the server takes unlocks the account, audited with who and why', async () => {
    const crew = await createPerson(api, { role: 'viewer', stores: [store] });
    await lock(crew, 'viewer');
    expect(await reset(crew, manager)).toBe('applied');
    expect(await state(crew)).toBe('open');
    const unlocks = (await serverEvents(api.s, 'user.unlock')).filter(
      (e) => e.targetId === crew.id,
    );
    expect(unlocks).toEqual([
      {
        outcome: 'success',
        actorId: manager.id,
        targetId: crew.id,
        storeId: store,
        details: { wasLocked: true, reason: 'password_reset', deviceId: pc.deviceId },
      },
    ]);
  });

  it('a refused reset (a manager for a peer) and an unsigned one lift nothing', async () => {
    await lock(peer, 'manager');
    expect(await reset(peer, manager)).toBe('refused');
    expect(await state(peer)).toBe('locked');

    const legacy = await createPerson(api, { role: 'viewer', stores: [store], legacy: true });
    await lock(legacy, 'viewer');
    expect(await reset(legacy, null)).toBe('applied'); // a password from before credential keys
    expect(await state(legacy)).toBe('locked');
    const unlocked = (await serverEvents(api.s, 'user.unlock')).map((e) => e.targetId);
    expect(unlocked).not.toContain(peer.id);
    expect(unlocked).not.toContain(legacy.id);
  });

  it('a reset of an account that was not locked clears its count without an unlock entry', async () => {
    const crew = await createPerson(api, { role: 'viewer', stores: [store] });
    await lockout.recordFailure(
      lockoutSubject(crew, ''),
      api.clock.nowMs(),
      defaultPolicyFor('viewer'),
    );
    expect(await reset(crew, manager)).toBe('applied');
    const row = await api.s.database.db
      .selectFrom('sign_in_failures')
      .select('subject')
      .where('subject', '=', lockoutSubject(crew, ''))
      .executeTakeFirst();
    expect(row).toBeUndefined();
    const unlocked = (await serverEvents(api.s, 'user.unlock')).map((e) => e.targetId);
    expect(unlocked).not.toContain(crew.id);
  });
});
