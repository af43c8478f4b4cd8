/**
 * Every error code the desktop core can send across the IPC boundary: the catalogue the core's
 * errors are typed against (electron/core/errors.ts), so a new code cannot be thrown without
 * being listed here, and the renderer's words are checked against (renderer/i18n/error-text.ts),
 * so a listed code cannot lack its English, Spanish or French text.
 */

/** Errors of the app itself; the renderer words each as `error.<code>`. */
export const APP_ERROR_CODES = [
  // Sign-in and sessions
  'invalid_credentials',
  'account_locked',
  'throttled',
  'clock_problem',
  'offline_limit',
  'account_disabled',
  'temporary_password_expired',
  'invalid_code',
  'code_replayed',
  'invalid_recovery_code',
  'challenge_expired',
  'session_locked',
  'session_ended',
  'session_expired',
  'password_required',
  'password_rejected',
  'totp_required',
  'totp_already_enabled',
  'totp_not_enabled',
  'totp_managed',
  // People and permissions
  'forbidden',
  'last_admin',
  'not_on_self',
  'username_taken',
  'invalid_username',
  'not_found',
  'managed_by_server',
  /** A manager on a connected PC: people are added and changed by an admin on the server. */
  'server_admin_only',
  // Policy and setup
  'invalid_policy',
  'policy_managed',
  'already_set_up',
  // The store on this PC and its keys
  'store_unwritable',
  'store_corrupt',
  'store_schema_unknown',
  'store_profile_invalid',
  'store_check_failed',
  'store_tampered',
  'account_tampered',
  'store_key_missing',
  'store_key_invalid',
  'store_key_mismatch',
  'store_key_unreadable',
  'keychain_key_missing',
  'keychain_unavailable',
  'password_key_missing',
  'backup_exists',
  'backup_unreadable',
  // Sync
  'sync_required',
  'sync_failed',
  'server_unreachable',
  'server_unavailable',
  'rate_limited',
  'tls_error',
  'bad_server_key',
  'bad_response',
  'device_revoked',
  'device_exists',
  'reconnect_other_server',
  'enrollment_refused',
  // Connecting a standalone PC: its people handed over to the server's store
  'handover_not_confirmed',
  'connect_no_way_in',
  'handover_changed',
  'handover_no_way_in',
  'insecure_server_url',
  'invalid_server_url',
  'policy_refused',
  'credential_missing',
  'audit_log_diverged',
  'audit_entry_refused',
  'audit_text_refused',
  'audit_chain_broken',
  'sequence_gap',
  /** Any other refusal of the sync server; `details.serverCode` keeps the server's code. */
  'sync_refused',
  'audit_unavailable',
  // The boundary itself
  'invalid_request',
  'unauthorized',
  'network',
  'internal',
] as const;

/**
 * The admin area's errors: the sync server's refusals under our own words
 * (electron/core/server-admin/admin-errors.ts); the renderer words each as `admin.error.<code>`.
 */
export const SERVER_ADMIN_ERROR_CODES = [
  'server_not_connected',
  'server_sign_in_required',
  'server_invalid_credentials',
  'server_account_disabled',
  'server_two_factor_setup',
  'server_password_change_required',
  'policy_conflict',
  'server_username_taken',
  'server_email_taken',
  'server_last_admin',
  'server_own_account',
  'server_confirmation_mismatch',
  'server_person_disabled',
  'server_person_pending',
  'server_person_confirmed',
  'server_stores_required',
  'server_unknown_store',
  'server_invalid_range',
  'server_invalid_request',
  'forbidden',
  'server_not_found',
  'server_conflict',
  'server_rate_limited',
  'server_error',
  'server_bad_response',
  'server_tls',
  'server_unreachable',
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];
export type ServerAdminErrorCode = (typeof SERVER_ADMIN_ERROR_CODES)[number];
export type ErrorCode = AppErrorCode | ServerAdminErrorCode;

const ALL: ReadonlySet<string> = new Set<string>([...APP_ERROR_CODES, ...SERVER_ADMIN_ERROR_CODES]);

/** Whether `code` is in the catalogue (what came over IPC is a string). */
export function isErrorCode(code: string): code is ErrorCode {
  return ALL.has(code);
}

const APP: ReadonlySet<string> = new Set<string>(APP_ERROR_CODES);

/** Whether `code` is one of the app's own codes (a sync server's refusal may reuse one). */
export function isAppErrorCode(code: string): code is AppErrorCode {
  return APP.has(code);
}
