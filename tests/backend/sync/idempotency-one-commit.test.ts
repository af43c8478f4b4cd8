import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AuditRecord } from '../../../common/audit/audit-record';
import { AuditIngestService } from '../../../backend-sync/sync/audit-ingest.service';
import { authenticateDevice, type DevicePrincipal } from '../../../backend-sync/sync/device-auth';
import { EnrollmentService } from '../../../backend-sync/sync/enrollment.service';
import { requestHash, STALE_CLAIM_MS } from '../../../backend-sync/sync/idempotency';
import { CoreHarness, errorCode } from '../../support/core-harness';
import { describeEachDialect, startTestServer, type TestServer } from '../support/server-harness';

/**
 * Audit uploads claim their Idempotency-Key in the transaction that stores the batch (one
 * commit): a concurrent duplicate is still refused with 409 request_in_progress, nothing is
 * left behind by a failure, and keys stored by the earlier two-commit form still work.
 */
describeEachDialect('audit upload idempotency in one commit', (dialect) => {
  let s: TestServer;
  const now = Date.UTC(2026, 10, 29, 12);
  const clock = { nowMs: () => now };
  let pcHarness: CoreHarness;
  let entries: AuditRecord[];
  let macKey: string;
  let device: DevicePrincipal;
  let ingest: AuditIngestService;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    pcHarness = new CoreHarness();
    await pcHarness.setUp();
    entries = pcHarness.kh.audit.after(0, 1000);
    macKey = (await pcHarness.secrets.get(`${pcHarness.kh.profileId}/audit-mac-key`))!;
  });
  afterAll(async () => {
    pcHarness.dispose();
    await s.close();
  });

  beforeEach(async () => {
    const storeId = randomUUID();
    await s.database.db
      .insertInto('stores')
      .values({ id: storeId, name: 'Maple', brand: '', created_at: now, updated_at: now })
      .execute();
    const enrollment = new EnrollmentService(s.database.db, clock);
    const { code } = await enrollment.issueCode(storeId, 'admin-1');
    const deviceId = entries[0]!.deviceId;
    await s.database.db.deleteFrom('audit_events').where('device_id', '=', deviceId).execute();
    await s.database.db.deleteFrom('idempotency_keys').where('device_id', '=', deviceId).execute();
    await s.database.db.deleteFrom('devices').where('id', '=', deviceId).execute();
    const enrolled = await enrollment.enroll({
      code,
      deviceId,
      deviceName: 'Till 1',
      appVersion: '0.1.0',
      auditMacKey: macKey,
    });
    device = await authenticateDevice(s.database.db, `Device ${enrolled.credential}`);
    ingest = new AuditIngestService(s.database.db, dialect, clock);
  });

  const keys = () =>
    s.database.db
      .selectFrom('idempotency_keys')
      .select(['key', 'state'])
      .where('device_id', '=', device.deviceId)
      .orderBy('key')
      .execute();
  const storedCount = async () =>
    Number(
      (
        await s.database.db
          .selectFrom('audit_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('device_id', '=', device.deviceId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('a duplicate sent while the first is running gets 409 request_in_progress', async () => {
    const batch = entries.slice(0, 5);
    const [first, second] = await Promise.allSettled([
      ingest.ingest(device, 'key-dup-1', batch),
      ingest.ingest(device, 'key-dup-1', batch),
    ]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { stored: 5 } });
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'request_in_progress' } });
    // Once the first is done, the same request gets its answer.
    expect(await ingest.ingest(device, 'key-dup-1', batch)).toEqual({
      acknowledgedSeq: 5,
      stored: 5,
      duplicates: 0,
    });
    expect(await keys()).toEqual([{ key: 'key-dup-1', state: 'done' }]);
  });

  it('two server instances: the batch is stored once, the other is told to wait or replayed', async () => {
    const other = new AuditIngestService(s.database.db, dialect, clock);
    const batch = entries.slice(0, 5);
    const results = await Promise.allSettled([
      ingest.ingest(device, 'key-two-1', batch),
      other.ingest(device, 'key-two-1', batch),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    for (const r of results) {
      if (r.status === 'fulfilled') expect(r.value).toMatchObject({ acknowledgedSeq: 5 });
      else expect(r.reason).toMatchObject({ code: 'request_in_progress' });
    }
    expect(await storedCount()).toBe(5);
  });

  it('a refused batch leaves no claim behind, and its key can be used again', async () => {
    const gap = entries.slice(2, 4);
    expect(await errorCode(() => ingest.ingest(device, 'key-gap-1', gap))).toBe('sequence_gap');
    expect(await keys()).toEqual([]);
    expect(await ingest.ingest(device, 'key-gap-1', entries.slice(0, 4))).toMatchObject({
      stored: 4,
    });
  });

  it('keys stored by the earlier two-commit form: replayed, refused, or taken over', async () => {
    const batch = entries.slice(0, 3);
    const answer = { acknowledgedSeq: 3, stored: 3, duplicates: 0 };
    await s.database.db
      .insertInto('idempotency_keys')
      .values([
        {
          device_id: device.deviceId,
          key: 'legacy-done',
          request_hash: requestHash(batch),
          state: 'done',
          response: JSON.stringify(answer),
          created_at: now,
        },
        {
          device_id: device.deviceId,
          key: 'legacy-running',
          request_hash: requestHash(batch),
          state: 'in_progress',
          response: null,
          created_at: now,
        },
        {
          device_id: device.deviceId,
          key: 'legacy-abandoned',
          request_hash: requestHash(batch),
          state: 'in_progress',
          response: null,
          created_at: now - STALE_CLAIM_MS - 1,
        },
      ])
      .execute();
    expect(await ingest.ingest(device, 'legacy-done', batch)).toEqual(answer);
    expect(await errorCode(() => ingest.ingest(device, 'legacy-done', entries.slice(0, 2)))).toBe(
      'idempotency_key_reused',
    );
    expect(await errorCode(() => ingest.ingest(device, 'legacy-running', batch))).toBe(
      'request_in_progress',
    );
    expect(await ingest.ingest(device, 'legacy-abandoned', batch)).toEqual(answer);
    expect(await storedCount()).toBe(3);
    expect(await keys()).toEqual([
      { key: 'legacy-abandoned', state: 'done' },
      { key: 'legacy-done', state: 'done' },
      { key: 'legacy-running', state: 'in_progress' },
    ]);
  });
});
