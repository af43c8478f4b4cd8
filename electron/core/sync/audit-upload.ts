import { randomBytes } from 'node:crypto';
import { MAX_AUDIT_BATCH } from '../../../common/sync/protocol';
import type { AuditRecord } from '../../../common/audit/audit-record';
import type { AuditLog } from '../audit/audit-log';
import { SyncError } from './sync-errors';
import type { SyncHttp } from './sync-http';
import type { SyncStateRepository } from './sync-state';

/**
 * Step 3 of a sync run: the audit backlog, oldest first, in batches of MAX_AUDIT_BATCH from the
 * seq the server acknowledged. Each answer moves the acknowledgement up (never down, except to
 * what a `sequence_gap` says the server holds); the next batch is read while the previous one
 * is on the wire. `progress(done, total)` reports entries sent in this run.
 */
export async function pushAudit(
  audit: AuditLog,
  repo: SyncStateRepository,
  http: SyncHttp,
  progress: (done: number, total: number) => void,
): Promise<void> {
  const start = repo.get()!.acknowledgedSeq;
  // Keys are per run: a server killed mid-request leaves its key claimed ("in progress") for
  // minutes, and retrying it would be refused until then. Stored entries are matched by seq
  // and bytes, so a batch sent again under a new key is still stored once.
  const run = randomBytes(6).toString('hex');
  let gaps = 0;
  let next: AuditRecord[] | null = null;
  for (;;) {
    const acknowledged = repo.get()!.acknowledgedSeq;
    // The batch read while the previous upload was on the wire, if it starts right after what
    // the server acknowledged (entries never change once written).
    const entries =
      next?.[0]?.seq === acknowledged + 1 ? next : audit.after(acknowledged, MAX_AUDIT_BATCH);
    next = null;
    if (entries.length === 0) return;
    progress(Math.max(0, acknowledged - start), Math.max(0, audit.headSeq() - start));
    const key = `audit-${run}-${entries[0]!.seq}-${entries.at(-1)!.seq}`;
    try {
      const upload = http.pushAudit(entries, key);
      upload.catch(() => undefined); // handled below; not unhandled while we read
      // Read the next batch while the server verifies and stores this one (a backlog is
      // many round trips): first let the request go out, then read.
      await new Promise((resolve) => setImmediate(resolve));
      next = audit.after(entries.at(-1)!.seq, MAX_AUDIT_BATCH);
      const answer = await upload;
      repo.acknowledge(answer.acknowledgedSeq);
    } catch (error) {
      const expected = (error as SyncError).details?.server as
        { expectedSeq?: unknown } | undefined;
      if (
        error instanceof SyncError &&
        error.code === 'sequence_gap' &&
        typeof expected?.expectedSeq === 'number' &&
        gaps < 3
      ) {
        // The server holds up to expectedSeq − 1 (our acknowledgement was lost or is ahead).
        gaps += 1;
        repo.resetAcknowledged(Math.max(0, expected.expectedSeq - 1));
        continue;
      }
      throw error;
    }
  }
}
