import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AuditRecord } from '../../../common/audit/audit-record';
import { AuditIngestService } from '../../../backend-sync/sync/audit-ingest.service';
import { authenticateDevice, type DevicePrincipal } from '../../../backend-sync/sync/device-auth';
import {
  EnrollmentService,
  ENROLLMENT_CODE_TTL_MS,
} from '../../../backend-sync/sync/enrollment.service';
import { CoreHarness, errorCode } from '../../support/core-harness';
import { sign } from '../support/audit-chain';
import { describeEachDialect, startTestServer, type TestServer } from '../support/server-harness';

describeEachDialect('device enrollment and audit upload', (dialect) => {
  let s: TestServer;
  let now = Date.UTC(2026, 10, 29, 12);
  const clock = { nowMs: () => now };
  let store: CoreHarness;
  let entries: AuditRecord[];
  let macKey: string;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    // A real store PC: its own encrypted store, audit chain and MAC key.
    store = new CoreHarness();
    await store.setUp();
    entries = store.kh.audit.after(0, 1000);
    macKey = (await store.secrets.get(`${store.kh.profileId}/audit-mac-key`))!;
  });
  afterAll(async () => {
    store.dispose();
    await s.close();
  });

  let device: DevicePrincipal;
  let ingest: AuditIngestService;
  beforeEach(async () => {
    const storeId = randomUUID();
    await s.database.db
      .insertInto('stores')
      .values({
        id: storeId,
        name: 'Maple Street',
        brand: 'Northwind',
        created_at: now,
        updated_at: now,
      })
      .execute();
    const enrollment = new EnrollmentService(s.database.db, clock);
    const { code } = await enrollment.issueCode(storeId, 'admin-1');
    const deviceId = entries[0]!.deviceId;
    // Each test starts this PC afresh on the server.
    await s.database.db.deleteFrom('audit_events').where('device_id', '=', deviceId).execute();
    await s.database.db.deleteFrom('idempotency_keys').where('device_id', '=', deviceId).execute();
    await s.database.db.deleteFrom('devices').where('id', '=', deviceId).execute();
    const enrolled = await enrollment.enroll({
      code: code.toLowerCase(),
      deviceId,
      deviceName: 'Till 1',
      appVersion: '0.1.0',
      auditMacKey: macKey,
    });
    device = await authenticateDevice(s.database.db, `Device ${enrolled.credential}`);
    ingest = new AuditIngestService(s.database.db, dialect, clock);
  });

  const stored = async () =>
    (
      await s.database.db
        .selectFrom('audit_events')
        .select(['seq'])
        .where('device_id', '=', device.deviceId)
        .orderBy('seq')
        .execute()
    ).map((r) => Number(r.seq));

  it('an enrollment code works once, within 15 minutes', async () => {
    const storeId = randomUUID();
    await s.database.db
      .insertInto('stores')
      .values({ id: storeId, name: 'B', brand: '', created_at: now, updated_at: now })
      .execute();
    const enrollment = new EnrollmentService(s.database.db, clock);
    const { code } = await enrollment.issueCode(storeId, 'admin-1');
    const input = {
      code,
      deviceId: randomUUID(),
      deviceName: 'Till',
      appVersion: '1',
      auditMacKey: macKey,
    };
    const [a, b] = await Promise.allSettled([enrollment.enroll(input), enrollment.enroll(input)]);
    expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
    const late = await enrollment.issueCode(storeId, 'admin-1');
    now += ENROLLMENT_CODE_TTL_MS + 1;
    expect(await errorCode(() => enrollment.enroll({ ...input, code: late.code }))).toBe(
      'enrollment_refused',
    );
    expect(await errorCode(() => authenticateDevice(s.database.db, 'Device nonsense'))).toBe(
      'device_unauthorized',
    );
  });

  it('stores a verified chain once, whatever the retries', async () => {
    const batch = entries.slice(0, 4);
    expect(await ingest.ingest(device, 'key-0001', batch)).toEqual({
      acknowledgedSeq: 4,
      stored: 4,
      duplicates: 0,
    });
    // Same key, same payload: the stored result, nothing written twice.
    expect(await ingest.ingest(device, 'key-0001', batch)).toEqual({
      acknowledgedSeq: 4,
      stored: 4,
      duplicates: 0,
    });
    // A new key with overlapping entries (a retry after a lost response): duplicates are skipped.
    expect(await ingest.ingest(device, 'key-0002', entries.slice(2, 6))).toEqual({
      acknowledgedSeq: 6,
      stored: 2,
      duplicates: 2,
    });
    expect(await stored()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses a reused key with another payload, and a gap with the expected seq', async () => {
    await ingest.ingest(device, 'key-a', entries.slice(0, 2));
    expect(await errorCode(() => ingest.ingest(device, 'key-a', entries.slice(0, 3)))).toBe(
      'idempotency_key_reused',
    );
    const gap = await ingest.ingest(device, 'key-b', entries.slice(3, 5)).catch((e: unknown) => e);
    expect(gap).toMatchObject({
      statusCode: 409,
      code: 'sequence_gap',
      details: { expectedSeq: 3 },
    });
    expect(await stored()).toEqual([1, 2]);
  });

  it('refuses a broken chain, names the entry, stores nothing and tells admins', async () => {
    const forged = entries.slice(0, 3).map((e) => ({ ...e }));
    forged[1] = {
      ...forged[1]!,
      outcome: forged[1]!.outcome === 'success' ? 'failure' : 'success',
    };
    const err = await ingest.ingest(device, 'key-c', forged).catch((e: unknown) => e);
    expect(err).toMatchObject({
      statusCode: 422,
      code: 'audit_chain_broken',
      details: { seq: 2, reason: 'hash_mismatch' },
    });
    expect(await stored()).toEqual([]);
    const alert = await s.database.db
      .selectFrom('server_audit')
      .selectAll()
      .where('action', '=', 'audit.chain_break')
      .where('target_id', '=', device.deviceId)
      .executeTakeFirst();
    expect(alert).toBeTruthy();
    // The key was released: the honest batch can be sent under it afterwards.
    expect(await ingest.ingest(device, 'key-c2', entries.slice(0, 3))).toMatchObject({ stored: 3 });
  });

  it('a PC restored from an older backup: its new entry for a stored seq is a conflict, told to admins once', async () => {
    const alerts = async () =>
      (
        await s.database.db
          .selectFrom('server_audit')
          .select('details')
          .where('action', '=', 'audit.chain_break')
          .where('target_id', '=', device.deviceId)
          .orderBy('id')
          .execute()
      ).map((a) => JSON.parse(a.details) as unknown);
    const before = (await alerts()).length;
    await ingest.ingest(device, 'key-r1', entries.slice(0, 3));
    // After the restore the PC holds only seq 1, and writes its own seq 2: a valid link in its
    // chain, but not the entry the server already holds.
    const { hash: _hash, mac: _mac, ...body } = entries[1]!;
    const other = sign({ ...body, at: body.at + 60_000 }, device.auditMacKey);
    const conflicts = [];
    for (const key of ['key-r2', 'key-r3', 'key-r4']) {
      conflicts.push(await ingest.ingest(device, key, [other]).catch((e: unknown) => e));
    }
    for (const e of conflicts) {
      expect(e).toMatchObject({ statusCode: 409, code: 'sequence_conflict', details: { seq: 2 } });
    }
    expect(await stored()).toEqual([1, 2, 3]);
    expect((await alerts()).slice(before)).toEqual([{ seq: 2, reason: 'sequence_conflict' }]);
  });

  it('refuses entries MACed with another key', async () => {
    const other = { ...device, auditMacKey: Buffer.alloc(32, 7) };
    expect(
      await ingest
        .ingest(other, 'key-d', entries.slice(0, 1))
        .catch((e: { details?: unknown }) => e.details),
    ).toEqual({ seq: 1, reason: 'mac_mismatch' });
  });

  it('two concurrent uploads of the same batch store it exactly once', async () => {
    const batch = entries.slice(0, 5);
    const results = await Promise.allSettled([
      ingest.ingest(device, 'key-e1', batch),
      ingest.ingest(device, 'key-e2', batch),
      ingest.ingest(device, 'key-e1', batch),
    ]);
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    expect(await stored()).toEqual([1, 2, 3, 4, 5]);
  });
});
