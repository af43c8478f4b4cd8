// The server's audit upkeep (reporting/audit-maintenance.ts): with AUDIT_RETENTION_MONTHS set,
// a start archives and removes the months past it; closing the app waits for that run.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AuditIngestService } from '../../../backend-sync/sync/audit-ingest.service';
import { signedChain } from '../support/audit-chain';
import { enrolledDevice } from '../support/audit-device';
import { describeEachDialect, startTestServer, type TestServer } from '../support/server-harness';

const clock = { nowMs: () => Date.UTC(2026, 11, 8, 12) };

describeEachDialect('audit upkeep at start-up', (dialect) => {
  let s: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyholder-archive-'));
    s = await startTestServer(
      dialect,
      { AUDIT_RETENTION_MONTHS: '3', AUDIT_ARCHIVE_DIR: dir },
      { clock },
    );
  });
  afterAll(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('archives and removes the months past retention when the server starts', async () => {
    const { device, macKey } = await enrolledDevice(s.database, clock);
    // Two entries a month apart: June 2026 (past three months before December) and November.
    const chain = signedChain(device.deviceId, macKey, 2, {
      at: Date.UTC(2026, 5, 10),
      spacingMs: 150 * 86_400_000,
    });
    await new AuditIngestService(s.database.db, dialect, clock).ingest(device, 'k', chain);
    // The start's retention runs beside the server; the next restart's close waits for it.
    await s.restart();
    await s.restart();
    const left = await s.database.db.selectFrom('audit_events').select('at').execute();
    expect(left.map((r) => Number(r.at))).toEqual([chain[1]!.at]);
    expect(readdirSync(dir).sort()).toEqual([
      'audit-events-2026-06.ndjson.gz',
      'audit-events-2026-06.ndjson.gz.manifest.json',
      'audit-events-2026-06.ndjson.gz.sha256',
    ]);
  });
});
