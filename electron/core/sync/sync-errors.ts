import type { ErrorCode } from '../../../common/ipc/error-codes';
import type { SyncStatusDto } from '../../../common/ipc/sync.schemas';
import { KeyholderError } from '../errors';
import { DEVICE_REVOKED } from './sync-state';

/**
 * A failed exchange with the sync server, already put into words for a store manager.
 * `retryable`: worth trying again later (network, timeouts, 5xx, 429); the server refusing
 * the request itself (revoked PC, bad code, TLS) is not. `retryAfterMs` honours the server.
 */
export class SyncError extends KeyholderError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs: number | null = null,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details);
  }
}

export const unreachable = (detail: string) =>
  new SyncError(
    'server_unreachable',
    `The sync server could not be reached (${detail}). This PC keeps working offline and tries again automatically.`,
    true,
  );

/** TLS failures in words. Never bypassed: the user must fix the certificate or the address. */
const TLS_REASONS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it uses a self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain contains a self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate could not be verified',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate was issued by an unknown authority',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for a different address',
  CERT_REVOKED: 'its certificate was revoked',
};

export function tlsError(code: string): SyncError | null {
  const reason =
    TLS_REASONS[code] ??
    (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('CERT')
      ? 'its secure connection could not be established'
      : null);
  if (!reason) return null;
  return new SyncError(
    'tls_error',
    `The sync server's identity could not be verified: ${reason}. Keyholder does not connect to a server it cannot verify; ask your IT contact to fix the server's certificate or check the address.`,
    false,
    null,
    { tlsCode: code },
  );
}

/** Codes that mean "could not reach or the server is overloaded": shown as offline. */
const OFFLINE_CODES = new Set(['server_unreachable', 'server_unavailable', 'rate_limited']);

/** The state a recorded error stands for, when no run is under way. */
export function stateAfter(error: { code: string } | null | undefined): SyncStatusDto['state'] {
  if (!error) return 'idle';
  if (error.code === DEVICE_REVOKED) return 'revoked';
  return OFFLINE_CODES.has(error.code) ? 'offline' : 'error';
}
