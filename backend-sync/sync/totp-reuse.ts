import type { Kysely } from 'kysely';
import type { AuditRecord } from '../../common/audit/audit-record';
import { batchInserts, statement } from '../db/compiled';
import type { Dialect } from '../db/dialect';
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
 * other devices' uses of the same pairs, so a batch of 500 sign-ins costs a few statements
 * instead of over a thousand. The lookup excludes this device, so it needs none of the batch's
 * own uses, and the answer per entry is the same as looking each one up in turn. On PostgreSQL
 * (a round trip per statement) one statement takes the pairs' locks, then one statement does
 * the delete, the insert and the lookup: they touch disjoint rows (deleted steps are all before
 * the retention limit, inserted and looked-up ones from it on), so running them on one
 * snapshot gives the same answer.
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
  const kept = uses.filter((u) => u.step >= oldestKept);
  const usedBy = [...new Set(uses.map((u) => u.personId))];
  if (kept.length === 0) {
    await pruneTotpUses(tx, dialect, usedBy, oldestKept);
    return 0;
  }

  const pairKey = (personId: string, step: number) => `totp:${personId}:${step}`;
  let others: OtherUseRow[];
  if (dialect === 'postgres') {
    // Two PCs uploading the same pair at once must not both miss each other: each pair's lock
    // is held until commit. Taken in one order (by key) so two uploads cannot deadlock.
    const keys = [...new Set(kept.map((u) => pairKey(u.personId, u.step)))].sort();
    await tx.executeQuery(lockPairsPg(dialect, [keys]));
    // Prune, insert and look up in one statement (one round trip). They cannot see each
    // other's rows and need not: pruned steps are all before `oldestKept`, looked-up steps all
    // from it on, and the lookup leaves this device's own (inserted) uses out. The lookup goes
    // pair by pair (a lateral primary-key lookup for each person and step), so its cost does
    // not grow with how many codes those people used before, whatever the planner's statistics.
    ({ rows: others } = await tx.executeQuery<OtherUseRow>(
      recordAndLookUpPg(dialect, [
        usedBy,
        oldestKept,
        TOTP_USE_PRUNE_BATCH,
        kept.map((u) => u.personId),
        kept.map((u) => u.step),
        kept.map(() => device.deviceId),
        kept.map((u) => u.entry.seq),
        kept.map((u) => u.entry.at),
        kept.map((u) => u.personId),
        kept.map((u) => u.step),
        device.deviceId,
      ]),
    ));
  } else {
    await pruneTotpUses(tx, dialect, usedBy, oldestKept);
    const rows = kept.map(({ entry, step, personId }) => [
      personId,
      step,
      device.deviceId,
      entry.seq,
      entry.at,
    ]);
    for (const insert of batchInserts(
      dialect,
      'totp_step_uses',
      ['person_id', 'step', 'device_id', 'seq', 'at'],
      rows,
      'on conflict (person_id, step, device_id) do nothing',
    )) {
      await tx.executeQuery(insert);
    }
    // Other devices' uses of the batch's (person, step) pairs, oldest first: one primary-key
    // lookup per pair. The pairs go in as one JSON parameter, so the statement's text is the
    // same for every batch.
    const pairs = new Map(kept.map((u) => [pairKey(u.personId, u.step), [u.personId, u.step]]));
    ({ rows: others } = await tx.executeQuery<OtherUseRow>(
      otherUsesSqlite(dialect, [JSON.stringify([...pairs.values()]), device.deviceId]),
    ));
  }
  const othersOf = new Map<string, Array<{ deviceId: string; seq: number; at: number }>>();
  for (const r of others) {
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

interface OtherUseRow {
  person_id: string;
  step: number | string;
  device_id: string;
  seq: number | string;
  at: number | string;
}

/**
 * The pairs drive the join (CROSS JOIN keeps that order in SQLite): a lookup per pair, not per
 * person × step of the batch, which for a batch of 125 sign-ins of 20 people was 2,500 probes
 * (about 0.4 ms of an upload here, and growing with the people and steps in a batch).
 */
const otherUsesSqlite = statement(`select u.person_id, u.step, u.device_id, u.seq, u.at
  from json_each(?) as p
  cross join totp_step_uses as u
    on u.person_id = json_extract(p.value, '$[0]') and u.step = json_extract(p.value, '$[1]')
  where u.device_id <> ?
  order by u.at`);

/**
 * Deletes, for each person, up to TOTP_USE_PRUNE_BATCH of their rows with a step before
 * `oldestKept` (the oldest first), in one statement for the whole batch.
 */
async function pruneTotpUses(
  tx: Kysely<DB>,
  dialect: Dialect,
  personIds: string[],
  oldestKept: number,
): Promise<void> {
  // Row numbers per person bound the delete on both dialects (no DELETE … LIMIT in PG).
  await tx.executeQuery(
    dialect === 'postgres'
      ? pruneOldPg(dialect, [personIds, oldestKept, TOTP_USE_PRUNE_BATCH])
      : pruneOldSqlite(dialect, [JSON.stringify(personIds), oldestKept, TOTP_USE_PRUNE_BATCH]),
  );
}

const PRUNE_OLD = (persons: string) => `delete from totp_step_uses where (person_id, step) in (
    select person_id, step from (
      select person_id, step,
        row_number() over (partition by person_id order by step) as n
      from totp_step_uses
      where person_id ${persons} and step < ?
    ) as old
    where n <= ?)`;
/**
 * PostgreSQL: the same delete, by the rows' ctids gathered into an array first. A join of the
 * table with its own old rows is planned from statistics, and on a table not yet analysed
 * (autovacuum off, or a new server) PostgreSQL chose a sequential scan of all of it for every
 * upload, so uploads slowed down as the table grew; `ctid = any(array(…))` is a TID scan
 * whatever the statistics say.
 */
const PRUNE_OLD_PG = `delete from totp_step_uses where ctid = any(array(
    select ctid from (
      select ctid, row_number() over (partition by person_id order by step) as n
      from totp_step_uses
      where person_id = any(?::text[]) and step < ?
    ) as old
    where n <= ?))`;
const lockPairsPg = statement(`select pg_advisory_xact_lock(k)
  from (select distinct hashtext(x) as k from unnest(?::text[]) as x order by k) as l`);
// Planned at every run (db/compiled.ts): the table grows from empty.
const pruneOldPg = statement(PRUNE_OLD_PG, { prepared: false });
const recordAndLookUpPg = statement(
  `with pruned as (${PRUNE_OLD_PG}),
  added as (
    insert into totp_step_uses (person_id, step, device_id, seq, at)
    select * from unnest(?::text[], ?::bigint[], ?::text[], ?::bigint[], ?::bigint[])
    on conflict (person_id, step, device_id) do nothing
  )
  select u.person_id, u.step, u.device_id, u.seq, u.at
  from (select distinct * from unnest(?::text[], ?::bigint[]) as x(person_id, step)) as p
  cross join lateral (
    select t.person_id, t.step, t.device_id, t.seq, t.at from totp_step_uses t
    where t.person_id = p.person_id and t.step = p.step and t.device_id <> ?
  ) as u
  order by u.at`,
  { prepared: false },
);
const pruneOldSqlite = statement(PRUNE_OLD('in (select value from json_each(?))'));
