import Database from 'better-sqlite3-multiple-ciphers';
import type { Database as Db } from 'better-sqlite3-multiple-ciphers';
import { StoreError } from '../errors';
import type { Migration } from './migrations/migration';
import { MIGRATIONS } from './migrations';
import { createOwnerOnly, restrictToOwner } from './owner-only-files';
import { storeUnwritable } from './storage-faults';

export type { Db };

/** A 256-bit key as 64 hex characters; SQLite3MultipleCiphers' default cipher (ChaCha20-Poly1305). */
const HEX_KEY = /^[0-9a-f]{64}$/;

export interface OpenOptions {
  /** Database file; created when missing. */
  readonly file: string;
  /** 64 hex characters (256 bits) from the keychain. */
  readonly hexKey: string;
  /** Defaults to the app's migrations; tests pass their own lists. */
  readonly migrations?: readonly Migration[];
}

/**
 * Opens (or creates) the encrypted store, proves the key, checks integrity, and brings the
 * schema up to date. Throws StoreError with a message a manager can act on; never returns a
 * half-open handle.
 */
export function openDatabase(options: OpenOptions): Db {
  if (!HEX_KEY.test(options.hexKey)) {
    throw new StoreError('store_key_invalid', 'The store key from the keychain is not valid.');
  }
  prepareFile(options.file);
  const db = new Database(options.file);
  try {
    // Must be the first statement: the key applies to every page read after it.
    db.pragma(`hexkey='${options.hexKey}'`);
    proveKey(db);
    db.pragma('journal_mode = WAL');
    // FULL: a committed sign-in, lockout or audit entry survives a power cut, not only a crash.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    checkIntegrity(db);
    migrate(db, options.migrations ?? MIGRATIONS);
    cacheStatements(db);
    return db;
  } catch (error) {
    db.close();
    if (isSqliteCode(error, 'SQLITE_CORRUPT')) throw corrupt();
    // How SQLite reports a store it cannot open for writing (a read-only file system: the WAL
    // index cannot be created). The folder exists by now, so that is not the cause here.
    if (isSqliteCode(error, 'SQLITE_CANTOPEN')) throw storeUnwritable();
    throw error;
  }
}

/**
 * The database file is created owner-only before SQLite opens it (SQLite would create it 0644
 * less the umask, and its -wal and -shm copy the main file's mode); an existing one, and a WAL
 * left by a crash, are narrowed to owner-only.
 */
function prepareFile(file: string): void {
  try {
    createOwnerOnly(file);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    for (const f of [file, `${file}-wal`, `${file}-shm`]) restrictToOwner(f);
  }
}

function corrupt(): StoreError {
  return new StoreError(
    'store_corrupt',
    'The local store is damaged. Restore the latest backup, or ask your administrator for help.',
  );
}

/**
 * Services prepare their SQL where they use it (readable), and this makes that cheap: a
 * statement is compiled once per SQL text and reused (better-sqlite3 statements are reusable;
 * they are synchronous, so one is never busy twice at once except inside its own iterate()).
 */
function cacheStatements(db: Db): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, ReturnType<Db['prepare']>>();
  db.prepare = ((sql: string) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  }) as Db['prepare'];
}

function proveKey(db: Db): void {
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    if (isSqliteCode(error, 'SQLITE_NOTADB')) {
      throw new StoreError(
        'store_key_mismatch',
        'The local store cannot be unlocked with the key in this computer’s keychain. ' +
          'Restore a backup made on this computer, or ask your administrator to reset this device.',
      );
    }
    throw error;
  }
}

function checkIntegrity(db: Db): void {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  if (rows.length !== 1 || rows[0]?.integrity_check !== 'ok') {
    throw corrupt();
  }
}

/**
 * Applies pending migrations. Refuses to touch a database whose applied migrations are not a
 * prefix of `known` (written by a newer or a different build): running on an unknown schema
 * could corrupt data, so the app stops instead.
 */
export function migrate(db: Db, known: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = db.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all() as {
    id: number;
    name: string;
  }[];
  const mismatch = applied.findIndex(
    (row, i) => known[i]?.id !== row.id || known[i]?.name !== row.name,
  );
  if (mismatch !== -1 || applied.length > known.length) {
    throw new StoreError(
      'store_schema_unknown',
      'This store was written by a newer or different version of Keyholder. ' +
        'Update Keyholder on this computer, then try again.',
    );
  }
  const record = db.prepare(
    'INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)',
  );
  for (const step of known.slice(applied.length)) {
    db.transaction(() => {
      db.exec(step.up);
      record.run(step.id, step.name, Date.now());
    })();
  }
}

/** The migrations recorded in a database, in order (for diagnostics and restore checks). */
export function appliedMigrations(db: Db): { id: number; name: string }[] {
  return db.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all() as {
    id: number;
    name: string;
  }[];
}

/**
 * Runs `fn` (which commits) with `synchronous = NORMAL`: in WAL mode its commit skips the fsync
 * and may be lost by a power cut (never corrupted). Only for writes whose loss leaves the store
 * stricter than it would be, never looser; every other commit keeps FULL.
 */
export function lightCommit<T>(db: Db, fn: () => T): T {
  // Prepared (and cached): `db.pragma` parses its text again on every call.
  db.prepare('PRAGMA synchronous = NORMAL').run();
  try {
    return fn();
  } finally {
    db.prepare('PRAGMA synchronous = FULL').run();
  }
}

export function isSqliteCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
