import type { ServerAdminErrorCode } from '../../../common/ipc/error-codes';
import { KeyholderError } from '../errors';

/**
 * The sync server's refusals, turned into errors a store PC's admin can act on. Only codes
 * listed here pass through (under our own words); anything else becomes a generic error of its
 * status class. The server's message, request id and details never reach the renderer: they
 * could describe the server's internals, and we do not translate them.
 */
const SERVER_CODES: Readonly<Record<string, readonly [ServerAdminErrorCode, string]>> = {
  invalid_credentials: [
    'server_invalid_credentials',
    'The email, password or code is not right for the sync server.',
  ],
  account_disabled: ['server_account_disabled', 'Your account on the sync server is disabled.'],
  two_factor_setup_required: [
    'server_two_factor_setup',
    'Finish setting up two-step sign-in for your sync server account first.',
  ],
  password_change_required: [
    'server_password_change_required',
    "Your sync server password must be changed first: it is a temporary one or it has expired. Sign in on your store's computer to choose a new one, then sign in here again.",
  ],
  policy_conflict: [
    'policy_conflict',
    'Someone published a newer policy while you were editing. Reload it, check the changes, then publish again.',
  ],
  username_taken: ['server_username_taken', 'That username is already in use on the sync server.'],
  email_taken: ['server_email_taken', 'That email address is already in use on the sync server.'],
  already_taken: ['server_email_taken', 'That email address is already in use on the sync server.'],
  last_admin: [
    'server_last_admin',
    'This is the last active administrator on the sync server. Add another administrator first.',
  ],
  own_account: [
    'server_own_account',
    'You cannot change your own role or status, reset your own two-step sign-in or erase your own account here.',
  ],
  confirmation_mismatch: [
    'server_confirmation_mismatch',
    "The email address typed is not this person's current one. Nothing was erased.",
  ],
  stores_required: ['server_stores_required', 'Choose at least one store for this person.'],
  unknown_store: ['server_unknown_store', 'One of the chosen stores no longer exists.'],
  invalid_range: ['server_invalid_range', 'Choose a time range of at most a year, from before to.'],
};

/**
 * Codes that mean something else when the server answers 409 about the person being changed
 * (at sign-in, `account_disabled` is the admin's own account; here it is the person's).
 */
const CONFLICT_CODES: Readonly<Record<string, readonly [ServerAdminErrorCode, string]>> = {
  account_disabled: [
    'server_person_disabled',
    "This person's account is disabled. Enable it first.",
  ],
  not_verified: [
    'server_person_pending',
    'This person has not confirmed their email address yet, so there is nothing to reset.',
  ],
  not_pending: [
    'server_person_confirmed',
    'This person has already confirmed their email address: there is no invitation to send.',
  ],
};

const BY_STATUS: Readonly<Record<number, readonly [ServerAdminErrorCode, string]>> = {
  400: [
    'server_invalid_request',
    'The sync server refused what was entered. Check it and try again.',
  ],
  401: ['server_sign_in_required', 'Sign in to the sync server again to continue.'],
  403: ['forbidden', 'Your sync server account may not do this.'],
  404: ['server_not_found', 'That no longer exists on the sync server, or you cannot see it.'],
  409: [
    'server_conflict',
    'This clashes with a change made on the sync server. Reload and try again.',
  ],
  413: ['server_invalid_request', 'That is too large for the sync server.'],
  422: [
    'server_invalid_request',
    'The sync server refused what was entered. Check it and try again.',
  ],
  429: [
    'server_rate_limited',
    'Too many attempts on the sync server. Wait a moment, then try again.',
  ],
};

export class ServerAdminError extends KeyholderError {}

export function signInRequired(): ServerAdminError {
  const [code, message] = BY_STATUS[401] as readonly [ServerAdminErrorCode, string];
  return new ServerAdminError(code, message);
}

export function notConnected(): ServerAdminError {
  return new ServerAdminError(
    'server_not_connected',
    'This computer is not connected to a sync server. Connect it first.',
  );
}

export function badResponse(): ServerAdminError {
  return new ServerAdminError(
    'server_bad_response',
    'The sync server gave an answer Keyholder does not understand. Check that the server is up to date.',
  );
}

/** An HTTP answer that is not a success. `serverCode` is the body's error.code, when there is one. */
export function fromStatus(
  status: number,
  serverCode: string | undefined,
  retryAfter?: string,
): ServerAdminError {
  const known = serverCode
    ? ((status === 409 ? CONFLICT_CODES[serverCode] : undefined) ?? SERVER_CODES[serverCode])
    : undefined;
  if (known && status >= 400 && status < 500) return new ServerAdminError(known[0], known[1]);
  const byStatus = BY_STATUS[status];
  if (byStatus) {
    const seconds = Number(retryAfter);
    const details =
      status === 429 && Number.isFinite(seconds) && seconds > 0
        ? { retryAfterMs: Math.ceil(seconds) * 1000 }
        : {};
    return new ServerAdminError(byStatus[0], byStatus[1], details);
  }
  return new ServerAdminError(
    'server_error',
    'The sync server could not do this right now. Try again later.',
  );
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/** No HTTP answer at all: the network, a timeout, or a certificate we must not trust. */
export function fromTransport(code: string | undefined): ServerAdminError {
  if (code && (TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('CERT_'))) {
    return new ServerAdminError(
      'server_tls',
      "The sync server's security certificate could not be verified, so Keyholder did not connect. Ask your IT contact to check it.",
    );
  }
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
    return new ServerAdminError(
      'server_unreachable',
      'The sync server did not answer in time. Check the internet connection and try again.',
    );
  }
  return new ServerAdminError(
    'server_unreachable',
    'The sync server cannot be reached. Check the internet connection and try again.',
  );
}
