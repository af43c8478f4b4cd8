import type Sqlite from 'better-sqlite3-multiple-ciphers';
import {
  CompiledQuery,
  SelectQueryNode,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';

type SqliteDatabase = Sqlite.Database;
type Statement = Sqlite.Statement;

/** How many distinct SQL texts keep a prepared statement (least recently used go first). */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely's SQLite dialect with prepared statements kept between queries.
 *
 * Kysely's own SQLite driver calls `prepare` for every query it runs, and on this server's hot
 * paths (sign-in, refresh, every authenticated request) preparing costs about as much as running
 * the statement. A query builder produces the same SQL text for the same query shape (values
 * are parameters), so statements are cached by their SQL text: a bounded LRU, because `IN (…)`
 * lists of varying length make a long tail of texts that are each used once.
 *
 * Safe because better-sqlite3 runs a statement to completion synchronously (`run`/`all`), so
 * one cached statement is never in use twice at once; streaming (`iterate` holds the statement
 * open across awaits) prepares its own. A schema change (migrations) makes SQLite re-prepare a
 * cached statement by itself. Everything else is Kysely's SqliteDriver: one connection, and
 * Kysely's mutex serialises transactions on it.
 */
export class CachingSqliteDialect extends SqliteDialect {
  /** The one connection and its statement cache (also used by db/statement-runner.ts). */
  readonly statements: CachingSqliteConnection;

  constructor(
    private readonly sqlite: SqliteDatabase,
    cacheSize = STATEMENT_CACHE_SIZE,
  ) {
    super({ database: sqlite });
    this.statements = new CachingSqliteConnection(sqlite, cacheSize);
  }

  override createDriver(): Driver {
    return new CachingSqliteDriver(this.sqlite, this.statements);
  }
}

class CachingSqliteDriver implements Driver {
  constructor(
    private readonly sqlite: SqliteDatabase,
    private readonly connection: CachingSqliteConnection,
  ) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdentifier(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${quoteIdentifier(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release ${quoteIdentifier(name)}`));
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    this.connection.clear();
    this.sqlite.close();
  }
}

class CachingSqliteConnection implements DatabaseConnection {
  private readonly statements = new Map<string, Statement>();

  constructor(
    readonly sqlite: SqliteDatabase,
    private readonly cacheSize: number,
  ) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const statement = this.statement(compiled.sql);
    const parameters = compiled.parameters as unknown[];
    if (statement.reader) return { rows: statement.all(parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return {
      insertId: BigInt(lastInsertRowid),
      numAffectedRows: BigInt(changes),
      rows: [],
    };
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiled.query)) {
      throw new Error('Sqlite driver only supports streaming of select queries');
    }
    // Not from the cache: the statement stays busy until the caller has read every row.
    const statement = this.sqlite.prepare(compiled.sql);
    for (const row of statement.iterate(compiled.parameters as unknown[])) {
      yield { rows: [row as R] };
    }
  }

  clear(): void {
    this.statements.clear();
  }

  /** The prepared statement of `sql`, from the cache (run it to completion before any await). */
  statement(sql: string): Statement {
    const cached = this.statements.get(sql);
    if (cached) {
      // Most recently used last: Map keeps insertion order, so the first key is the oldest.
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    const statement = this.sqlite.prepare(sql);
    this.statements.set(sql, statement);
    if (this.statements.size > this.cacheSize) {
      const oldest = this.statements.keys().next().value;
      if (oldest !== undefined) this.statements.delete(oldest);
    }
    return statement;
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
