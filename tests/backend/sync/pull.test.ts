import { createHash, createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  pullResponseSchema,
  SYNC_API_PREFIX,
  type PullResponse,
  type SyncedAccount,
} from '../../../common/sync/protocol';
import {
  accountSigningInput,
  accountsDigestInput,
  receiptSigningInput,
} from '../../../common/sync/signed-records';
import { PasswordHasher } from '../../../backend-sync/auth/password-hasher';
import { checkSignedPolicy } from '../../../electron/core/sync/policy-verifier';
import { expectGenericError, PASSWORD } from '../auth/support/auth-helpers';
import {
  assign,
  call,
  createPerson,
  createStore,
  enrollPc,
  passwordCredential,
  setStatus,
  startAdminApi,
  unassign,
  type AdminApi,
  type EnrolledPc,
  type Person,
} from '../stores/support/admin-api';
import { describeEachDialect } from '../support/server-harness';

describeEachDialect('sync pull', (dialect) => {
  let api: AdminApi;
  let storeA: string;
  let storeB: string;
  let pc: EnrolledPc;
  let people: Record<string, Person>;
  beforeAll(async () => {
    api = await startAdminApi(dialect);
    storeA = await createStore(api, 'Maple Street', 'Northwind');
    storeB = await createStore(api, 'Oak Avenue');
    people = {
      manager: await createPerson(api, { role: 'manager', stores: [storeA] }),
      crew: await createPerson(api, { role: 'viewer', stores: [storeA] }),
      disabled: await createPerson(api, { role: 'viewer', stores: [storeA], status: 'disabled' }),
      pending: await createPerson(api, { role: 'viewer', stores: [storeA], status: 'pending' }),
      tillAdmin: await createPerson(api, { role: 'admin', stores: [storeA] }),
      both: await createPerson(api, { role: 'viewer', stores: [storeA, storeB] }),
      otherStore: await createPerson(api, { role: 'manager', stores: [storeB] }),
      nowhere: await createPerson(api, { role: 'admin' }),
    };
    pc = await enrollPc(api, storeA);
  });
  afterAll(() => api.s.close());

  const pull = async (query: string, auth = pc.auth): Promise<PullResponse & { raw: string }> => {
    const r = await call(api.s, 'GET', `${SYNC_API_PREFIX}/pull?${query}`, null, undefined, auth);
    expect(r.statusCode, r.body).toBe(200);
    // What a PC does with the answer: validate it with the shared schema.
    return { ...pullResponseSchema.parse(r.json()), raw: r.body };
  };
  const ids = (accounts: { id: string }[]) => accounts.map((a) => a.id).sort();
  const verifyEd25519 = (text: string, signature: string) =>
    verify(
      null,
      Buffer.from(text),
      createPublicKey(pc.serverPublicKey),
      Buffer.from(signature, 'base64'),
    );
  const signedFor = (storeId: string, a: SyncedAccount) => {
    const { signature, ...fields } = a;
    return verifyEd25519(accountSigningInput(storeId, fields), signature);
  };
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  /** A disabled person as a PC gets them: signed, with no password or secret. */
  const tombstone = (p: Person) => ({
    id: p.id,
    username: p.username,
    displayName: expect.any(String),
    email: p.email,
    role: expect.any(String),
    status: 'disabled',
    passwordHash: null,
    passwordChangedAt: null,
    mustChangePassword: false,
    temporaryPasswordExpiresAt: null,
    totpSecret: null,
    credential: null,
    version: expect.any(Number),
    signature: expect.any(String),
  });
  const idsOf = (...names: string[]) => names.map((n) => people[n]!.id).sort();

  let cursor = 0;

  it('first pull: the store’s people with what sign-in needs offline, the policy, the time', async () => {
    const page = await pull('since=0');
    expect(page.fullSync).toBe(true);
    expect(page.more).toBe(false);
    expect(page.serverTime).toBe(api.clock.nowMs());
    expect(page.store).toEqual({ id: storeA, name: 'Maple Street', brand: 'Northwind' });
    // Assigned to this store, any role; not other stores' people, not unassigned admins.
    expect(ids(page.accounts)).toEqual(idsOf('manager', 'crew', 'tillAdmin', 'both'));
    expect(page.revocations).toEqual({
      disabledAccountIds: [people.disabled!.id],
      disabledAccounts: [tombstone(people.disabled!)],
      removedAccountIds: [people.pending!.id],
    });
    const crew = page.accounts.find((a) => a.id === people.crew!.id)!;
    expect(crew).toEqual({
      id: people.crew!.id,
      username: people.crew!.username,
      displayName: expect.any(String),
      email: people.crew!.email,
      role: 'viewer',
      status: 'active',
      passwordHash: expect.stringMatching(/^\$argon2id\$/),
      passwordChangedAt: api.clock.nowMs(),
      mustChangePassword: false,
      temporaryPasswordExpiresAt: null,
      totpSecret: people.crew!.secret,
      // The key of the person's password, for checking changes PCs make (credential.ts).
      credential: await passwordCredential(),
      version: expect.any(Number),
      signature: expect.any(String),
    });
    // Every record is signed for this store with the key the PC pinned, and only for it.
    for (const a of [...page.accounts, ...page.revocations.disabledAccounts]) {
      expect(signedFor(storeA, a)).toBe(true);
      expect(signedFor(storeB, a)).toBe(false);
    }
    // The last page's receipt names the PC, where it stands, and every account it now holds.
    const receipt = page.receipt!;
    expect(receipt).toMatchObject({
      deviceId: pc.deviceId,
      storeId: storeA,
      serverTime: api.clock.nowMs(),
      cursor: page.cursor,
      policyVersion: 1,
      auditHead: 0,
    });
    const { signature, ...unsigned } = receipt;
    expect(verifyEd25519(receiptSigningInput(unsigned), signature)).toBe(true);
    const held = [
      ...page.accounts.map((a) => ({ id: a.id, version: a.version, status: a.status })),
      ...page.revocations.disabledAccounts.map((a) => ({
        id: a.id,
        version: a.version,
        status: a.status,
      })),
    ];
    expect(receipt.accountsDigest).toBe(sha256(accountsDigestInput(held)));
    // The hash is the real one: the PC can verify the password offline.
    expect(await new PasswordHasher().verify(crew.passwordHash, PASSWORD)).toBe(true);
    // Oldest change first; the cursor is past all of them.
    const versions = page.accounts.map((a) => a.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(page.cursor).toBeGreaterThanOrEqual(Math.max(...versions));
    expect(checkSignedPolicy(page.policy, pc.serverPublicKey).ok).toBe(true);
    // Revocations come before accounts in the answer itself.
    expect(page.raw.indexOf('"revocations"')).toBeLessThan(page.raw.indexOf('"accounts"'));
    cursor = page.cursor;

    // Nothing changed: nothing to apply, the same cursor.
    const again = await pull(`since=${cursor}&policyVersion=1`);
    expect(again).toMatchObject({
      cursor,
      fullSync: false,
      accounts: [],
      revocations: { disabledAccountIds: [], removedAccountIds: [] },
      policy: null,
      more: false,
    });
  });

  it('disables, erasures and removals from the store come as revocations, and only them', async () => {
    await setStatus(api, people.crew!.id, 'disabled');
    await setStatus(api, people.tillAdmin!.id, 'disabled', true); // erased (GDPR)
    await unassign(api, people.manager!.id, storeA);
    // Removed from another store only: nothing for this store's PCs.
    await unassign(api, people.both!.id, storeB);
    // Changes elsewhere are not sent here.
    await setStatus(api, people.otherStore!.id, 'disabled');
    const newcomer = await createPerson(api, { role: 'viewer', stores: [storeA] });

    const page = await pull(`since=${cursor}&policyVersion=1`);
    expect(page.revocations).toEqual({
      disabledAccountIds: [people.crew!.id],
      disabledAccounts: [tombstone(people.crew!)],
      removedAccountIds: idsOf('tillAdmin', 'manager'),
    });
    // A disable is signed too: its tombstone is newer than the active record the PC held.
    expect(page.revocations.disabledAccounts[0]!.version).toBeGreaterThan(cursor);
    expect(ids(page.accounts)).toEqual([newcomer.id]);
    expect(page.cursor).toBeGreaterThan(cursor);
    cursor = page.cursor;

    // Back in the store, enabled again: an account again, not a revocation.
    await assign(api, people.manager!.id, storeA);
    await setStatus(api, people.crew!.id, 'active');
    const back = await pull(`since=${cursor}&policyVersion=1`);
    expect(back.revocations).toEqual({
      disabledAccountIds: [],
      disabledAccounts: [],
      removedAccountIds: [],
    });
    expect(ids(back.accounts)).toEqual(idsOf('manager', 'crew'));
    cursor = back.cursor;
  });

  it('pages with the cursor; every page carries every pending revocation first', async () => {
    const crew: Person[] = [];
    for (let i = 0; i < 7; i++)
      crew.push(await createPerson(api, { role: 'viewer', stores: [storeA] }));
    await setStatus(api, crew[6]!.id, 'disabled'); // the newest change is a revocation
    await setStatus(api, crew[0]!.id, 'disabled');
    const pages: PullResponse[] = [];
    let since = cursor;
    for (;;) {
      const page = await pull(`since=${since}&limit=2&policyVersion=1`);
      pages.push(page);
      expect(page.cursor).toBeGreaterThan(since);
      since = page.cursor;
      if (!page.more) break;
    }
    expect(pages.map((p) => p.accounts.length)).toEqual([2, 2, 1]);
    expect(pages.map((p) => p.more)).toEqual([true, true, false]);
    for (const page of pages) {
      expect(page.revocations.disabledAccountIds.sort()).toEqual([crew[0]!.id, crew[6]!.id].sort());
    }
    const received = pages.flatMap((p) => p.accounts.map((a) => a.id));
    expect(received.sort()).toEqual(
      crew
        .slice(1, 6)
        .map((c) => c.id)
        .sort(),
    );
    expect(new Set(received).size).toBe(received.length);
    cursor = since;
  });

  it('reports back to admins and re-anchors time; a cursor the server never issued restarts', async () => {
    api.clock.advance(5 * 60_000);
    const page = await pull(`since=${cursor}&appVersion=1.4.2&auditHead=17&policyVersion=1`);
    expect(page.serverTime).toBe(api.clock.nowMs());
    const list = await call(api.s, 'GET', `/api/v1/stores/${storeA}/devices`, api.admin);
    expect(list.json<{ devices: unknown[] }>().devices).toMatchObject([
      { appVersion: '1.4.2', lastSyncAt: api.clock.nowMs(), pendingEvents: 17 },
    ]);

    // After a restore from an older backup the PC's cursor is ahead: a full pull from 0.
    const restored = await pull(`since=${cursor + 1_000_000}`);
    expect(restored.fullSync).toBe(true);
    expect(restored.accounts.length).toBeGreaterThan(5);
    expect(restored.cursor).toBeLessThanOrEqual(cursor);
  });

  it('refuses other callers and bad queries without writing anything', async () => {
    const other = await enrollPc(api, storeB, { name: 'Till B' });
    const b = await pull('since=0', other.auth);
    // Store B now has no active people: its manager was disabled, `both` left it.
    expect(b.accounts).toEqual([]);
    expect(b.revocations).toEqual({
      disabledAccountIds: [people.otherStore!.id],
      disabledAccounts: [tombstone(people.otherStore!)],
      removedAccountIds: [people.both!.id],
    });
    for (const query of [
      'since=-1',
      'since=abc',
      'since=1.5',
      'limit=0',
      'limit=501',
      'x=1',
      'appVersion=%3Cscript%3E',
    ]) {
      const r = await call(
        api.s,
        'GET',
        `${SYNC_API_PREFIX}/pull?${query}`,
        null,
        undefined,
        pc.auth,
      );
      expectGenericError(r, 400);
    }
    const wrong: Record<string, string>[] = [
      {},
      { authorization: 'Device nope' },
      { authorization: `Bearer ${api.admin}` },
    ];
    for (const auth of wrong) {
      const r = await call(api.s, 'GET', `${SYNC_API_PREFIX}/pull?since=0`, null, undefined, auth);
      expectGenericError(r, 401, 'device_unauthorized');
    }
  });
});
