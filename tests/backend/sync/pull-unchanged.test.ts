import { afterAll, beforeAll, expect, it } from 'vitest';
import { TOTP_SECRET_KEY_LABEL, TotpSecretBox } from '../../../backend-sync/auth/totp-secret-box';
import { derivedSecret, loadSigningKeys } from '../../../backend-sync/keys/signing-keys';
import {
  PULL_PAGE_SIZE,
  pullResponseSchema,
  SYNC_API_PREFIX,
  type PullQuery,
  type PullResponse,
} from '../../../common/sync/protocol';
import type { PolicyService } from '../../../backend-sync/policies/policy.service';
import { authenticateDevice } from '../../../backend-sync/sync/device-auth';
import { RecordSigner } from '../../../backend-sync/sync/record-signer';
import { PullService } from '../../../backend-sync/sync/pull.service';
import {
  call,
  createPerson,
  createStore,
  enrollPc,
  setStatus,
  startAdminApi,
  type AdminApi,
  type EnrolledPc,
  type Person,
} from '../stores/support/admin-api';
import { describeEachDialect } from '../support/server-harness';

/**
 * A pull whose cursor is the head of the 'users' sequence is answered from the counters,
 * without the snapshot queries. It must be exactly what the full path answers, and it must
 * still record the pull on the device.
 */
describeEachDialect('sync pull with nothing new', (dialect) => {
  let api: AdminApi;
  let store: string;
  let pc: EnrolledPc;
  let crew: Person;
  let cursor = 0;
  let policyVersion = 0;
  beforeAll(async () => {
    api = await startAdminApi(dialect);
    store = await createStore(api, 'Maple Street', 'Northwind');
    await createPerson(api, { role: 'manager', stores: [store] });
    crew = await createPerson(api, { role: 'viewer', stores: [store] });
    pc = await enrollPc(api, store);
    const first = await pull('since=0');
    cursor = first.cursor;
    policyVersion = first.policy!.version;
  });
  afterAll(() => api.s.close());

  async function pull(query: string): Promise<PullResponse> {
    const r = await call(
      api.s,
      'GET',
      `${SYNC_API_PREFIX}/pull?${query}`,
      null,
      undefined,
      pc.auth,
    );
    expect(r.statusCode, r.body).toBe(200);
    return pullResponseSchema.parse(r.json());
  }

  /** What the full path (the snapshot queries) answers for the same query. */
  async function fullAnswer(query: PullQuery) {
    const first = await pull('since=0'); // the current signed policy, as served
    const policies = {
      currentBundle: async () => first.policy!,
      bundleAt: async () => first.policy!,
    } as unknown as PolicyService;
    // The server's own key for TOTP secrets at rest (derived from its signing key).
    const keys = loadSigningKeys({ dataDir: api.s.dataDir });
    const box = new TotpSecretBox(derivedSecret(keys, TOTP_SECRET_KEY_LABEL));
    const service = new PullService(
      api.s.database.db,
      dialect,
      api.clock,
      policies,
      box,
      new RecordSigner(keys.policy),
    );
    const device = await authenticateDevice(api.s.database.db, pc.auth.authorization);
    const full = (
      service as unknown as {
        fullPull(d: typeof device, q: PullQuery, now: number): Promise<PullResponse>;
      }
    ).fullPull(device, query, api.clock.nowMs());
    return pullResponseSchema.parse(await full);
  }

  /** An answer without its times (the receipt's signature covers its time). */
  const comparable = (p: PullResponse) => ({
    ...p,
    serverTime: 0,
    receipt: p.receipt && { ...p.receipt, serverTime: 0, signature: '' },
  });

  const device = () =>
    api.s.database.db
      .selectFrom('devices')
      .select(['last_sync_at', 'reported_seq', 'app_version'])
      .where('id', '=', pc.deviceId)
      .executeTakeFirstOrThrow();

  it('answers the same as the full path, and records the pull on the device', async () => {
    api.clock.advance(1_000);
    const early = await pull(
      `since=${cursor}&policyVersion=${policyVersion}&auditHead=42&appVersion=9.9.9`,
    );
    const full = await fullAnswer({
      since: cursor,
      policyVersion,
      auditHead: 42,
      limit: PULL_PAGE_SIZE,
    } as PullQuery);
    expect(comparable(early)).toEqual(comparable(full));
    expect(early).toMatchObject({ cursor, fullSync: false, policy: null, more: false });
    const row = await device();
    expect(Number(row.last_sync_at)).toBe(early.serverTime);
    expect(Number(row.reported_seq)).toBe(42);
    expect(row.app_version).toBe('9.9.9');

    // Without auditHead and appVersion, what the device reported before stays.
    await pull(`since=${cursor}&policyVersion=${policyVersion}`);
    expect(await device()).toMatchObject({ app_version: '9.9.9' });
    expect(Number((await device()).reported_seq)).toBe(42);
  });

  it('a PC reporting a shorter log than before (its tail cut) is told to admins, once', async () => {
    const breaks = () =>
      api.s.database.db
        .selectFrom('server_audit')
        .select(['details', 'target_id'])
        .where('action', '=', 'audit.chain_break')
        .execute();
    await pull(`since=${cursor}&policyVersion=${policyVersion}&auditHead=10`);
    await pull(`since=${cursor}&policyVersion=${policyVersion}&auditHead=10`);
    // What it reported before stays: the head the server compares with never goes down.
    expect(Number((await device()).reported_seq)).toBe(42);
    const found = await breaks();
    expect(found).toHaveLength(1);
    expect(found[0]!.target_id).toBe(pc.deviceId);
    expect(JSON.parse(found[0]!.details)).toEqual({
      reason: 'head_went_back',
      reportedSeq: 42,
      nowSeq: 10,
    });
    // Reaching the old head again is not a new problem.
    await pull(`since=${cursor}&policyVersion=${policyVersion}&auditHead=43`);
    expect(await breaks()).toHaveLength(1);
  });

  it('still sends the signed policy to a PC that holds an older one', async () => {
    const early = await pull(`since=${cursor}&policyVersion=0`);
    const full = await fullAnswer({
      since: cursor,
      policyVersion: 0,
      limit: PULL_PAGE_SIZE,
    } as PullQuery);
    expect(early.policy).not.toBeNull();
    expect(comparable(early)).toEqual(comparable(full));
  });

  it('a change after the cursor is never answered early', async () => {
    await setStatus(api, crew.id, 'disabled');
    const page = await pull(`since=${cursor}&policyVersion=${policyVersion}`);
    expect(page.revocations.disabledAccountIds).toEqual([crew.id]);
    expect(page.cursor).toBeGreaterThan(cursor);
    // And from the new cursor on, nothing again, with that cursor.
    const again = await pull(`since=${page.cursor}&policyVersion=${policyVersion}`);
    expect(again).toMatchObject({ cursor: page.cursor, accounts: [], more: false });
    expect(again.revocations).toEqual({
      disabledAccountIds: [],
      disabledAccounts: [],
      removedAccountIds: [],
    });
  });

  it('a cursor beyond the head (a restored server) still starts over', async () => {
    const page = await pull(`since=${cursor + 1_000_000}&policyVersion=${policyVersion}`);
    expect(page.fullSync).toBe(true);
    expect(page.accounts.length).toBeGreaterThan(0);
  });
});
