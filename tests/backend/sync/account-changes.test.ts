import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  SYNC_API_PREFIX,
  TEMPORARY_PASSWORD_TTL_MS,
  type AccountChange,
  type PullResponse,
} from '../../../common/sync/protocol';
import { PasswordHasher } from '../../../backend-sync/auth/password-hasher';
import { TotpSecretBox } from '../../../backend-sync/auth/totp-secret-box';
import { expectGenericError } from '../auth/support/auth-helpers';
import {
  call,
  createPerson,
  createStore,
  enrollPc,
  rowCounts,
  serverEvents,
  setStatus,
  startAdminApi,
  type AdminApi,
  type EnrolledPc,
  type Person,
} from '../stores/support/admin-api';
import { describeEachDialect } from '../support/server-harness';
import { errorCode } from '../../support/core-harness';
import { AccountChangesService } from '../../../backend-sync/sync/account-changes.service';
import { authenticateDevice } from '../../../backend-sync/sync/device-auth';
import { requestHash, STALE_CLAIM_MS } from '../../../backend-sync/sync/idempotency';

const hasher = new PasswordHasher();

describeEachDialect('account changes pushed by store PCs', (dialect) => {
  let api: AdminApi;
  let store: string;
  let till1: EnrolledPc;
  let till2: EnrolledPc;
  let alice: Person;
  let bob: Person;
  let elsewhere: Person;
  let hashes: string[];
  // People whose passwords predate credential keys: the server takes their changes unsigned
  // (tests/backend/sync/account-change-proofs.test.ts checks signed ones), so these tests are
  // about conflicts alone.
  beforeAll(async () => {
    api = await startAdminApi(dialect);
    store = await createStore(api, 'Maple Street');
    const other = await createStore(api, 'Oak Avenue');
    alice = await createPerson(api, { role: 'viewer', stores: [store], legacy: true });
    bob = await createPerson(api, { role: 'viewer', stores: [store], legacy: true });
    elsewhere = await createPerson(api, { role: 'viewer', stores: [other], legacy: true });
    till1 = await enrollPc(api, store, { name: 'Till 1' });
    till2 = await enrollPc(api, store, { name: 'Till 2' });
    hashes = await Promise.all(
      ['first new password 1', 'second new password 2', 'third new password 3'].map((p) =>
        hasher.hash(p),
      ),
    );
  });
  afterAll(() => api.s.close());

  let keyCounter = 0;
  const push = (
    changes: unknown[],
    pc = till1,
    key: string | null = `changes-${++keyCounter}`.padEnd(12, '0'),
  ) =>
    call(
      api.s,
      'POST',
      `${SYNC_API_PREFIX}/accounts`,
      null,
      { changes },
      { ...pc.auth, ...(key ? { 'idempotency-key': key } : {}) },
    );
  const change = (accountId: string, changedAt: number, passwordHash: string, extra = {}) => ({
    accountId,
    kind: 'password_changed',
    passwordHash,
    changedAt,
    mustChangePassword: false,
    baseVersion: 1,
    ...extra,
  });
  const user = (id: string) =>
    api.s.database.db
      .selectFrom('users')
      .select([
        'password_hash',
        'password_changed_at',
        'must_change_password',
        'change_seq',
        'status',
      ])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('the latest change wins; the other PCs pull it; every outcome is audited', async () => {
    const before = await user(alice.id);
    const t0 = Number(before.password_changed_at);
    api.clock.advance(60_000);

    // Changed offline on till 1 ten seconds after the server's password.
    const applied = await push([change(alice.id, t0 + 10_000, hashes[0]!)]);
    expect(applied.statusCode, applied.body).toBe(200);
    const [result] = applied.json<{ results: { outcome: string; version: number }[] }>().results;
    expect(result).toEqual({
      accountId: alice.id,
      outcome: 'applied',
      version: expect.any(Number),
    });
    expect(result!.version).toBeGreaterThan(Number(before.change_seq));
    expect(await user(alice.id)).toMatchObject({
      password_hash: hashes[0],
      password_changed_at: t0 + 10_000,
      change_seq: result!.version,
    });

    // A stale change from till 2 (made earlier, uploaded later) does not overwrite it.
    const stale = await push([change(alice.id, t0 + 5_000, hashes[1]!)], till2);
    expect(stale.json()).toEqual({
      results: [{ accountId: alice.id, outcome: 'superseded', version: result!.version }],
    });
    expect((await user(alice.id)).password_hash).toBe(hashes[0]);

    // Till 2 pulls the winner (new version), with the password it verifies offline.
    const pulled = await call(
      api.s,
      'GET',
      `${SYNC_API_PREFIX}/pull?since=0&policyVersion=1`,
      null,
      undefined,
      till2.auth,
    );
    const account = pulled.json<PullResponse>().accounts.find((a) => a.id === alice.id)!;
    expect(account).toMatchObject({ version: result!.version, passwordChangedAt: t0 + 10_000 });
    expect(await hasher.verify(account.passwordHash, 'first new password 1')).toBe(true);

    // A manager's offline reset: a temporary password the person must change.
    const reset = await push([
      change(bob.id, api.clock.nowMs() - 1000, hashes[2]!, {
        kind: 'password_reset',
        mustChangePassword: true,
      }),
    ]);
    expect(reset.json<{ results: { outcome: string }[] }>().results[0]!.outcome).toBe('applied');
    expect((await user(bob.id)).must_change_password).toBe(1);

    const events = await serverEvents(api.s, 'sync.account_change');
    expect(events).toMatchObject([
      {
        outcome: 'success',
        targetId: alice.id,
        storeId: store,
        details: { deviceId: till1.deviceId, result: 'applied', changedAt: t0 + 10_000 },
      },
      {
        outcome: 'failure',
        targetId: alice.id,
        details: {
          deviceId: till2.deviceId,
          result: 'superseded',
          reason: 'older_than_server',
          changedAt: t0 + 5_000,
          serverChangedAt: t0 + 10_000,
        },
      },
      {
        outcome: 'success',
        targetId: bob.id,
        details: { kind: 'password_reset', mustChange: true },
      },
    ]);
    // The audit never holds the hash.
    expect(JSON.stringify(events)).not.toContain('$argon2id');
  });

  it('a disable always wins, whatever the time of the change; refusals are audited', async () => {
    await setStatus(api, bob.id, 'disabled');
    const before = await user(bob.id);
    const refused = await push([change(bob.id, api.clock.nowMs(), hashes[0]!)]);
    expect(refused.json()).toEqual({
      results: [{ accountId: bob.id, outcome: 'refused', version: Number(before.change_seq) }],
    });
    expect(await user(bob.id)).toEqual(before); // still disabled, nothing changed
    const [event] = (await serverEvents(api.s, 'sync.account_change')).slice(-1);
    expect(event).toMatchObject({
      outcome: 'denied',
      targetId: bob.id,
      details: { result: 'refused', reason: 'account_disabled' },
    });
  });

  it('refuses other stores’ and unknown accounts, weak hashes; clamps a clock from the future', async () => {
    const now = api.clock.nowMs();
    const unknown = randomUUID();
    const weak = hashes[1]!.replace('m=19456', 'm=1024');
    const r = await push([
      change(elsewhere.id, now, hashes[1]!),
      change(unknown, now, hashes[1]!),
      change(alice.id, now, weak),
      change(alice.id, now + 24 * 3_600_000, hashes[1]!),
    ]);
    expect(r.json<{ results: unknown[] }>().results).toEqual([
      { accountId: elsewhere.id, outcome: 'refused', version: 0 },
      { accountId: unknown, outcome: 'refused', version: 0 },
      { accountId: alice.id, outcome: 'refused', version: expect.any(Number) },
      { accountId: alice.id, outcome: 'applied', version: expect.any(Number) },
    ]);
    expect((await user(elsewhere.id)).password_hash).not.toBe(hashes[1]);
    // A PC whose clock runs a day ahead cannot win every conflict for a day.
    expect(await user(alice.id)).toMatchObject({
      password_hash: hashes[1],
      password_changed_at: now,
    });
    const reasons = (await serverEvents(api.s, 'sync.account_change'))
      .slice(-4)
      .map((e) => e.details.reason);
    expect(reasons).toEqual(['unknown_account', 'unknown_account', 'weak_hash', 'applied']);
  });

  it('a temporary password ends within the hour everywhere; the owner’s own change is not temporary', async () => {
    const temp = (id: string) =>
      api.s.database.db
        .selectFrom('users')
        .select(['temp_password_expires_at', 'must_change_password'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    const hour = TEMPORARY_PASSWORD_TTL_MS;
    const cara = await createPerson(api, { role: 'viewer', stores: [store], legacy: true });
    api.clock.advance(60_000);
    let at = api.clock.nowMs();
    // The PC's own end is kept when it is within the hour...
    const reset = { kind: 'password_reset', mustChangePassword: true };
    await push([change(cara.id, at, hashes[0]!, { ...reset, temporaryUntil: at + hour - 5 })]);
    expect(await temp(cara.id)).toEqual({
      temp_password_expires_at: at + hour - 5,
      must_change_password: 1,
    });
    // ...a later one (or none, from an older PC) is cut to the hour...
    api.clock.advance(60_000);
    at = api.clock.nowMs();
    await push([change(cara.id, at, hashes[1]!, { ...reset, temporaryUntil: at + 30 * hour })]);
    expect((await temp(cara.id)).temp_password_expires_at).toBe(at + hour);
    api.clock.advance(60_000);
    at = api.clock.nowMs();
    await push([change(cara.id, at, hashes[2]!, reset)]);
    expect((await temp(cara.id)).temp_password_expires_at).toBe(at + hour);
    const pulled = await call(
      api.s,
      'GET',
      `${SYNC_API_PREFIX}/pull?since=0&policyVersion=1`,
      null,
      undefined,
      till2.auth,
    );
    const account = pulled.json<PullResponse>().accounts.find((a) => a.id === cara.id);
    expect(account?.temporaryPasswordExpiresAt).toBe(at + hour);
    // ...and the person's own new password is not a temporary one.
    api.clock.advance(60_000);
    await push([change(cara.id, api.clock.nowMs(), hashes[0]!)]);
    expect(await temp(cara.id)).toEqual({
      temp_password_expires_at: null,
      must_change_password: 0,
    });
  });

  it('is idempotent per key; role, status or anything extra is refused outright', async () => {
    api.clock.advance(60_000);
    const body = [change(alice.id, api.clock.nowMs(), hashes[2]!)];
    const first = await push(body, till1, 'retry-key-0001');
    expect(first.json<{ results: { outcome: string }[] }>().results[0]!.outcome).toBe('applied');
    const counts = await rowCounts(api.s, ['server_audit', 'idempotency_keys']);
    const version = Number((await user(alice.id)).change_seq);
    // The same request again (a retry after a lost answer): the same answer, nothing new.
    const retry = await push(body, till1, 'retry-key-0001');
    expect(retry.json()).toEqual(first.json());
    expect(Number((await user(alice.id)).change_seq)).toBe(version);
    expect(await rowCounts(api.s, ['server_audit', 'idempotency_keys'])).toEqual(counts);
    // The same key with another body: 422. Keys are per device and per endpoint.
    expectGenericError(
      await push([change(alice.id, api.clock.nowMs(), hashes[0]!)], till1, 'retry-key-0001'),
      422,
      'idempotency_key_reused',
    );
    const onTill2 = await push(body, till2, 'retry-key-0001');
    expect(onTill2.json<{ results: { outcome: string }[] }>().results[0]!.outcome).toBe(
      'superseded',
    );

    const before = await rowCounts(api.s, ['users', 'server_audit', 'idempotency_keys']);
    const snapshot = await user(alice.id);
    const now = api.clock.nowMs() + 1;
    const bad: unknown[][] = [
      [{ ...change(alice.id, now, hashes[0]!), role: 'admin' }],
      [{ ...change(alice.id, now, hashes[0]!), status: 'active' }],
      [{ ...change(alice.id, now, hashes[0]!), kind: 'status_changed' }],
      [change(alice.id, now, 'plaintext password')],
      [change(alice.id, now, '$2b$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01')],
      [change('not-a-uuid', now, hashes[0]!)],
      [change(alice.id, -1, hashes[0]!)],
      [],
      Array.from({ length: 101 }, () => change(alice.id, now, hashes[0]!)),
    ];
    for (const changes of bad) expectGenericError(await push(changes), 400);
    expectGenericError(await push([change(alice.id, now, hashes[0]!)], till1, null), 400);
    expectGenericError(await push([change(alice.id, now, hashes[0]!)], till1, 'short'), 400);
    // Without a device credential an upload is refused before its body is even read.
    expectGenericError(
      await call(
        api.s,
        'POST',
        `${SYNC_API_PREFIX}/accounts`,
        null,
        { changes: [] },
        {
          'idempotency-key': 'no-device-0001',
        },
      ),
      401,
      'device_unauthorized',
    );
    expectGenericError(
      await call(
        api.s,
        'POST',
        `${SYNC_API_PREFIX}/accounts`,
        null,
        { changes: [change(alice.id, now, hashes[0]!)] },
        { 'idempotency-key': 'no-device-0001' },
      ),
      401,
      'device_unauthorized',
    );
    expect(await rowCounts(api.s, ['users', 'server_audit', 'idempotency_keys'])).toEqual(before);
    expect(await user(alice.id)).toEqual(snapshot);
  });

  it('stores its key in the one commit of the changes: duplicates at once get 409, nothing is left in progress', async () => {
    // A server killed mid-request must leave no claim behind (the PC's retry runs at once), so
    // the key is written only with the answer, in the changes' own transaction.
    const service = new AccountChangesService(
      api.s.database.db,
      dialect,
      api.clock,
      new TotpSecretBox(randomBytes(32)),
    );
    const device = await authenticateDevice(api.s.database.db, till1.auth.authorization);
    api.clock.advance(60_000);
    const body = [change(bob.id, api.clock.nowMs(), hashes[1]!)] as AccountChange[];
    const [first, second] = await Promise.allSettled([
      service.push(device, 'one-commit-0001', body),
      service.push(device, 'one-commit-0001', body),
    ]);
    expect(first).toMatchObject({ status: 'fulfilled' });
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'request_in_progress' } });
    expect(await service.push(device, 'one-commit-0001', body)).toEqual(
      (first as PromiseFulfilledResult<unknown>).value,
    );
    const states = await api.s.database.db
      .selectFrom('idempotency_keys')
      .select('state')
      .distinct()
      .where('device_id', '=', device.deviceId)
      .execute();
    expect(states).toEqual([{ state: 'done' }]);

    // A claim written by an earlier version that committed it first: honoured while fresh,
    // taken over once abandoned.
    const legacy = (key: string, createdAt: number) => ({
      device_id: device.deviceId,
      key: `accounts:${key}`,
      request_hash: requestHash(body),
      state: 'in_progress' as const,
      response: null,
      created_at: createdAt,
    });
    const now = api.clock.nowMs();
    await api.s.database.db
      .insertInto('idempotency_keys')
      .values([
        legacy('legacy-running-01', now),
        legacy('legacy-dropped-01', now - STALE_CLAIM_MS - 1),
      ])
      .execute();
    expect(await errorCode(() => service.push(device, 'legacy-running-01', body))).toBe(
      'request_in_progress',
    );
    const takenOver = await service.push(device, 'legacy-dropped-01', body);
    expect(takenOver.results.map((r) => r.accountId)).toEqual([bob.id]);
    const dropped = await api.s.database.db
      .selectFrom('idempotency_keys')
      .select(['state', 'response'])
      .where('device_id', '=', device.deviceId)
      .where('key', '=', 'accounts:legacy-dropped-01')
      .executeTakeFirstOrThrow();
    expect(dropped).toEqual({ state: 'done', response: JSON.stringify(takenOver) });
  });
});
