import {
  PostgresDialect,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { isDatabaseUnavailable } from './database-unavailable';

/**
 * PostgreSQL with one retry of a read whose connection was lost: a `select` outside a
 * transaction that fails because the database ended its connection (a restart, a failover,
 * `pg_terminate_backend`) runs once more on a fresh connection from the pool. A read changes
 * nothing, so running it twice is safe; writes and anything in a transaction are never retried
 * (the caller gets 503 database_unavailable and retries the whole request).
 */
export class ReadRetryingPostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    return new ReadRetryingDriver(super.createDriver());
  }
}

const READ = /^\s*(\/\*[^]*?\*\/\s*)*(select|with\s[^]*\sselect)\b/i;
const WRITE = /\b(insert|update|delete|merge|for\s+update|for\s+share|nextval|setval)\b/i;
const isRead = (sql: string) => READ.test(sql) && !WRITE.test(sql);

class ReadRetryingDriver implements Driver {
  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new ReadRetryingConnection(await this.inner.acquireConnection(), this.inner);
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = connection as ReadRetryingConnection;
    c.inTransaction = true;
    return this.inner.beginTransaction(c.inner, settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as ReadRetryingConnection;
    c.inTransaction = false;
    await this.inner.commitTransaction(c.inner);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as ReadRetryingConnection;
    c.inTransaction = false;
    await this.inner.rollbackTransaction(c.inner);
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.savepoint?.((connection as ReadRetryingConnection).inner, name, compile);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    const inner = (connection as ReadRetryingConnection).inner;
    await this.inner.rollbackToSavepoint?.(inner, name, compile);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.releaseSavepoint?.(
      (connection as ReadRetryingConnection).inner,
      name,
      compile,
    );
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as ReadRetryingConnection).inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

class ReadRetryingConnection implements DatabaseConnection {
  inTransaction = false;

  constructor(
    /** The pool's connection; replaced by a fresh one when a read retries. */
    public inner: DatabaseConnection,
    private readonly driver: Driver,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return await this.inner.executeQuery<R>(query);
    } catch (error) {
      if (this.inTransaction || !isDatabaseUnavailable(error) || !isRead(query.sql)) throw error;
      // The lost connection goes back first (the pool drops it), so a full pool of them cannot
      // wait on itself; whoever releases this connection later releases the fresh one.
      await this.driver.releaseConnection(this.inner);
      this.inner = await this.driver.acquireConnection();
      return await this.inner.executeQuery<R>(query);
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}
