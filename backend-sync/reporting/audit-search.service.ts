import type { Kysely } from 'kysely';
import type { AuditAction, AuditOutcome } from '../../common/audit/audit-record';
import type { DB } from '../db/schema';
import { badRequest } from '../errors';
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
 * A page is asked for by offset (page numbers, exact total: the API as it was) or by keyset
 * (`cursor`: after the last entry of the page before; total counted up to TOTAL_CAP). Keyset
 * pages cost the same however deep they go and never skip or repeat an entry while new ones
 * arrive; counting stops early, so a search over millions of entries stays quick.
 */
export type AuditPageRequest =
  { limit: number; offset: number } | { limit: number; cursor?: string | undefined };

export interface AuditSearchPage {
  /** Matching entries; with `totalCapped`, at least this many (keyset pages count to a cap). */
  total: number;
  totalCapped: boolean;
  entries: AuditEntryView[];
  /** The `cursor` for the next page (older entries), or null on the last one. */
  nextCursor: string | null;
}

/** Keyset pages count matching entries up to this many ("10,000+"). */
export const TOTAL_CAP = 10_000;

/**
 * Search and export of the audit entries store PCs uploaded (audit_events), across the stores
 * the caller may read. Newest first for search; oldest first for export (a log reads forward).
 * Both follow the order (at, device_id, seq), which the indexes end in
 * (db/migrations/007-audit-partitions.ts on PostgreSQL).
 */
export class AuditSearchService {
  constructor(private readonly db: Kysely<DB>) {}

  async search(filter: AuditFilter, page: AuditPageRequest): Promise<AuditSearchPage> {
    if (filter.storeIds?.length === 0) {
      return { total: 0, totalCapped: false, entries: [], nextCursor: null };
    }
    const offset = 'offset' in page ? page.offset : null;
    const cursor = 'cursor' in page ? page.cursor : undefined;
    const before = cursor === undefined ? null : decodeCursor(cursor);
    const counting = (
      offset === null
        ? this.db
            .selectFrom(
              this.filtered(filter)
                .select('e.at')
                .limit(TOTAL_CAP + 1)
                .as('m'),
            )
            .select((eb) => eb.fn.countAll<number>().as('n'))
        : this.filtered(filter).select((eb) => eb.fn.countAll<number>().as('n'))
    ).executeTakeFirstOrThrow();
    const reading: Promise<Row[]> = this.withColumns(
      this.beyond(this.filtered(filter), before, '<'),
    )
      .orderBy('e.at', 'desc')
      .orderBy('e.device_id', 'desc')
      .orderBy('e.seq', 'desc')
      .limit(page.limit + 1)
      .$if(offset !== null, (q) => q.offset(offset!))
      .execute();
    const [counted, rows] = await Promise.all([counting, reading]);
    const n = Number(counted.n);
    const shown = rows.slice(0, page.limit);
    const last = shown.at(-1);
    return {
      total: offset === null ? Math.min(n, TOTAL_CAP) : n,
      totalCapped: offset === null && n > TOTAL_CAP,
      entries: shown.map(toView),
      nextCursor: rows.length > page.limit && last ? encodeCursor(last) : null,
    };
  }

  /** Every matching entry, oldest first, fetched in batches (keyset paging, no OFFSET). */
  async *entries(filter: AuditFilter): AsyncGenerator<AuditEntryView> {
    if (filter.storeIds?.length === 0) return;
    let after: Cursor | null = null;
    for (;;) {
      const rows: Row[] = await this.withColumns(this.beyond(this.filtered(filter), after, '>'))
        .orderBy('e.at')
        .orderBy('e.device_id')
        .orderBy('e.seq')
        .limit(EXPORT_BATCH)
        .execute();
      for (const row of rows) yield toView(row);
      if (rows.length < EXPORT_BATCH) return;
      const tail = rows[rows.length - 1]!;
      after = [Number(tail.at), tail.device_id, Number(tail.seq)];
    }
  }

  /** The export as CSV text, in chunks of about 64 KiB (a write per line costs more than it). */
  csv(filter: AuditFilter): AsyncGenerator<string> {
    return inChunks(this.csvLines(filter));
  }

  /** The export as a JSON array, in chunks like `csv`. */
  json(filter: AuditFilter): AsyncGenerator<string> {
    return inChunks(this.jsonLines(filter));
  }

  private async *csvLines(filter: AuditFilter): AsyncGenerator<string> {
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

  private async *jsonLines(filter: AuditFilter): AsyncGenerator<string> {
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

  /** Entries past `c` in the order (at, device_id, seq): after it ('>') or before it ('<'). */
  private beyond(
    q: ReturnType<AuditSearchService['filtered']>,
    c: Cursor | null,
    direction: '<' | '>',
  ) {
    if (!c) return q;
    return q.where((eb) =>
      eb(eb.refTuple('e.at', 'e.device_id', 'e.seq'), direction, eb.tuple(c[0], c[1], c[2])),
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

const CHUNK = 64 * 1024;

async function* inChunks(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let chunk = '';
  for await (const line of lines) {
    chunk += line;
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** A position in the order (at, device_id, seq). */
type Cursor = [at: number, deviceId: string, seq: number];

/** Opaque to clients: base64url of the JSON of the last entry's position. */
function encodeCursor(r: Row): string {
  return Buffer.from(JSON.stringify([Number(r.at), r.device_id, Number(r.seq)])).toString(
    'base64url',
  );
}

function decodeCursor(cursor: string): Cursor {
  let value: unknown = null;
  if (/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) {
    try {
      value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      value = null;
    }
  }
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    !Number.isSafeInteger(value[0]) ||
    typeof value[1] !== 'string' ||
    !/^[0-9A-Za-z-]{1,64}$/.test(value[1]) ||
    !Number.isSafeInteger(value[2])
  ) {
    throw badRequest('This page cursor is not one the server gave.');
  }
  return value as Cursor;
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
