// Audit retention (reporting/audit-retention.ts): each month past AUDIT_RETENTION_MONTHS is
// archived (gzip NDJSON, sha256 sidecar, manifest), verified, and only then removed.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AuditRecord } from '../../../common/audit/audit-record';
import type { ArchiveManifest } from '../../../backend-sync/reporting/audit-archive';
import {
  auditPartitions,
  ensureAuditPartitions,
} from '../../../backend-sync/reporting/audit-partitions';
import { AuditRetention } from '../../../backend-sync/reporting/audit-retention';
import { ServerAudit } from '../../../backend-sync/services/server-audit';
import { AuditIngestService } from '../../../backend-sync/sync/audit-ingest.service';
import { signedChain } from '../support/audit-chain';
import { enrolledDevice } from '../support/audit-device';
import {
  describeEachDialect,
  startTestServer,
  TEST_DATABASE_URL,
  type TestServer,
} from '../support/server-harness';

const DAY = 86_400_000;
const clock = { nowMs: () => Date.UTC(2026, 11, 8, 12) };

describeEachDialect('audit retention', (dialect) => {
  let s: TestServer;
  let dir: string;
  let chain: AuditRecord[];
  let deviceId: string;
  beforeAll(async () => {
    s = await startTestServer(dialect, {}, { clock });
  });
  afterAll(() => s.close());
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyholder-archive-'));
    await s.database.db.deleteFrom('audit_events').execute();
    await s.database.db.deleteFrom('server_audit').execute();
    const { device, macKey } = await enrolledDevice(s.database, clock);
    deviceId = device.deviceId;
    // PostgreSQL: September to November get partitions, as they would have in their time.
    await ensureAuditPartitions(s.database.db, dialect, Date.UTC(2026, 8, 1));
    // One entry a day from 15 September to 14 December 2026: four months.
    chain = signedChain(deviceId, macKey, 91, { at: Date.UTC(2026, 8, 15, 9), spacingMs: DAY });
    await new AuditIngestService(s.database.db, dialect, clock).ingest(device, 'k-1', chain);
    return () => rmSync(dir, { recursive: true, force: true });
  });

  const retention = (
    months: number | undefined,
    archiveDir = dir,
    afterArchive?: (month: string) => Promise<void>,
  ) =>
    new AuditRetention({
      db: s.database.db,
      dialect,
      clock,
      audit: new ServerAudit(s.database.db, clock),
      retentionMonths: months,
      archiveDir,
      ...(afterArchive ? { afterArchive } : {}),
    });
  const storedSeqs = async () =>
    (
      await s.database.db
        .selectFrom('audit_events')
        .select('seq')
        .where('device_id', '=', deviceId)
        .orderBy('seq')
        .execute()
    ).map((r) => Number(r.seq));
  const events = () =>
    s.database.db
      .selectFrom('server_audit')
      .select(['outcome', 'details'])
      .where('action', '=', 'audit.retention')
      .orderBy('id')
      .execute();

  it('keeps everything by default', async () => {
    expect(await retention(undefined).run()).toEqual([]);
    expect(await storedSeqs()).toHaveLength(91);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('archives each month past retention, verifiably, then removes it', async () => {
    // Two months kept before December: October and November stay, September goes.
    const retired = await retention(2).run();
    expect(retired.map((r) => [r.month, r.rows])).toEqual([['2026-09', 16]]);
    expect(await storedSeqs()).toEqual(chain.slice(16).map((e) => e.seq));
    if (dialect === 'postgres') {
      expect((await auditPartitions(s.database.db)).has('audit_events_y2026m09')).toBe(false);
      expect((await auditPartitions(s.database.db)).has('audit_events_y2026m10')).toBe(true);
    }
    const file = 'audit-events-2026-09.ndjson.gz';
    expect(readdirSync(dir).sort()).toEqual([file, `${file}.manifest.json`, `${file}.sha256`]);
    const bytes = readFileSync(join(dir, file));
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(readFileSync(join(dir, `${file}.sha256`), 'utf8')).toBe(`${sha}  ${file}\n`);
    const rows = gunzipSync(bytes)
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; hash: string; mac: string; details: string });
    expect(rows.map((r) => [r.seq, r.hash, r.mac, JSON.parse(r.details)])).toEqual(
      chain.slice(0, 16).map((e) => [e.seq, e.hash, e.mac, e.details]),
    );
    // The manifest anchors the chain: the first kept entry names the archive's last hash.
    const manifest = JSON.parse(
      readFileSync(join(dir, `${file}.manifest.json`), 'utf8'),
    ) as ArchiveManifest;
    expect(manifest).toMatchObject({ month: '2026-09', rows: 16, sha256: sha, file });
    expect(manifest.chains).toEqual([
      {
        deviceId,
        firstSeq: 1,
        firstPrevHash: chain[0]!.prevHash,
        lastSeq: 16,
        lastHash: chain[15]!.hash,
        rows: 16,
      },
    ]);
    expect(chain[16]!.prevHash).toBe(manifest.chains[0]!.lastHash);
    expect(await events()).toEqual([
      {
        outcome: 'success',
        details: JSON.stringify({ month: '2026-09', rows: 16, archive: file, sha256: sha }),
      },
    ]);
    // Run again: nothing more to do. One month kept: October goes too, into its own archive.
    expect(await retention(2).run()).toEqual([]);
    expect((await retention(1).run()).map((r) => r.month)).toEqual(['2026-10']);
    expect(await storedSeqs()).toEqual(chain.slice(47).map((e) => e.seq));
  });

  it('removes nothing when the archive cannot be written', async () => {
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, 'a file where the archive folder should be');
    await expect(retention(1, join(blocked, 'archive')).run()).rejects.toThrow();
    expect(await storedSeqs()).toHaveLength(91);
    expect(readdirSync(dir)).toEqual(['not-a-folder']);
    const [event] = await events();
    expect(event?.outcome).toBe('failure');
    expect(JSON.parse(event!.details)).toMatchObject({ month: '2026-09' });
  });

  it('a month archived again after a late upload gets a new archive, never overwritten', async () => {
    await retention(2).run();
    // A PC offline since September uploads its entries late (PostgreSQL: into DEFAULT now).
    const { device, macKey } = await enrolledDevice(s.database, clock);
    const late = signedChain(device.deviceId, macKey, 3, { at: Date.UTC(2026, 8, 20) });
    await new AuditIngestService(s.database.db, dialect, clock).ingest(device, 'late', late);
    const again = await retention(2).run();
    expect(again.map((r) => [r.month, r.rows, r.file])).toEqual([
      ['2026-09', 3, 'audit-events-2026-09.2.ndjson.gz'],
    ]);
    const { rows } = await sql<{ n: string }>`select count(*) as n from audit_events
      where at < ${Date.UTC(2026, 9, 1)}`.execute(s.database.db);
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('keeps a month that got entries between its archive and its removal', async () => {
    const { device, macKey } = await enrolledDevice(s.database, clock);
    const late = signedChain(device.deviceId, macKey, 2, { at: Date.UTC(2026, 8, 25) });
    const upload = async () => {
      await new AuditIngestService(s.database.db, dialect, clock).ingest(device, 'race', late);
    };
    await expect(retention(2, dir, upload).run()).rejects.toThrow(/archived again next run/);
    expect(await storedSeqs()).toHaveLength(91);
    expect(readdirSync(dir)).toEqual([]);
    expect((await events()).map((e) => e.outcome)).toEqual(['failure']);
    // The next run archives the month with the late entries, then removes it.
    expect((await retention(2).run()).map((r) => [r.month, r.rows])).toEqual([['2026-09', 18]]);
  });

  it('leaves the work to the instance holding the lease, until the lease runs out', async () => {
    const lease = (value: number) =>
      s.database.db
        .insertInto('counters')
        .values({ name: 'audit_retention_lease', value })
        .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
        .execute();
    await lease(clock.nowMs() - 60_000); // another instance, a minute ago
    expect(await retention(2).run()).toEqual([]);
    expect(await storedSeqs()).toHaveLength(91);
    await lease(clock.nowMs() - 7 * 3_600_000); // one that died seven hours ago
    expect((await retention(2).run()).map((r) => r.month)).toEqual(['2026-09']);
    // Given back: the next run may start at once.
    const row = await s.database.db
      .selectFrom('counters')
      .select('value')
      .where('name', '=', 'audit_retention_lease')
      .executeTakeFirstOrThrow();
    expect(Number(row.value)).toBe(0);
  });

  it.runIf(dialect === 'postgres')(
    'waits a moment at most for a long reader, and then removes nothing',
    async () => {
      // A long read of the table (an export, a report) holds its lock past lock_timeout.
      const reader = new pg.Client({
        connectionString: TEST_DATABASE_URL,
        options: `-c search_path=${s.pgSchema}`,
      });
      await reader.connect();
      try {
        await reader.query('begin');
        await reader.query('select count(*) from audit_events');
        await expect(retention(2).run()).rejects.toMatchObject({ code: '55P03' });
        expect(await storedSeqs()).toHaveLength(91);
        expect(readdirSync(dir)).toEqual([]);
      } finally {
        await reader.query('rollback');
        await reader.end();
      }
      expect((await retention(2).run()).map((r) => r.month)).toEqual(['2026-09']);
    },
  );
});
