import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db/dialect';
import type { DB } from '../db/schema';

/**
 * Monthly partitions of audit_events on PostgreSQL (db/migrations/007-audit-partitions.ts).
 * Months are UTC calendar months of the entry's `at`, as [start, end) in ms since the epoch.
 */

/** Partitions made ahead of time: this month and the next AHEAD_MONTHS. */
export const AHEAD_MONTHS = 3;

export interface Month {
  /** UTC year and month (1–12). */
  year: number;
  month: number;
  start: number;
  end: number;
}

/** The UTC month holding `ms`, shifted by `shift` months. */
export function monthOf(ms: number, shift = 0): Month {
  const d = new Date(ms);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + shift, 1);
  const s = new Date(start);
  return {
    year: s.getUTCFullYear(),
    month: s.getUTCMonth() + 1,
    start,
    end: Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + 1, 1),
  };
}

/** `2026-12`: how archives and the server audit name a month. */
export function monthLabel(m: Month): string {
  const year =
    m.year < 0 ? `-${String(-m.year).padStart(4, '0')}` : String(m.year).padStart(4, '0');
  return `${year}-${String(m.month).padStart(2, '0')}`;
}

/** The partition of a month (the migration's naming: audit_events_y2026m12). */
export function partitionName(m: Month): string {
  return `audit_events_y${String(m.year).padStart(4, '0')}m${String(m.month).padStart(2, '0')}`;
}

/** The monthly partitions that exist now, by name. */
export async function auditPartitions(db: Kysely<DB>): Promise<Set<string>> {
  const { rows } = await sql<{ name: string }>`select c.relname as name
      from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'audit_events'::regclass`.execute(db);
  return new Set(rows.map((r) => r.name).filter((n) => /^audit_events_y\d{4}m\d{2}$/.test(n)));
}

/**
 * Makes sure this month and the next AHEAD_MONTHS have their partition (run at start-up and
 * daily, by every instance: an advisory lock makes them take turns, and a partition made by
 * one is seen by the next). Rows that went to the DEFAULT partition for a month that had none
 * move into the new partition with it, in one transaction: PostgreSQL refuses a partition
 * whose range still has rows in DEFAULT. Returns the partitions made. SQLite: nothing to do.
 */
export async function ensureAuditPartitions(
  db: Kysely<DB>,
  dialect: Dialect,
  nowMs: number,
): Promise<string[]> {
  if (dialect !== 'postgres') return [];
  const made: string[] = [];
  await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.keyholder-audit-partitions'))`.execute(
      tx,
    );
    const existing = await auditPartitions(tx);
    for (let shift = 0; shift <= AHEAD_MONTHS; shift++) {
      const m = monthOf(nowMs, shift);
      const name = partitionName(m);
      if (existing.has(name)) continue;
      await createPartition(tx, m, name);
      made.push(name);
    }
  });
  return made;
}

async function createPartition(tx: Kysely<DB>, m: Month, name: string): Promise<void> {
  const table = sql.id(name);
  const range = sql`from (${sql.lit(m.start)}) to (${sql.lit(m.end)})`;
  const stranded = await sql`select 1 from audit_events_default
      where at >= ${m.start} and at < ${m.end} limit 1`.execute(tx);
  if (stranded.rows.length === 0) {
    await sql`create table ${table} partition of audit_events for values ${range}`.execute(tx);
    return;
  }
  // Out of DEFAULT into a table of its own, then attached: the indexes follow on attach.
  await sql`create table ${table} (like audit_events including defaults)`.execute(tx);
  await sql`with moved as (
      delete from audit_events_default where at >= ${m.start} and at < ${m.end} returning *
    ) insert into ${table} select * from moved`.execute(tx);
  await sql`alter table audit_events attach partition ${table} for values ${range}`.execute(tx);
}
