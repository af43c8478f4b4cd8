import {
  chmodSync,
  closeSync,
  fchmodSync,
  openSync,
  readSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';

/**
 * Files of the store (the database, its WAL and shared-memory files, profile.json, backups and
 * the restore staging copy) are readable by their owner only: 0600 whatever the umask. The
 * mode is given when the file is created and set again with fchmod, because a umask only ever
 * removes bits (an odd umask such as 0277 would leave the owner unable to write).
 *
 * SQLite creates -wal and -shm with the main file's mode (and owner) on Unix, so creating the
 * database file owner-only is enough for them; tests/core/db/owner-only-files.test.ts checks it.
 *
 * On Windows POSIX modes mean nothing (Node maps them to the read-only attribute at most); the
 * profile folder's ACL protects the files there, so the mode calls are skipped.
 */
const POSIX = process.platform !== 'win32';
const OWNER_ONLY = 0o600;

/** Opens a new file for writing, owner-only; EEXIST when it is already there. */
function createExclusive(file: string): number {
  const fd = openSync(file, 'wx', OWNER_ONLY);
  try {
    if (POSIX) fchmodSync(fd, OWNER_ONLY);
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Creates `file` empty and owner-only. Throws EEXIST when it already exists. */
export function createOwnerOnly(file: string): void {
  closeSync(createExclusive(file));
}

/** Writes a new owner-only file. Throws EEXIST when it already exists. */
export function writeOwnerOnly(file: string, data: string): void {
  const fd = createExclusive(file);
  try {
    writeFileSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

/**
 * Copies `source` into a new owner-only file. (copyFile gives the copy the source's mode, so a
 * backup someone made world-readable would make the restored store world-readable.)
 */
export function copyOwnerOnly(source: string, target: string): void {
  const input = openSync(source, 'r');
  try {
    const output = createExclusive(target);
    try {
      const buffer = Buffer.allocUnsafe(1024 * 1024);
      for (;;) {
        const read = readSync(input, buffer, 0, buffer.length, null);
        if (read === 0) break;
        for (let written = 0; written < read;) {
          written += writeSync(output, buffer, written, read - written);
        }
      }
    } finally {
      closeSync(output);
    }
  } finally {
    closeSync(input);
  }
}

/**
 * Narrows an existing file to owner-only when group or others have any access (a store made
 * before this rule, or under another umask). Best effort: a file that cannot be changed (not
 * ours, a read-only disk) is left for the open that follows to report in its own words.
 */
export function restrictToOwner(file: string): void {
  if (!POSIX) return;
  try {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, OWNER_ONLY);
  } catch {
    // Missing (no WAL yet) or not changeable: nothing to do here.
  }
}
