import type { Kysely } from 'kysely';
import type { AuditAction, AuditOutcome } from '../../common/audit/audit-record';
import type { DB } from '../db/schema';
import { csvLine } from './csv';

export interface AuditFilter {
  /** null: every store (admins); otherwise only these (may be empty: nothing). */
  storeIds: string[] | null;
  deviceId?: string | undefined;
  /** Matches the actor or the target of an entry. */
  person?: string | undefined;
  action?: AuditAction | undefined;
  outcome?: AuditOutcome | undefined;
  /** Inclusive, ms. */
  from?: number | undefined;
  /** Exclusive, ms. */
  to?: number | undefined;
}

export interface AuditEntryView {
  storeId: string;
  storeName: string | null;
  deviceId: string;
  seq: number;
  at: number;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetId: string | null;
  targetName: string | null;
  outcome: string;
  details: Record<string, unknown>;
  receivedAt: number;
}

const EXPORT_BATCH = 1000;

/**
 * Search and export of the audit entries store PCs uploaded (audit_events), across the stores
 * the caller may read. Newest first for search; oldest first for export (a log reads forward).
 */
export class AuditSearchService {
  constructor(private readonly db: Kysely<DB>) {}

  async search(
    filter: AuditFilter,
    page: { limit: number; offset: number },
  ): Promise<{ total: number; entries: AuditEntryView[] }> {
    if (filter.storeIds?.length === 0) return { total: 0, entries: [] };
    const counted = await this.filtered(filter)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const rows = await this.withColumns(this.filtered(filter))
      .orderBy('e.at', 'desc')
      .orderBy('e.device_id', 'desc')
      .orderBy('e.seq', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return { total: Number(counted.n), entries: rows.map(toView) };
  }

  /** Every matching entry, oldest first, fetched in batches (keyset paging, no OFFSET). */
  async *entries(filter: AuditFilter): AsyncGenerator<AuditEntryView> {
    if (filter.storeIds?.length === 0) return;
    let after: Cursor | null = null;
    for (;;) {
      const rows: Row[] = await this.withColumns(this.afterCursor(this.filtered(filter), after))
        .orderBy('e.at')
        .orderBy('e.device_id')
        .orderBy('e.seq')
        .limit(EXPORT_BATCH)
        .execute();
      for (const row of rows) yield toView(row);
      if (rows.length < EXPORT_BATCH) return;
      const tail = rows[rows.length - 1]!;
      after = { at: Number(tail.at), deviceId: tail.device_id, seq: Number(tail.seq) };
    }
  }

  async *csv(filter: AuditFilter): AsyncGenerator<string> {
    yield csvLine(CSV_COLUMNS);
    for await (const e of this.entries(filter)) {
      yield csvLine([
        isoTime(e.at),
        e.storeName ?? e.storeId,
        e.deviceId,
        e.seq,
        e.actorName,
        e.actorId,
        e.action,
        e.targetName,
        e.targetId,
        e.outcome,
        JSON.stringify(e.details),
      ]);
    }
  }

  async *json(filter: AuditFilter): AsyncGenerator<string> {
    yield '[';
    let first = true;
    for await (const e of this.entries(filter)) {
      yield `${first ? '\n' : ',\n'}${JSON.stringify(e)}`;
      first = false;
    }
    yield first ? ']\n' : '\n]\n';
  }

  private filtered(f: AuditFilter) {
    return this.db
      .selectFrom('audit_events as e')
      .$if(f.storeIds !== null, (q) => q.where('e.store_id', 'in', f.storeIds!))
      .$if(f.deviceId !== undefined, (q) => q.where('e.device_id', '=', f.deviceId!))
      .$if(f.person !== undefined, (q) =>
        q.where((eb) =>
          eb.or([eb('e.actor_id', '=', f.person!), eb('e.target_id', '=', f.person!)]),
        ),
      )
      .$if(f.action !== undefined, (q) => q.where('e.action', '=', f.action!))
      .$if(f.outcome !== undefined, (q) => q.where('e.outcome', '=', f.outcome!))
      .$if(f.from !== undefined, (q) => q.where('e.at', '>=', f.from!))
      .$if(f.to !== undefined, (q) => q.where('e.at', '<', f.to!));
  }

  private afterCursor(q: ReturnType<AuditSearchService['filtered']>, c: Cursor | null) {
    if (!c) return q;
    return q.where((eb) =>
      eb.or([
        eb('e.at', '>', c.at),
        eb.and([eb('e.at', '=', c.at), eb('e.device_id', '>', c.deviceId)]),
        eb.and([
          eb('e.at', '=', c.at),
          eb('e.device_id', '=', c.deviceId),
          eb('e.seq', '>', c.seq),
        ]),
      ]),
    );
  }

  private withColumns(q: ReturnType<AuditSearchService['filtered']>) {
    return q
      .leftJoin('stores as s', 's.id', 'e.store_id')
      .select([
        'e.store_id',
        's.name as store_name',
        'e.device_id',
        'e.seq',
        'e.at',
        'e.actor_id',
        'e.actor_name',
        'e.action',
        'e.target_id',
        'e.target_name',
        'e.outcome',
        'e.details',
        'e.received_at',
      ]);
  }
}

export const CSV_COLUMNS = [
  'at',
  'store',
  'device',
  'seq',
  'actor',
  'actorId',
  'action',
  'target',
  'targetId',
  'outcome',
  'details',
];

interface Cursor {
  at: number;
  deviceId: string;
  seq: number;
}

interface Row {
  store_id: string;
  store_name: string | null;
  device_id: string;
  seq: number;
  at: number;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_id: string | null;
  target_name: string | null;
  outcome: string;
  details: string;
  received_at: number;
}

function toView(r: Row): AuditEntryView {
  return {
    storeId: r.store_id,
    storeName: r.store_name,
    deviceId: r.device_id,
    seq: Number(r.seq),
    at: Number(r.at),
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    targetId: r.target_id,
    targetName: r.target_name,
    outcome: r.outcome,
    details: JSON.parse(r.details) as Record<string, unknown>,
    receivedAt: Number(r.received_at),
  };
}

/**
 * An entry's time in ISO 8601, or the plain number when a `Date` cannot show it: uploads are
 * limited to that range now (common/time/time.schemas.ts), but an entry stored before the limit
 * must not end an export mid-stream for everyone (`toISOString` throws on it).
 */
function isoTime(at: number): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? String(at) : date.toISOString();
}
