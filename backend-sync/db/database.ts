import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3-multiple-ciphers';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import pg from 'pg';
import type { Config } from '../config';
import { migration001 } from './migrations/001-initial';
import type { DB } from './schema';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  /** Online backup of a SQLite database to a file (PostgreSQL: use pg_dump, see docs). */
  backupTo?(file: string): Promise<void>;
  close(): Promise<void>;
}

// BIGINT (int8) columns hold millisecond times and sequence numbers: safe as JS numbers.
pg.types.setTypeParser(20, (v: string) => Number(v));

/** Ordered, statically imported migrations for one dialect. */
function migrations(dialect: Dialect): Record<string, Migration> {
  return { '001-initial': migration001(dialect) };
}

export interface OpenDatabaseOptions {
  /** PostgreSQL only: a schema to work in (tests isolate themselves this way). */
  schema?: string;
  poolSize?: number;
}

/**
 * SQLite in DATA_DIR by default (nothing to set up); PostgreSQL when DATABASE_URL is set.
 * Migrations run at open; a database with migrations this build does not know is refused.
 */
export async function openServerDatabase(
  config: Pick<Config, 'DATABASE_URL' | 'dataDir'>,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  if (config.DATABASE_URL) {
    const pool = new pg.Pool({
      connectionString: config.DATABASE_URL,
      max: options.poolSize ?? 10,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    const database: Database = { db, dialect: 'postgres', close: () => db.destroy() };
    await migrate(database);
    return database;
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const sqlite = new Sqlite(join(config.dataDir, 'keyholder-sync.db'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  const database: Database = {
    db,
    dialect: 'sqlite',
    backupTo: async (file) => {
      await sqlite.backup(file);
    },
    close: () => db.destroy(),
  };
  await migrate(database);
  return database;
}

async function migrate(database: Database): Promise<void> {
  const known = migrations(database.dialect);
  const provider: MigrationProvider = { getMigrations: async () => known };
  // PostgreSQL: name the schema of the migration tables. Without it Kysely looks for
  // kysely_migration in *every* schema of the database, so another schema holding one (another
  // instance, another app, a parallel test) makes this one fail to start.
  const schema =
    database.dialect === 'postgres'
      ? (await sql<{ name: string | null }>`select current_schema() as name`.execute(database.db))
          .rows[0]?.name
      : null;
  const migrator = new Migrator({
    db: database.db,
    provider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const applied = (await migrator.getMigrations()).filter((m) => m.executedAt).map((m) => m.name);
  const order = Object.keys(known);
  if (applied.some((name, i) => order[i] !== name)) {
    await database.close();
    throw new Error(
      'The database was written by a newer or different version of the Keyholder sync server. Update the server, then start it again.',
    );
  }
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await database.close();
    throw error instanceof Error ? error : new Error('database migration failed');
  }
}
