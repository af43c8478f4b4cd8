import { sql, type Kysely } from 'kysely';
import type { AuditRecord } from '../../common/audit/audit-record';
import type { Dialect } from '../db/database';
import type { DB } from '../db/schema';
import type { ServerAudit } from '../services/server-audit';

/** The TOTP step a device's audit entry says a successful sign-in used, if any. */
export function totpStepOf(entry: AuditRecord): number | null {
  if (entry.action !== 'auth.sign_in' || entry.outcome !== 'success' || !entry.actorId) return null;
  if (entry.details.method !== 'password+totp') return null;
  const step = entry.details.totpStep;
  return typeof step === 'number' && Number.isSafeInteger(step) && step > 0 ? step : null;
}

/**
 * "The same TOTP code accepted on two devices for one person is flagged."
 *
 * Each PC refuses a code it has already seen, but two PCs offline cannot know about each other:
 * someone watching over a shoulder could replay a code on the next till within its 90-second
 * window. Devices record the step of each password + TOTP sign-in in the audit entry; here,
 * inside the transaction that stores the entries, each (person, step) is recorded per device,
 * and a second device for the same pair is written to server_audit as
 * `totp.reuse_across_devices` (once per upload: retried batches are not stored twice).
 */
export async function recordTotpUses(
  tx: Kysely<DB>,
  dialect: Dialect,
  audit: ServerAudit,
  device: { deviceId: string; storeId: string },
  entries: readonly AuditRecord[],
): Promise<number> {
  let flagged = 0;
  for (const entry of entries) {
    const step = totpStepOf(entry);
    if (step === null) continue;
    const personId = entry.actorId!;
    if (dialect === 'postgres') {
      // Two PCs uploading the same pair at once must not both miss each other.
      await sql`select pg_advisory_xact_lock(hashtext(${`totp:${personId}:${step}`}))`.execute(tx);
    }
    await tx
      .insertInto('totp_step_uses')
      .values({
        person_id: personId,
        step,
        device_id: device.deviceId,
        seq: entry.seq,
        at: entry.at,
      })
      .onConflict((oc) => oc.columns(['person_id', 'step', 'device_id']).doNothing())
      .execute();
    const others = await tx
      .selectFrom('totp_step_uses')
      .select(['device_id', 'seq', 'at'])
      .where('person_id', '=', personId)
      .where('step', '=', step)
      .where('device_id', '!=', device.deviceId)
      .orderBy('at')
      .execute();
    if (others.length === 0) continue;
    flagged += 1;
    await audit.write(
      {
        action: 'totp.reuse_across_devices',
        outcome: 'failure',
        actorId: personId,
        targetId: personId,
        storeId: device.storeId,
        details: {
          personName: entry.actorName,
          step,
          deviceId: device.deviceId,
          seq: entry.seq,
          at: entry.at,
          otherUses: others.map((o) => ({
            deviceId: o.device_id,
            seq: Number(o.seq),
            at: Number(o.at),
          })),
        },
      },
      tx,
    );
  }
  return flagged;
}
