// Monthly partitions of audit_events on PostgreSQL (db/migrations/007-audit-partitions.ts,
// reporting/audit-partitions.ts), and each (device, seq) stored once on both databases.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServerDatabase } from '../../../backend-sync/db/database';
import { migration001 } from '../../../backend-sync/db/migrations/001-initial';
import { migration002 } from '../../../backend-sync/db/migrations/002-temporary-passwords';
import { migration003 } from '../../../backend-sync/db/migrations/003-rate-limit-counters';
import { migration004 } from '../../../backend-sync/db/migrations/004-credential-keys';
import { migration005 } from '../../../backend-sync/db/migrations/005-credential-box';
import { migration006 } from '../../../backend-sync/db/migrations/006-totp-changed-at';
import {
  auditPartitions,
  ensureAuditPartitions,
} from '../../../backend-sync/reporting/audit-partitions';
import { AuditIngestService } from '../../../backend-sync/sync/audit-ingest.service';
import { signedChain } from '../support/audit-chain';
import { enrolledDevice } from '../support/audit-device';
import {
  describeEachDialect,
  startTestServer,
  TEST_DATABASE_URL,
  type TestServer,
} from '../support/server-harness';

const DEC_2026 = Date.UTC(2026, 11, 1);
let now = Date.UTC(2026, 11, 8, 12);
const clock = { nowMs: () => now };

/** Where each of a device's rows is stored: seq → the table (partition) that holds it. */
async function homes(s: TestServer, deviceId: string): Promise<Map<number, string>> {
  const { rows } = await sql<{ seq: string; home: string }>`
    select seq, tableoid::regclass::text as home from audit_events where device_id = ${deviceId}
  `.execute(s.database.db);
  return new Map(rows.map((r) => [Number(r.seq), r.home.replace(/^.*\./, '')]));
}

describe.skipIf(!TEST_DATABASE_URL)('audit partitions [postgres]', () => {
  let s: TestServer;
  beforeAll(async () => {
    // Started "now": the migration makes partitions around the real date; the app's upkeep
    // makes them around the clock's.
    s = await startTestServer('postgres', {}, { clock });
  });
  afterAll(() => s.close());

  it('has this month, the next three and a DEFAULT, and files rows by the month of `at`', async () => {
    const names = await auditPartitions(s.database.db);
    for (const month of ['y2026m12', 'y2027m01', 'y2027m02', 'y2027m03']) {
      expect(names.has(`audit_events_${month}`)).toBe(true);
    }
    const { device, macKey } = await enrolledDevice(s.database, clock);
    // Three entries in December, then a fourth on 1 January 00:00 UTC (the boundary).
    const chain = signedChain(device.deviceId, macKey, 4, {
      at: Date.UTC(2026, 11, 31, 23, 59, 58),
      spacingMs: 1000,
    });
    const ingest = new AuditIngestService(s.database.db, 'postgres', clock);
    await ingest.ingest(device, 'key-months-1', chain);
    expect(Object.fromEntries(await homes(s, device.deviceId))).toEqual({
      1: 'audit_events_y2026m12',
      2: 'audit_events_y2026m12',
      3: 'audit_events_y2027m01',
      4: 'audit_events_y2027m01',
    });
  });

  it('takes entries far in the past or future into DEFAULT, and none fails', async () => {
    const { device, macKey } = await enrolledDevice(s.database, clock);
    const first = signedChain(device.deviceId, macKey, 2, { at: Date.UTC(1971, 0, 1) });
    const later = signedChain(device.deviceId, macKey, 2, {
      startSeq: 3,
      prevHash: first[1]!.hash,
      at: Date.UTC(2999, 5, 1),
    });
    const ingest = new AuditIngestService(s.database.db, 'postgres', clock);
    expect((await ingest.ingest(device, 'key-far-1', [...first, ...later])).stored).toBe(4);
    expect([...(await homes(s, device.deviceId)).values()]).toEqual(
      Array(4).fill('audit_events_default'),
    );
  });

  it('makes the months ahead when time moves on, moving what DEFAULT held for them', async () => {
    const { device, macKey } = await enrolledDevice(s.database, clock);
    const chain = signedChain(device.deviceId, macKey, 3, { at: Date.UTC(2027, 5, 15) });
    await new AuditIngestService(s.database.db, 'postgres', clock).ingest(device, 'k-1', chain);
    expect(new Set((await homes(s, device.deviceId)).values())).toEqual(
      new Set(['audit_events_default']),
    );
    now = Date.UTC(2027, 3, 2); // April 2027: April to July are made
    try {
      const made = await ensureAuditPartitions(s.database.db, 'postgres', now);
      expect(made).toEqual([
        'audit_events_y2027m04',
        'audit_events_y2027m05',
        'audit_events_y2027m06',
        'audit_events_y2027m07',
      ]);
      expect(new Set((await homes(s, device.deviceId)).values())).toEqual(
        new Set(['audit_events_y2027m06']),
      );
      // Again: nothing to do; and the moved partition has the parent's indexes.
      expect(await ensureAuditPartitions(s.database.db, 'postgres', now)).toEqual([]);
      const { rows } = await sql<{ n: string }>`select count(*) as n from pg_indexes
        where tablename = 'audit_events_y2027m06' and schemaname = current_schema()`.execute(
        s.database.db,
      );
      expect(Number(rows[0]!.n)).toBe(7);
    } finally {
      now = Date.UTC(2026, 11, 8, 12);
    }
  });

  it('the upgrade moves rows stored before it into their months', async () => {
    const schema = `kh_test_${randomBytes(6).toString('hex')}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'keyholder-sync-'));
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    try {
      // The schema as version 006 left it, with two rows in it.
      const old = new Kysely<unknown>({
        dialect: new PostgresDialect({
          pool: new pg.Pool({
            connectionString: TEST_DATABASE_URL,
            max: 1,
            options: `-c search_path=${schema}`,
          }),
        }),
      });
      await sql`create table schema_migrations (name text primary key, applied_at bigint not null)`.execute(
        old,
      );
      const ups = [
        migration001('postgres'),
        migration002('postgres'),
        migration003('postgres'),
        migration004(),
        migration005(),
        migration006(),
      ];
      for (const [i, m] of ups.entries()) {
        await m.up(old);
        await sql`insert into schema_migrations values (${`00${i + 1}`}, 0)`.execute(old);
      }
      await sql`update schema_migrations set name = case name
          when '001' then '001-initial' when '002' then '002-temporary-passwords'
          when '003' then '003-rate-limit-counters' when '004' then '004-credential-keys'
          when '005' then '005-credential-box' else '006-totp-changed-at' end`.execute(old);
      for (const [seq, at] of [
        [1, Date.UTC(2024, 1, 29, 23)],
        [2, Date.UTC(1980, 0, 1)],
      ] as const) {
        await sql`insert into audit_events values ('dev-1', ${seq}, 'store-1', ${at}, null, null,
          'auth.sign_in', null, null, 'success', '{}', 'p', 'h', 'm', ${at})`.execute(old);
      }
      await old.destroy();

      const upgraded = await openServerDatabase(
        { DATABASE_URL: TEST_DATABASE_URL, dataDir },
        { schema, poolSize: 1 },
      );
      try {
        const { rows } = await sql<{ seq: string; home: string }>`
          select seq, tableoid::regclass::text as home from audit_events order by seq
        `.execute(upgraded.db);
        expect(rows.map((r) => [Number(r.seq), r.home.replace(/^.*\./, '')])).toEqual([
          [1, 'audit_events_y2024m02'],
          [2, 'audit_events_default'],
        ]);
      } finally {
        await upgraded.close();
      }
    } finally {
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describeEachDialect('each (device, seq) stored once', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect, {}, { clock });
  });
  afterAll(() => s.close());

  it('a batch sent again, with a new key or at once, is stored once', async () => {
    const { device, macKey } = await enrolledDevice(s.database, clock);
    // Across a month boundary: on PostgreSQL the rows live in two partitions.
    const chain = signedChain(device.deviceId, macKey, 6, {
      at: DEC_2026 - 3000,
      spacingMs: 1000,
    });
    const ingest = new AuditIngestService(s.database.db, dialect, clock);
    const results = await Promise.allSettled([
      ingest.ingest(device, 'key-a', chain),
      ingest.ingest(device, 'key-b', chain),
      ingest.ingest(device, 'key-c', chain.slice(0, 3)),
    ]);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    await ingest.ingest(device, 'key-d', chain);
    const { rows } = await sql<{ seq: string; n: string }>`
      select seq, count(*) as n from audit_events where device_id = ${device.deviceId}
      group by seq order by seq
    `.execute(s.database.db);
    expect(rows.map((r) => [Number(r.seq), Number(r.n)])).toEqual(
      [1, 2, 3, 4, 5, 6].map((seq) => [seq, 1]),
    );
  });
});
