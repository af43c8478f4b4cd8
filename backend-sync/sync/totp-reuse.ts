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
 * TOTP_USE_PRUNE_BATCH per person), and a use that old is not recorded at all.
 *
 * The work is per batch, not per entry: one delete, one insert of every use, one lookup of
 * other devices' uses of the same pairs (and on PostgreSQL one statement taking the pairs'
 * locks), so a batch of 500 sign-ins costs a few statements instead of over a thousand. A
 * batch's own uses are inserted before the lookup, and the lookup excludes this device, so the
 * answer per entry is the same as looking each one up in turn.
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
  if (uses.length === 0) return 0;
  await pruneTotpUses(tx, [...new Set(uses.map((u) => u.personId))], oldestKept);
  const kept = uses.filter((u) => u.step >= oldestKept);
  if (kept.length === 0) return 0;

  const pairKey = (personId: string, step: number) => `totp:${personId}:${step}`;
  if (dialect === 'postgres') {
    // Two PCs uploading the same pair at once must not both miss each other: each pair's lock
    // is held until commit. Taken in one order (by key) so two uploads cannot deadlock.
    const keys = [...new Set(kept.map((u) => pairKey(u.personId, u.step)))].sort();
    await sql`select pg_advisory_xact_lock(k)
      from (select distinct hashtext(x) as k from unnest(${keys}::text[]) as x order by k) as l`.execute(
      tx,
    );
  }
  for (let i = 0; i < kept.length; i += INSERT_CHUNK) {
    await tx
      .insertInto('totp_step_uses')
      .values(
        kept.slice(i, i + INSERT_CHUNK).map(({ entry, step, personId }) => ({
          person_id: personId,
          step,
          device_id: device.deviceId,
          seq: entry.seq,
          at: entry.at,
        })),
      )
      .onConflict((oc) => oc.columns(['person_id', 'step', 'device_id']).doNothing())
      .execute();
  }
  // Other devices' uses of any person and any step in the batch (a superset of the pairs,
  // narrowed below), oldest first as before.
  const persons = [...new Set(kept.map((u) => u.personId))];
  const steps = [...new Set(kept.map((u) => u.step))];
  const rows = await tx
    .selectFrom('totp_step_uses')
    .select(['person_id', 'step', 'device_id', 'seq', 'at'])
    .where('person_id', 'in', persons)
    .where('step', 'in', steps)
    .where('device_id', '!=', device.deviceId)
    .orderBy('at')
    .execute();
  const othersOf = new Map<string, Array<{ deviceId: string; seq: number; at: number }>>();
  for (const r of rows) {
    const key = pairKey(r.person_id, Number(r.step));
    const list = othersOf.get(key) ?? [];
    list.push({ deviceId: r.device_id, seq: Number(r.seq), at: Number(r.at) });
    othersOf.set(key, list);
  }

  let flagged = 0;
  for (const { entry, step, personId } of kept) {
    const others = othersOf.get(pairKey(personId, step));
    if (!others) continue;
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
          otherUses: others,
        },
      },
      tx,
    );
  }
  return flagged;
}

/** Rows per INSERT (5 parameters each: far below either dialect's parameter limit). */
const INSERT_CHUNK = 500;

/**
 * Deletes, for each person, up to TOTP_USE_PRUNE_BATCH of their rows with a step before
 * `oldestKept` (the oldest first), in one statement for the whole batch.
 */
async function pruneTotpUses(
  tx: Kysely<DB>,
  personIds: string[],
  oldestKept: number,
): Promise<void> {
  // Row numbers per person bound the delete on both dialects (no DELETE … LIMIT in PG).
  await sql`delete from totp_step_uses where (person_id, step) in (
      select person_id, step from (
        select person_id, step,
          row_number() over (partition by person_id order by step) as n
        from totp_step_uses
        where person_id in (${sql.join(personIds)}) and step < ${oldestKept}
      ) as old
      where n <= ${TOTP_USE_PRUNE_BATCH})`.execute(tx);
}
