import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3-multiple-ciphers';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../config';
import { PREPARED_ON_POSTGRES } from './compiled';
import { migration001 } from './migrations/001-initial';
import { migration002 } from './migrations/002-temporary-passwords';
import { migration003 } from './migrations/003-rate-limit-counters';
import { migration004 } from './migrations/004-credential-keys';
import { migration005 } from './migrations/005-credential-box';
import { migration006 } from './migrations/006-totp-changed-at';
import { migration007 } from './migrations/007-audit-partitions';
import { migration008 } from './migrations/008-store-change-seq';
import type { DB } from './schema';
import { ReadRetryingPostgresDialect } from './read-retry';
import { CachingSqliteDialect } from './sqlite-statement-cache';
import {
  kyselyStatementRunner,
  sqliteStatementRunner,
  type StatementRunner,
} from './statement-runner';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer';

// Re-exported for the frozen migrations, which import it from here.
export type { Dialect } from './dialect';
import type { Dialect } from './dialect';

export interface Database {
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  /** The sign-in's statements, with as little around them as the dialect allows. */
  readonly statements: StatementRunner;
  /** Online backup of a SQLite database to a file (PostgreSQL: use pg_dump, see docs). */
  backupTo?(file: string): Promise<void>;
  /**
   * Connections the database ended under the server (PostgreSQL: a restart, a failover,
   * `idle_session_timeout`, `pg_terminate_backend`, a network drop): counted, reported to the
   * listeners, and never fatal (see `openServerDatabase`). Always 0 on SQLite.
   */
  readonly lostConnections: LostConnections;
  close(): Promise<void>;
}

export interface LostConnections {
  readonly count: number;
  /** Called with each lost connection's error; returns a function that stops listening. */
  listen(listener: (error: Error) => void): () => void;
}

function lostConnectionLog(): LostConnections & { record(error: Error): void } {
  const listeners = new Set<(error: Error) => void>();
  let count = 0;
  return {
    get count() {
      return count;
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    record(error) {
      count += 1;
      for (const listener of listeners) listener(error);
    },
  };
}

// BIGINT (int8) columns hold millisecond times and sequence numbers: safe as JS numbers.
pg.types.setTypeParser(20, (v: string) => Number(v));

/** Ordered, statically imported migrations for one dialect (a test replays the older ones). */
export function migrations(
  dialect: Dialect,
): Record<string, { up(db: Kysely<unknown>): Promise<void> }> {
  return {
    '001-initial': migration001(dialect),
    '002-temporary-passwords': migration002(dialect),
    '003-rate-limit-counters': migration003(dialect),
    '004-credential-keys': migration004(),
    '005-credential-box': migration005(),
    '006-totp-changed-at': migration006(),
    '007-audit-partitions': migration007(dialect),
    '008-store-change-seq': migration008(dialect),
  };
}

export interface OpenDatabaseOptions {
  /** PostgreSQL only: a schema to work in (tests isolate themselves this way). */
  schema?: string;
  poolSize?: number;
  /** PostgreSQL only: the session's application_name (default keyholder-sync). */
  applicationName?: string;
  /** SQLite only: false keeps SQLite's automatic checkpoints in the committing thread. */
  checkpointInBackground?: boolean;
}

/**
 * SQLite in DATA_DIR by default (nothing to set up); PostgreSQL when DATABASE_URL is set.
 * Migrations run at open; a database with migrations this build does not know is refused.
 */
export async function openServerDatabase(
  config: Pick<Config, 'DATABASE_URL' | 'dataDir'> & Partial<Pick<Config, 'SQLITE_SYNCHRONOUS'>>,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  if (config.DATABASE_URL) {
    const pool = new pg.Pool({
      connectionString: config.DATABASE_URL,
      max: options.poolSize ?? 10,
      // Named in pg_stat_activity, so an operator (or a test) can tell the server's sessions.
      application_name: options.applicationName ?? 'keyholder-sync',
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // A connection the database ends is an 'error' event: on the pool for an idle connection,
    // on the client for one checked out between two statements. Node ends the process on an
    // 'error' event nobody listens to, so both are handled: the pool has already dropped an idle
    // one, and a checked-out one fails its next statement and is dropped when released. A read
    // outside a transaction runs once more on a new connection (db/read-retry.ts); anything
    // else answers 503 database_unavailable (plugins/error-handler.ts), and so does /ready.
    const lost = lostConnectionLog();
    pool.on('error', (error) => lost.record(error));
    pool.on('connect', (client) => {
      client.on('error', (error) => {
        // The pool's own listener reports idle clients; this one only checked-out ones.
        if (client.listenerCount('error') === 1) lost.record(error);
      });
      prepareByName(client);
    });
    const db = new Kysely<DB>({ dialect: new ReadRetryingPostgresDialect({ pool }) });
    const database: Database = {
      db,
      dialect: 'postgres',
      statements: kyselyStatementRunner(db),
      lostConnections: lost,
      close: () => db.destroy(),
    };
    await migrate(database);
    return database;
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const file = join(config.dataDir, 'keyholder-sync.db');
  const sqlite = new Sqlite(file);
  sqlite.pragma('journal_mode = WAL');
  // WAL with NORMAL by default: a commit is durable across a crash of this process, and only a
  // power cut (or kernel crash) can take back the last ones; FULL fsyncs every commit, which
  // costs more than a whole refresh does otherwise. The trade-off: docs/OPERATIONS.md.
  const synchronous = config.SQLITE_SYNCHRONOUS === 'full' ? 'FULL' : 'NORMAL';
  sqlite.pragma(`synchronous = ${synchronous}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const dialect = new CachingSqliteDialect(sqlite);
  const db = new Kysely<DB>({ dialect });
  let checkpointer: WalCheckpointer | null = null;
  const database: Database = {
    db,
    dialect: 'sqlite',
    statements: sqliteStatementRunner(db, dialect.statements),
    lostConnections: lostConnectionLog(),
    backupTo: async (file) => {
      await sqlite.backup(file);
    },
    close: async () => {
      await checkpointer?.stop();
      checkpointer = null;
      await db.destroy();
    },
  };
  await migrate(database);
  if (options.checkpointInBackground !== false) {
    // Checkpoints in a worker thread (wal-checkpointer.ts); automatic ones if it cannot start.
    try {
      checkpointer = await startWalCheckpointer(file, synchronous, () => {
        if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
      });
      sqlite.pragma('wal_autocheckpoint = 0');
    } catch {
      checkpointer = null;
    }
  }
  return database;
}

/**
 * Runs the statements of `statement()` (db/compiled.ts) as named prepared statements on this
 * connection: prepared on first use, then bound and executed. Each connection of the pool
 * prepares each of them at most once (there are a few dozen), and its search_path is fixed, so a
 * prepared statement always refers to the same tables.
 */
function prepareByName(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (
    config: unknown,
    values?: unknown,
    callback?: unknown,
  ) => {
    if (typeof config === 'string' && Array.isArray(values)) {
      const name = PREPARED_ON_POSTGRES.get(config);
      if (name) return query({ name, text: config, values }, callback);
    }
    return callback === undefined ? query(config, values) : query(config, values, callback);
  };
}

class UnknownSchemaError extends Error {
  constructor() {
    super(
      'The database was written by a newer or different version of the Keyholder sync server. Update the server, then start it again.',
    );
  }
}

/**
 * Applies pending migrations in one transaction, recorded in `schema_migrations` of the
 * current schema. Our own runner rather than Kysely's Migrator: that one introspects every
 * schema of a PostgreSQL database, so a schema created or dropped elsewhere at the same moment
 * (another app, another instance, a parallel test) could stop this server from starting.
 * PostgreSQL: an advisory lock serialises instances that start together.
 */
async function migrate(database: Database): Promise<void> {
  const known = migrations(database.dialect);
  const order = Object.keys(known);
  try {
    await database.db.transaction().execute(async (tx) => {
      if (database.dialect === 'postgres') {
        await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.keyholder-migrations'))`.execute(
          tx,
        );
      }
      await sql`create table if not exists schema_migrations (name text primary key, applied_at bigint not null)`.execute(
        tx,
      );
      const applied = (
        await sql<{ name: string }>`select name from schema_migrations order by name`.execute(tx)
      ).rows.map((r) => r.name);
      if (applied.length > order.length || applied.some((name, i) => order[i] !== name)) {
        throw new UnknownSchemaError();
      }
      for (const name of order.slice(applied.length)) {
        await known[name]!.up(tx as unknown as Kysely<unknown>);
        await sql`insert into schema_migrations (name, applied_at) values (${name}, ${Date.now()})`.execute(
          tx,
        );
      }
    });
  } catch (error) {
    await database.close();
    throw error;
  }
}
