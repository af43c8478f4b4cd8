import { sql, type Kysely } from 'kysely';
import type { ServerClock } from '../clock';
import type { Dialect } from '../db/dialect';
import type { DB } from '../db/schema';
import type { ServerAudit } from '../services/server-audit';
import {
  removeArchive,
  writeMonthArchive,
  type ArchivedRow,
  type ArchiveManifest,
} from './audit-archive';
import {
  auditPartitions,
  monthLabel,
  monthOf,
  partitionName,
  type Month,
} from './audit-partitions';

export interface AuditRetentionDeps {
  db: Kysely<DB>;
  dialect: Dialect;
  clock: ServerClock;
  audit: ServerAudit;
  /** Months kept before the current one; undefined: everything is kept. */
  retentionMonths: number | undefined;
  archiveDir: string;
  /**
   * Called between a month's archive and its removal: where an upload for that month can still
   * arrive (tests put one there; the removal must then see it and keep the month).
   */
  afterArchive?: (month: string) => Promise<void>;
}

export interface RetiredMonth {
  month: string;
  rows: number;
  /** The archive file (in archiveDir); null for an empty partition dropped without one. */
  file: string | null;
  sha256: string | null;
}

const ARCHIVE_BATCH = 5000;
/** The `counters` row that says an instance is retiring months, and how long it may. */
const LEASE = 'audit_retention_lease';
const LEASE_MS = 6 * 60 * 60 * 1000;

/**
 * Removes the audit entries of every UTC month that ended more than `retentionMonths` months
 * before the current one began (12 in December 2026: December 2025 is the oldest month kept),
 * one month at a time, oldest first, and each only after its archive (audit-archive.ts) is
 * written, synced and read back. Then, in one transaction, the month is locked against
 * inserts and counted again: if a late upload added entries since the archive was written,
 * nothing is dropped (that archive is removed, the next run archives the month again).
 * Otherwise PostgreSQL detaches and drops the month's partition and deletes the month's rows in
 * DEFAULT; SQLite deletes the month's rows. Each month retired, or refused, is a server event
 * `audit.retention`. A failure stops the run: later months wait for the next.
 */
export class AuditRetention {
  constructor(private readonly d: AuditRetentionDeps) {}

  /** The first ms kept, or null when everything is kept. */
  cutoff(): number | null {
    const months = this.d.retentionMonths;
    return months === undefined ? null : monthOf(this.d.clock.nowMs(), -months).start;
  }

  async run(): Promise<RetiredMonth[]> {
    const cutoff = this.cutoff();
    if (cutoff === null) return [];
    // Several instances run this daily: the one holding the lease does the work, so a month is
    // archived once (a lease left by an instance that died ends after LEASE_MS).
    const lease = this.d.clock.nowMs();
    if (!(await this.takeLease(lease))) return [];
    try {
      return await this.retire(cutoff);
    } finally {
      await this.d.db
        .updateTable('counters')
        .set({ value: 0 })
        .where('name', '=', LEASE)
        .where('value', '=', lease)
        .execute();
    }
  }

  /** The lease row in `counters` holds when it was taken; 0 or older than LEASE_MS is free. */
  private async takeLease(now: number): Promise<boolean> {
    const taken = await this.d.db
      .insertInto('counters')
      .values({ name: LEASE, value: now })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ value: now })
          .where('counters.value', '<', now - LEASE_MS),
      )
      .returning('value')
      .executeTakeFirst();
    return taken !== undefined;
  }

  private async retire(cutoff: number): Promise<RetiredMonth[]> {
    const retired: RetiredMonth[] = [];
    for (;;) {
      const month = await this.oldestMonthBefore(cutoff);
      if (!month) return retired;
      const label = monthLabel(month);
      let manifest: ArchiveManifest | null = null;
      try {
        const rows = await this.count(this.d.db, month);
        if (rows > 0) {
          manifest = await writeMonthArchive(
            this.d.archiveDir,
            { label, from: month.start, to: month.end },
            this.rowsOf(month),
            this.d.clock.nowMs(),
          );
        }
        await this.d.afterArchive?.(label);
        await this.drop(month, manifest?.rows ?? 0, manifest);
        retired.push({
          month: label,
          rows: manifest?.rows ?? 0,
          file: manifest?.file ?? null,
          sha256: manifest?.sha256 ?? null,
        });
      } catch (error) {
        // Removed only when nothing can have been dropped (a failed commit may have committed).
        if (manifest && (error instanceof ChangedSinceArchived || lockNotAvailable(error))) {
          await removeArchive(this.d.archiveDir, manifest.file);
        }
        await this.d.audit.write({
          action: 'audit.retention',
          outcome: 'failure',
          details: { month: label, reason: error instanceof Error ? error.message : 'unknown' },
        });
        throw error;
      }
    }
  }

  /** The oldest month before `cutoff` with entries or (PostgreSQL) a partition. */
  private async oldestMonthBefore(cutoff: number): Promise<Month | null> {
    const oldest = await this.d.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.min('at').as('at'))
      .where('at', '<', cutoff)
      .executeTakeFirst();
    let start = oldest?.at === null || oldest?.at === undefined ? null : Number(oldest.at);
    if (this.d.dialect === 'postgres') {
      for (const name of await auditPartitions(this.d.db)) {
        const [, y, m] = /y(\d{4})m(\d{2})$/.exec(name)!;
        const begins = Date.UTC(Number(y), Number(m) - 1, 1);
        if (monthOf(begins).end <= cutoff && (start === null || begins < start)) start = begins;
      }
    }
    if (start === null) return null;
    const month = monthOf(start);
    // An entry time no Date can show (stored before uploads were limited): left for an operator.
    if (!Number.isFinite(month.start)) throw new Error(`entry time ${start} is out of range`);
    return month;
  }

  private async count(db: Kysely<DB>, m: Month): Promise<number> {
    const row = await db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('at', '>=', m.start)
      .where('at', '<', m.end)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The month's rows in the keyset order (at, device_id, seq), a batch at a time. */
  private async *rowsOf(m: Month): AsyncGenerator<ArchivedRow> {
    let after: [number, string, number] | null = null;
    for (;;) {
      const cursor: [number, string, number] | null = after;
      const rows: ArchivedRow[] = await this.d.db
        .selectFrom('audit_events')
        .selectAll()
        .where('at', '>=', m.start)
        .where('at', '<', m.end)
        .$if(cursor !== null, (q) =>
          q.where((eb) =>
            eb(
              eb.refTuple('at', 'device_id', 'seq'),
              '>',
              eb.tuple(cursor![0], cursor![1], cursor![2]),
            ),
          ),
        )
        .orderBy('at')
        .orderBy('device_id')
        .orderBy('seq')
        .limit(ARCHIVE_BATCH)
        .execute();
      for (const r of rows) {
        yield { ...r, seq: Number(r.seq), at: Number(r.at), received_at: Number(r.received_at) };
      }
      if (rows.length < ARCHIVE_BATCH) return;
      const tail = rows[rows.length - 1]!;
      after = [Number(tail.at), tail.device_id, Number(tail.seq)];
    }
  }

  private async drop(m: Month, archived: number, manifest: ArchiveManifest | null): Promise<void> {
    const pg = this.d.dialect === 'postgres';
    const partition = partitionName(m);
    await this.d.db.transaction().execute(async (tx) => {
      const partitioned = pg && (await auditPartitions(tx)).has(partition);
      // Every statement on audit_events waits from here to the commit (a moment: one month's
      // count and a detach). Taken first and whole: DETACH needs this lock on the parent
      // anyway, and asking for it after a weaker one could deadlock with an upload.
      // Not waiting long for it: uploads queue behind the request; the next run tries again.
      if (pg) {
        await sql`set local lock_timeout = '5s'`.execute(tx);
        await sql`lock table only audit_events in access exclusive mode`.execute(tx);
      }
      const now = await this.count(tx, m);
      if (now !== archived) throw new ChangedSinceArchived(monthLabel(m), archived, now);
      if (partitioned) {
        await sql`alter table audit_events detach partition ${sql.id(partition)}`.execute(tx);
        await sql`drop table ${sql.id(partition)}`.execute(tx);
      }
      if (archived > 0) {
        await tx
          .deleteFrom('audit_events')
          .where('at', '>=', m.start)
          .where('at', '<', m.end)
          .execute();
      }
      await this.d.audit.write(
        {
          action: 'audit.retention',
          outcome: 'success',
          details: {
            month: monthLabel(m),
            rows: archived,
            archive: manifest?.file ?? null,
            sha256: manifest?.sha256 ?? null,
          },
        },
        tx,
      );
    });
  }
}

class ChangedSinceArchived extends Error {
  constructor(month: string, archived: number, now: number) {
    super(`${month}: ${now} entries now, ${archived} archived; archived again next run`);
  }
}

/** PostgreSQL's lock_timeout ran out (55P03): the transaction did nothing. */
function lockNotAvailable(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '55P03';
}
