import { asStoreFault } from '../core/db/storage-faults';
import { KeychainUnavailable, KeyholderError, StoreError } from '../core/errors';

export interface StartupFailure {
  title: string;
  message: string;
}

const UNEXPECTED =
  'Keyholder could not start because of an unexpected problem. Restart the PC and try again; ' +
  'if it happens again, contact support.';

/**
 * What the error box says when the core cannot open. Keychain and store errors carry a message
 * written for a store manager (what is wrong, what to do); anything else gets a generic text,
 * never a stack, a path or a library message. There is no "continue anyway": without the
 * keychain Keyholder stores nothing (invariant 3), so the only way on is to fix and restart.
 */
export function startupFailure(raw: unknown): StartupFailure {
  // The core already maps a full or read-only disk; this covers one met outside openKeyholder.
  const error = asStoreFault(raw);
  if (error instanceof KeychainUnavailable) {
    return { title: 'Keyholder cannot reach the system keychain', message: error.message };
  }
  if (error instanceof StoreError && error.code === 'store_unwritable') {
    return { title: 'Keyholder cannot write to its local store', message: error.message };
  }
  if (error instanceof StoreError) {
    return { title: 'Keyholder cannot open its local store', message: error.message };
  }
  if (error instanceof KeyholderError) {
    return { title: 'Keyholder cannot start', message: error.message };
  }
  return { title: 'Keyholder cannot start', message: UNEXPECTED };
}
