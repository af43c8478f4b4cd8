import { asStoreFault } from '../core/db/storage-faults';
import { KeyholderError } from '../core/errors';

/**
 * What the browser shell prints when Keyholder cannot start: the core's message for a known
 * problem (keychain, store, a full or read-only disk), written for the person at the PC.
 * `known` is false for anything else, which the caller logs in full for whoever debugs it.
 */
export function shellStartupMessage(raw: unknown): { text: string; known: boolean } {
  const error = asStoreFault(raw);
  if (error instanceof KeyholderError) {
    return { text: `Keyholder cannot start: ${error.message}`, known: true };
  }
  return { text: 'Keyholder cannot start because of an unexpected error.', known: false };
}
