import type { Kysely } from 'kysely';
import type { AuditRecord } from '../../common/audit/audit-record';
import type { DB } from '../db/schema';
import type { ServerAudit } from '../services/server-audit';

/**
 * A store PC that found a record it relies on changed outside Keyholder records it in its own
 * chain (`integrity.tamper`: an account row, its anchor, receipt, policy, counters, its audit
 * head, docs/SECURITY.md). When those entries arrive, each becomes a server event for admins
 * (`device.tamper`), in the transaction that stores them, so a retried batch reports nothing
 * twice. Most uploads have none: this is a filter over the batch and nothing more.
 */
export async function recordTamperReports(
  tx: Kysely<DB>,
  audit: ServerAudit,
  device: { deviceId: string; storeId: string },
  entries: readonly AuditRecord[],
): Promise<number> {
  let reported = 0;
  for (const entry of entries) {
    if (entry.action !== 'integrity.tamper') continue;
    await audit.write(
      {
        action: 'device.tamper',
        outcome: 'failure',
        targetId: device.deviceId,
        storeId: device.storeId,
        details: {
          seq: entry.seq,
          at: entry.at,
          subject: entry.details.subject,
          reason: entry.details.reason,
          ...(typeof entry.details.accountId === 'string'
            ? { accountId: entry.details.accountId }
            : {}),
        },
      },
      tx,
    );
    reported += 1;
  }
  return reported;
}
