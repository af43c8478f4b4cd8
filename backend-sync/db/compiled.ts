import { createHash } from 'node:crypto';
import { CompiledQuery, sql, type QueryExecutorProvider, type QueryResult } from 'kysely';
import type { Dialect } from './dialect';

/**
 * Hand-compiled statements for the sync hot paths (an upload of 500 entries, 500 PCs pulling at
 * once). Kysely's builder, and even its `sql` template, walks an operation tree for every value:
 * for a multi-row INSERT of hundreds of rows that costs more than the database takes to store
 * them. These helpers write the SQL text and the parameter list directly; values are always
 * bound parameters (never spliced into the text), table and column names are constants of the
 * caller. Run them with `executor.executeQuery(compiled)`, inside a transaction or not.
 */

/** `?` (SQLite) or `$n` (PostgreSQL) placeholders for one row of `width` values. */
function rowPlaceholders(dialect: Dialect, width: number, first: number): string {
  const marks = new Array<string>(width);
  for (let i = 0; i < width; i++) marks[i] = dialect === 'postgres' ? `$${first + i}` : '?';
  return `(${marks.join(', ')})`;
}

/** Row counts a batch insert is split into (largest first): see `batchInserts`. */
const INSERT_SIZES = [256, 128, 64, 32, 16, 8, 4, 2, 1] as const;

/**
 * The text of `insert into <table> (<columns>) values (…), (…) <suffix>` for `count` rows,
 * made once per statement shape: the shapes are the callers' constants times INSERT_SIZES, so
 * the cache stays small, and an upload does not rebuild kilobytes of placeholders per insert.
 */
const insertTexts = new Map<string, string>();
function insertText(
  dialect: Dialect,
  table: string,
  columns: readonly string[],
  count: number,
  suffix: string,
): string {
  const key = `${dialect}\n${table}\n${columns.join(',')}\n${count}\n${suffix}`;
  let text = insertTexts.get(key);
  if (text === undefined) {
    const tuples = new Array<string>(count);
    for (let r = 0; r < count; r++) {
      tuples[r] = rowPlaceholders(dialect, columns.length, r * columns.length + 1);
    }
    text = `insert into ${table} (${columns.join(', ')}) values ${tuples.join(', ')}${suffix ? ` ${suffix}` : ''}`;
    insertTexts.set(key, text);
  }
  return text;
}

/**
 * `insert into <table> (<columns>) values (…), (…) <suffix>` for any number of rows (each as
 * many values as there are columns, in column order), as INSERTs of 256, 128, 64, … 1 rows (the
 * binary digits of the count: 35 rows are 32 + 2 + 1). So a table's inserts use at most nine
 * distinct SQL texts, whatever the batch sizes: each is prepared once and stays in the SQLite
 * statement cache, instead of one large statement per distinct count crowding it out (and its
 * memory). 256 rows of 15 values stay far below either dialect's parameter limit.
 */
export function batchInserts(
  dialect: Dialect,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  suffix = '',
): CompiledQuery[] {
  const width = columns.length;
  const out: CompiledQuery[] = [];
  let at = 0;
  for (const size of INSERT_SIZES) {
    while (rows.length - at >= size) {
      const parameters = new Array<unknown>(size * width);
      for (let r = 0; r < size; r++) {
        const row = rows[at + r]!;
        if (row.length !== width)
          throw new Error(`batchInserts: row ${at + r} has ${row.length} values`);
        for (let c = 0; c < width; c++) parameters[r * width + c] = row[c];
      }
      out.push(CompiledQuery.raw(insertText(dialect, table, columns, size, suffix), parameters));
      at += size;
    }
  }
  return out;
}

/** A statement written once (`statement`), for the statement runner or a Kysely executor. */
export interface Statement {
  /** The compiled query for `dialect`, for the statement runner (db/statement-runner.ts). */
  (dialect: Dialect, parameters: readonly unknown[]): CompiledQuery;
  /**
   * The same text run on a Kysely executor (a transaction, or the database), which numbers the
   * placeholders for its own dialect exactly as `statement` does: PostgreSQL still finds it
   * among the named prepared statements. For callers inside a transaction, which must not use
   * the statement runner.
   */
  run<R = unknown>(
    executor: QueryExecutorProvider,
    parameters: readonly unknown[],
  ): Promise<QueryResult<R>>;
}

/**
 * A statement written once with `?` placeholders, for either dialect: PostgreSQL gets
 * `$1, $2, …` (so the text must not hold a literal `?`). Call the result with the dialect and
 * the values, in placeholder order, or `run` it on a Kysely executor.
 *
 * `prepared: false` keeps it out of PostgreSQL's named prepared statements, so it is planned at
 * every run: for a statement over a table that grows from empty, whose best plan changes with
 * its size. A prepared statement's generic plan is made once per connection, early, when such a
 * table is small (a sequential scan is cheapest then), and nothing re-plans it while the table
 * grows unless ANALYZE runs.
 */
export function statement(text: string, options: { prepared?: boolean } = {}): Statement {
  let n = 0;
  const numbered = text.replace(/\?/g, () => `$${++n}`);
  if (options.prepared !== false) {
    PREPARED_ON_POSTGRES.set(
      numbered,
      `kh_${createHash('sha256').update(numbered).digest('hex').slice(0, 24)}`,
    );
  }
  // The text between the placeholders, as a tagged template's strings: Kysely's `sql` puts its
  // dialect's placeholder between them (`?`, or `$1, $2, …` in order), so `run` sends this text.
  const pieces = text.split('?');
  const strings = Object.assign([...pieces], { raw: [...pieces] });
  const compile = (dialect: Dialect, parameters: readonly unknown[]): CompiledQuery =>
    CompiledQuery.raw(dialect === 'postgres' ? numbered : text, [...parameters]);
  return Object.assign(compile, {
    run: <R>(executor: QueryExecutorProvider, parameters: readonly unknown[]) =>
      sql<R>(strings, ...parameters).execute(executor),
  });
}

/**
 * PostgreSQL text → statement name of every `statement()`: these texts are constants of the
 * code, so each connection prepares them once by name (parse and plan once, then only bind and
 * execute) instead of parsing and planning them on every run (`database.ts` names them on the
 * pool's connections). Other statements stay unnamed.
 */
export const PREPARED_ON_POSTGRES = new Map<string, string>();
