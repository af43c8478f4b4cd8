/**
 * The audit-ingest goal's yardsticks: the fastest plain way to put a batch of rows into the
 * server's `audit_events` table, on a connection of its own to the same database (same table,
 * same indexes), without anything the ingest does besides storing.
 * - SQLite: better-sqlite3 statements prepared once, in one transaction per batch, with the
 *   server's pragmas (WAL, its `synchronous`, no automatic checkpoint: the server checkpoints
 *   off the request path). Several rows-per-statement shapes are timed; the fastest counts.
 * - PostgreSQL: one named (prepared) `insert … select * from unnest(…)` per batch, one array
 *   per column, which is one transaction. COPY would need a client package the project does
 *   not ship (pg-copy-streams), so it is not tried.
 */
import { join } from 'node:path';
import Sqlite from 'better-sqlite3-multiple-ciphers';
import pg from 'pg';
import type { Config } from '../../backend-sync/config';
import { AUDIT_COLUMNS } from '../../backend-sync/sync/audit-ingest.service';
import { PG_URL } from './settings';

export type AuditRow = Record<(typeof AUDIT_COLUMNS)[number], string | number | null>;

/** Rows per prepared SQLite statement, each a yardstick candidate (the batch is 500 rows). */
export const SQLITE_SHAPES = [1, 10, 50, 500];

export interface RawInserter {
  /** The candidates' names, in the order `insert` takes them. */
  readonly shapes: string[];
  /** Inserts `rows` with candidate `shape`, in one transaction. */
  insert(shape: number, rows: AuditRow[]): Promise<void>;
  close(): Promise<void>;
}

const values = (rows: AuditRow[]) => rows.flatMap((r) => AUDIT_COLUMNS.map((c) => r[c]));

export function sqliteInserter(
  dataDir: string,
  synchronous: Config['SQLITE_SYNCHRONOUS'],
): RawInserter {
  const db = new Sqlite(join(dataDir, 'keyholder-sync.db'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('busy_timeout = 5000');
  const row = `(${AUDIT_COLUMNS.map(() => '?').join(', ')})`;
  const statements = SQLITE_SHAPES.map((n) =>
    db.prepare(
      `insert into audit_events (${AUDIT_COLUMNS.join(', ')}) values ${Array(n).fill(row).join(', ')}`,
    ),
  );
  const batch = (shape: number) =>
    db.transaction((rows: AuditRow[]) => {
      const n = SQLITE_SHAPES[shape]!;
      const statement = statements[shape]!;
      const single = statements[0]!;
      let i = 0;
      for (; i + n <= rows.length; i += n) statement.run(values(rows.slice(i, i + n)));
      for (; i < rows.length; i++) single.run(values([rows[i]!]));
    });
  const transactions = SQLITE_SHAPES.map((_, shape) => batch(shape));
  return {
    shapes: SQLITE_SHAPES.map(
      (n) => `prepared better-sqlite3 INSERT of ${n} row${n > 1 ? 's' : ''}`,
    ),
    async insert(shape, rows) {
      transactions[shape]!(rows);
    },
    async close() {
      db.close();
    },
  };
}

const PG_TYPES = AUDIT_COLUMNS.map((c) =>
  ['seq', 'at', 'received_at'].includes(c) ? 'bigint' : 'text',
);

export async function postgresInserter(schema: string): Promise<RawInserter> {
  const client = new pg.Client({
    connectionString: PG_URL,
    options: `-c search_path=${schema}`,
  });
  await client.connect();
  const text = `insert into audit_events (${AUDIT_COLUMNS.join(', ')})
    select * from unnest(${PG_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`;
  return {
    shapes: ['prepared unnest INSERT'],
    async insert(_shape, rows) {
      const columns = AUDIT_COLUMNS.map((c) => rows.map((r) => r[c]));
      await client.query({ name: 'bench-audit-unnest', text, values: columns });
    },
    async close() {
      await client.end();
    },
  };
}
