import { StoreError } from '../errors';

/**
 * Storage faults: the disk is full, the file system is read-only, or the disk failed under a
 * write. They are not bugs, and the person at the PC can do something about them, so they get
 * one typed error with one message wherever they surface (a sign-in, any other UI call, the
 * start-up) instead of the generic "something went wrong".
 */
export const STORE_UNWRITABLE_MESSAGE =
  'The store on this PC cannot be written (disk full or read-only). ' +
  'Free up space on the PC’s disk, or ask whoever looks after the PC to make its disk writable again, then try again.';

export function storeUnwritable(): StoreError {
  return new StoreError('store_unwritable', STORE_UNWRITABLE_MESSAGE);
}

/** Node's file-operation codes for the same conditions (writing profile.json, a backup copy). */
const FILE_CODES = new Set(['ENOSPC', 'EROFS', 'EDQUOT']);

/**
 * Whether `error` says the store cannot be written. SQLite's extended codes keep the primary
 * one as a prefix (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED …). SQLITE_CANTOPEN is not one
 * of them in general (a backup target in a missing folder is not a full disk); opening the
 * store maps it itself (see openDatabase).
 */
export function isStorageFault(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return (
    code === 'SQLITE_FULL' ||
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_IOERR') ||
    FILE_CODES.has(code)
  );
}

/** The typed error for a storage fault; any other error unchanged. */
export function asStoreFault(error: unknown): unknown {
  return isStorageFault(error) ? storeUnwritable() : error;
}

/** Runs `write`, turning a storage fault it hits into `store_unwritable`. */
export function writingStore<T>(write: () => T): T {
  try {
    return write();
  } catch (error) {
    throw asStoreFault(error);
  }
}
