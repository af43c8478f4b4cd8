import { sql, type Kysely } from 'kysely';
import type { AuditRecord } from '../../common/audit/audit-record';
import type { Dialect } from '../db/database';
import type { DB } from '../db/schema';
import type { ServerAudit } from '../services/server-audit';
import { TOTP_STEP_SECONDS } from '../auth/totp';

/**
 * How long a recorded use is kept: until no other PC can still upload a use of the same step.
 * A code lives for a few 30 s windows, but the second use of it can reach the server much later:
 * a PC signs people in offline for up to its policy's `offline.maxHoursSinceSync` (at most 720 h)
 * and uploads when it is back. Keeping only a few windows would miss exactly the offline replay
 * this check is for, so rows go once their step is older than that limit plus a day of slack.
 */
export const TOTP_USE_RETENTION_MS = (720 + 24) * 60 * 60 * 1000;
/** At most this many of one person's old rows are deleted per upload (the rest go next time). */
export const TOTP_USE_PRUNE_BATCH = 500;

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
 *
 * Rows do not pile up: each upload first deletes the rows of the people in it whose step is
 * older than TOTP_USE_RETENTION_MS before `now` (an index range on the primary key, bounded by
 * TOTP_USE_PRUNE_BATCH), and a use that old is not recorded at all.
 */
export async function recordTotpUses(
  tx: Kysely<DB>,
  dialect: Dialect,
  audit: ServerAudit,
  device: { deviceId: string; storeId: string },
  entries: readonly AuditRecord[],
  now: number,
): Promise<number> {
  const oldestKept = Math.floor((now - TOTP_USE_RETENTION_MS) / 1000 / TOTP_STEP_SECONDS);
  const uses = entries.flatMap((entry) => {
    const step = totpStepOf(entry);
    return step === null ? [] : [{ entry, step, personId: entry.actorId! }];
  });
  for (const personId of new Set(uses.map((u) => u.personId))) {
    await pruneTotpUses(tx, personId, oldestKept);
  }
  let flagged = 0;
  for (const { entry, step, personId } of uses) {
    if (step < oldestKept) continue;
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

/** Deletes up to TOTP_USE_PRUNE_BATCH of a person's rows with a step before `oldestKept`. */
async function pruneTotpUses(tx: Kysely<DB>, personId: string, oldestKept: number): Promise<void> {
  // A subquery on the key, so the delete is bounded on both dialects (no DELETE … LIMIT in PG).
  await tx
    .deleteFrom('totp_step_uses')
    .where('person_id', '=', personId)
    .where('step', 'in', (eb) =>
      eb
        .selectFrom('totp_step_uses')
        .select('step')
        .where('person_id', '=', personId)
        .where('step', '<', oldestKept)
        .orderBy('step')
        .limit(TOTP_USE_PRUNE_BATCH),
    )
    .execute();
}
