import { systemClock } from '../../../backend-sync/clock';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AuditRecord } from '../../../common/audit/audit-record';
import { SYNC_API_PREFIX } from '../../../common/sync/protocol';
import { EnrollmentService } from '../../../backend-sync/sync/enrollment.service';
import { expectGenericError } from '../auth/support/auth-helpers';
import { sign, signedChain } from '../support/audit-chain';
import { describeEachDialect, startTestServer, type TestServer } from '../support/server-harness';

/**
 * Large audit uploads over HTTP with the verification threads running, as on a real server:
 * hashes and MACs are checked on a thread while the batch is stored, and nothing commits
 * unless every entry verifies. Each refusal names the first bad entry in seq order, whichever
 * check (on the event loop or on the thread) found it.
 */
describeEachDialect('audit uploads verified on a thread', (dialect) => {
  let s: TestServer;
  const macKey = randomBytes(32);
  const deviceId = randomUUID();
  let credential: string;
  let chain: AuditRecord[];

  beforeAll(async () => {
    s = await startTestServer(dialect, {}, { startVerifyThreads: true });
    const storeId = randomUUID();
    await s.database.db
      .insertInto('stores')
      .values({ id: storeId, name: 'Elm Road', brand: '', created_at: 0, updated_at: 0 })
      .execute();
    const { code } = await new EnrollmentService(s.database.db, systemClock).issueCode(
      storeId,
      'admin',
    );
    const enrolled = await s.app.inject({
      method: 'POST',
      url: `${SYNC_API_PREFIX}/enroll`,
      payload: {
        code,
        deviceId,
        deviceName: 'Till 1',
        appVersion: '0.1.0',
        auditMacKey: macKey.toString('base64'),
      },
    });
    credential = enrolled.json<{ credential: string }>().credential;
    chain = signedChain(deviceId, macKey, 900);
  });
  afterAll(() => s.close());

  const upload = (key: string, payload: unknown, headers: Record<string, string> = {}) =>
    s.app.inject({
      method: 'POST',
      url: `${SYNC_API_PREFIX}/audit`,
      headers: { authorization: `Device ${credential}`, 'idempotency-key': key, ...headers },
      payload: payload as string,
    });
  const storedCount = async () =>
    Number(
      (
        await s.database.db
          .selectFrom('audit_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('device_id', '=', deviceId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const breaks = async () =>
    (
      await s.database.db
        .selectFrom('server_audit')
        .select('details')
        .where('action', '=', 'audit.chain_break')
        .where('target_id', '=', deviceId)
        .orderBy('id')
        .execute()
    ).map((r) => JSON.parse(r.details) as unknown);

  /** Entries 301–600 with changes at the given offsets (0-based within the batch). */
  const second = (change: (batch: AuditRecord[]) => void) => {
    const batch = chain.slice(300, 600).map((e) => ({ ...e }));
    change(batch);
    return { entries: batch };
  };

  it('stores a batch of 300 once, whatever the retries', async () => {
    const first = await upload('threads-0001', { entries: chain.slice(0, 300) });
    expect(first.json()).toEqual({ acknowledgedSeq: 300, stored: 300, duplicates: 0 });
    expect((await upload('threads-0001', { entries: chain.slice(0, 300) })).json()).toEqual(
      first.json(),
    );
    expect(await storedCount()).toBe(300);
  });

  it('refuses a batch with a changed entry in the middle, stores none of it, tells admins', async () => {
    const before = (await breaks()).length;
    const forged = second((b) => {
      b[120] = { ...b[120]!, outcome: 'denied' }; // seq 421: the hash no longer matches
    });
    const r = await upload('threads-0002', forged);
    expectGenericError(r, 422, 'audit_chain_broken');
    expect(r.json()).toMatchObject({ error: { details: { seq: 421, reason: 'hash_mismatch' } } });
    expect(await storedCount()).toBe(300);
    expect((await breaks()).slice(before)).toEqual([{ seq: 421, reason: 'hash_mismatch' }]);
  });

  it('names the first bad entry in seq order, whichever check finds it', async () => {
    // A broken link at seq 351 comes before a changed entry at seq 421.
    const linkFirst = second((b) => {
      b[50] = sign({ ...b[50]!, prevHash: 'a'.repeat(64) }, macKey);
      b[120] = { ...b[120]!, outcome: 'denied' };
    });
    expect((await upload('threads-0003', linkFirst)).json()).toMatchObject({
      error: { details: { seq: 351, reason: 'previous_hash_mismatch' } },
    });
    // A wrong MAC at seq 331 comes before the broken link at seq 351.
    const macFirst = second((b) => {
      b[30] = { ...b[30]!, mac: 'b'.repeat(64) };
      b[50] = sign({ ...b[50]!, prevHash: 'a'.repeat(64) }, macKey);
    });
    expect((await upload('threads-0004', macFirst)).json()).toMatchObject({
      error: { details: { seq: 331, reason: 'mac_mismatch' } },
    });
    // Re-signed with another device's key throughout: the first entry is refused.
    const otherKey = randomBytes(32);
    const reSigned = second((b) => b.splice(0, b.length, ...b.map((e) => sign(e, otherKey))));
    expect((await upload('threads-0005', reSigned)).json()).toMatchObject({
      error: { details: { seq: 301, reason: 'mac_mismatch' } },
    });
    expect(await storedCount()).toBe(300);
    // The honest batch still goes in afterwards, under a fresh key.
    expect((await upload('threads-0006', { entries: chain.slice(300, 600) })).json()).toEqual({
      acknowledgedSeq: 600,
      stored: 300,
      duplicates: 0,
    });
  });

  it('refuses an upload without a device before reading its body', async () => {
    const r = await s.app.inject({
      method: 'POST',
      url: `${SYNC_API_PREFIX}/audit`,
      headers: { 'idempotency-key': 'threads-0007', 'content-type': 'application/json' },
      payload: '{"entries": not json at all',
    });
    expectGenericError(r, 401, 'device_unauthorized');
  });

  it('answers a malformed body with the generic 4xx, and stores nothing', async () => {
    const json = { 'content-type': 'application/json' };
    expectGenericError(await upload('threads-0008', '{"entries": [', json), 400);
    expectGenericError(await upload('threads-0009', '', json), 400);
    expectGenericError(
      await upload('threads-0010', '{"entries": [], "__proto__": {"x": 1}}', json),
      400,
    );
    expectGenericError(
      await upload('threads-0011', JSON.stringify({ entries: chain.slice(600, 700) }), {
        'content-type': 'text/plain',
      }),
      415,
    );
    const wrongType = chain.slice(600, 700).map((e) => ({ ...e }));
    (wrongType[80] as unknown as { seq: string }).seq = '681';
    expectGenericError(await upload('threads-0012', { entries: wrongType }), 400);
    const extraField = chain.slice(600, 700).map((e, i) => (i === 99 ? { ...e, admin: true } : e));
    expectGenericError(await upload('threads-0013', { entries: extraField }), 400);
    expect(await storedCount()).toBe(600);
  });
});
