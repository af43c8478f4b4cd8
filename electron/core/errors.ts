import type { ErrorCode } from '../../common/ipc/error-codes';

/**
 * Errors that cross the core boundary. Every error a user can reach carries a stable `code`
 * (for the UI and tests) and a message written for a store manager: no stack, no SQL, no paths.
 * Anything else thrown inside core is a bug and is reported upstream as a generic failure.
 */
export class KeyholderError extends Error {
  constructor(
    /** Listed in common/ipc/error-codes.ts, where the renderer finds its words. */
    readonly code: ErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export type KeychainFailure =
  | 'no-dbus'
  | 'dbus-unreachable'
  | 'no-secret-service'
  | 'keyring-locked'
  | 'no-login-keyring'
  | 'unknown';

/** The OS keychain cannot be used. Keyholder never falls back to storing secrets elsewhere. */
export class KeychainUnavailable extends KeyholderError {
  constructor(
    readonly reason: KeychainFailure,
    message: string,
  ) {
    super('keychain_unavailable', message, { reason });
  }
}

/** The local store cannot be opened or is damaged; the message says what to do. */
export class StoreError extends KeyholderError {}
