import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { StoreError } from '../errors';
import type { SecretStore } from '../keychain/secret-store';
import { secretName } from '../keychain/secret-store';
import { openDatabase, type Db } from './database';
import { copyOwnerOnly, createOwnerOnly, writeOwnerOnly } from './owner-only-files';
import { asStoreFault } from './storage-faults';

/**
 * The data folder of one Keyholder profile:
 *   profile.json   non-secret id that names this profile's keychain items
 *   keyholder.db   the encrypted store (+ -wal, -shm)
 * The database key never touches the disk: it lives only in the keychain. Every file here, and
 * every backup, is created owner-only (0600) whatever the umask (owner-only-files.ts).
 */
export const DB_FILE = 'keyholder.db';
const PROFILE_FILE = 'profile.json';

const profileSchema = z.object({ id: z.string().uuid(), createdAt: z.string() }).strict();

export interface LocalStore {
  readonly db: Db;
  readonly profileId: string;
  readonly dataDir: string;
  close(): void;
}

/**
 * Opens the profile's store, creating it on first run. Order matters for invariant 3: the
 * keychain is asked before anything is written, so a keychain failure leaves no files behind.
 */
export async function openLocalStore(dataDir: string, secrets: SecretStore): Promise<LocalStore> {
  const existingProfile = readProfile(dataDir);
  const profileId = existingProfile?.id ?? randomUUID();
  const keyName = secretName(profileId, 'database-key');
  const dbFile = join(dataDir, DB_FILE);

  let hexKey = await secrets.get(keyName);
  if (hexKey === null) {
    if (existsSync(dbFile)) {
      throw new StoreError(
        'store_key_missing',
        'The key for this computer’s store is missing from the keychain (or the keychain is locked), so the store cannot be ' +
          'opened. Restore the keychain, or ask your administrator to reset this device.',
      );
    }
    hexKey = randomBytes(32).toString('hex');
    await secrets.set(keyName, hexKey);
  }
  if (!existingProfile) {
    makeDataDir(dataDir);
    writeOwnerOnly(
      join(dataDir, PROFILE_FILE),
      JSON.stringify({ id: profileId, createdAt: new Date().toISOString() }, null, 2),
    );
  }
  const db = openDatabase({ file: dbFile, hexKey });
  return { db, profileId, dataDir, close: () => db.close() };
}

/**
 * The profile's folder, owner-only. Node's recursive mkdir reports a read-only file system as
 * ENOENT; a plain mkdir of the first missing folder then says what really failed (EROFS), so
 * start-up can tell the person the disk cannot be written.
 */
function makeDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
    let missing = dataDir;
    while (dirname(missing) !== missing && !existsSync(dirname(missing)))
      missing = dirname(missing);
    mkdirSync(missing, { mode: 0o700 });
    throw error;
  }
}

function readProfile(dataDir: string): z.infer<typeof profileSchema> | null {
  const file = join(dataDir, PROFILE_FILE);
  if (!existsSync(file)) return null;
  try {
    return profileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    throw new StoreError(
      'store_profile_invalid',
      'This computer’s Keyholder profile file is damaged. Ask your administrator for help.',
    );
  }
}

/**
 * Online backup: a consistent snapshot taken while the app runs, encrypted with the same key
 * (VACUUM INTO keeps the cipher of the source). Refuses to overwrite an existing file. The
 * target is first created empty and owner-only (VACUUM INTO writes into an existing empty file
 * and keeps its mode; a file it creates itself gets 0644 less the umask); that exclusive create
 * is also the check that nothing was there. A backup that fails leaves no file behind.
 */
export function backupTo(store: LocalStore, target: string): void {
  try {
    createOwnerOnly(target);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    throw new StoreError(
      'backup_exists',
      'A file with that name already exists. Choose another name.',
    );
  }
  try {
    store.db.prepare('VACUUM INTO ?').run(target);
  } catch (error) {
    rmSync(target, { force: true });
    throw error;
  }
}

/**
 * Restores a backup in place of the live store. The backup is opened with this profile's key
 * and checked (key, integrity, known schema) before anything is replaced; the current store is
 * kept beside it as `keyholder.db.before-restore` until the restored one has opened.
 * Returns the newly opened store; the old handle is closed.
 */
export async function restoreFrom(
  store: LocalStore,
  source: string,
  secrets: SecretStore,
): Promise<LocalStore> {
  const hexKey = await secrets.get(secretName(store.profileId, 'database-key'));
  if (hexKey === null) {
    throw new StoreError('store_key_missing', 'The key for this computer’s store is missing.');
  }
  const staging = join(store.dataDir, `${DB_FILE}.restoring`);
  rmSync(staging, { force: true });
  // Work on a copy: the user's backup file is never modified (opening migrates old schemas).
  // Owner-only whatever the backup file's mode: the copy becomes the live store.
  try {
    copyOwnerOnly(source, staging);
  } catch (error) {
    rmSync(staging, { force: true });
    throw error;
  }
  try {
    openDatabase({ file: staging, hexKey }).close();
  } catch (error) {
    rmSync(staging, { force: true });
    const fault = asStoreFault(error);
    if (fault instanceof StoreError && fault.code === 'store_unwritable') throw fault;
    const reason =
      error instanceof StoreError && error.code === 'store_schema_unknown'
        ? error.message
        : 'This file is not a readable Keyholder backup from this computer.';
    throw new StoreError('backup_unreadable', reason);
  }

  const live = join(store.dataDir, DB_FILE);
  store.close();
  const previous = `${live}.before-restore`;
  rmSync(previous, { force: true });
  renameSync(live, previous);
  rmSync(`${live}-wal`, { force: true });
  rmSync(`${live}-shm`, { force: true });
  renameSync(staging, live);
  const db = openDatabase({ file: live, hexKey });
  rmSync(previous, { force: true });
  return { db, profileId: store.profileId, dataDir: store.dataDir, close: () => db.close() };
}
