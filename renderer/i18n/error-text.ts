import type { PasswordViolation } from '../../common/policy/password-evaluator';
import type { ApiError } from '../api/types';
import type { Language, Translate } from './i18n-context';
import type { MessageKey } from './messages.en';

const KNOWN_CODES = new Set([
  'invalid_credentials',
  'account_locked',
  'throttled',
  'clock_problem',
  'account_disabled',
  'temporary_password_expired',
  'invalid_code',
  'code_replayed',
  'invalid_recovery_code',
  'password_rejected',
  'session_locked',
  'session_ended',
  'session_expired',
  'forbidden',
  'challenge_expired',
  'last_admin',
  'not_on_self',
  'username_taken',
  'invalid_username',
  'totp_required',
  'totp_already_enabled',
  'totp_not_enabled',
  'invalid_request',
  'invalid_policy',
  'policy_managed',
  'already_set_up',
  'not_found',
  'internal',
  'store_unwritable',
  'network',
  'unauthorized',
  'server_unreachable',
  'server_unavailable',
  'rate_limited',
  'tls_error',
  'device_revoked',
  'reconnect_other_server',
  'audit_log_diverged',
  'audit_entry_refused',
  'audit_text_refused',
  'insecure_server_url',
  'invalid_server_url',
  'enrollment_refused',
  'device_exists',
  'handover_not_confirmed',
  'connect_no_way_in',
  'handover_changed',
  'handover_no_way_in',
  'managed_by_server',
  'policy_refused',
  'credential_missing',
  'bad_response',
  'account_tampered',
  'store_tampered',
  'sync_required',
  'totp_managed',
  'password_key_missing',
  'password_required',
  'store_check_failed',
  'store_key_unreadable',
]);

/**
 * What to show for an error. The core writes its messages for store staff, in English, and
 * they are deliberately vague where they must be (a wrong username and a wrong password read
 * the same), so English shows them as they are; other languages translate by code, with the
 * same care, and fall back to the core's words for a code they do not know.
 */
export function errorText(t: Translate, lang: Language, error: ApiError): string {
  if (lang === 'en') return error.message;
  const key = errorKey(error);
  return key ? t(key) : error.message;
}

function errorKey(error: ApiError): MessageKey | null {
  const details = error.details ?? {};
  if (error.code === 'account_locked' && details.retryAfterMs === null)
    return 'error.account_locked_manual';
  if (error.code === 'offline_limit')
    return details.kind === 'sign_ins'
      ? 'error.offline_limit_sign_ins'
      : 'error.offline_limit_hours';
  return KNOWN_CODES.has(error.code) ? (`error.${error.code}` as MessageKey) : null;
}

/** Milliseconds to wait before trying again, when the error says so. */
export function retryAfterMs(error: ApiError | null): number | null {
  if (!error || (error.code !== 'account_locked' && error.code !== 'throttled')) return null;
  const ms = error.details?.retryAfterMs;
  return typeof ms === 'number' && ms > 0 ? ms : null;
}

/** The rules a rejected password broke, as the core listed them. */
export function violationsOf(error: ApiError | null): PasswordViolation[] {
  if (!error || error.code !== 'password_rejected') return [];
  const list = error.details?.violations;
  return Array.isArray(list) ? (list as PasswordViolation[]) : [];
}

/** One sentence per broken rule (the same words as describeViolation, translated). */
export function violationText(t: Translate, v: PasswordViolation): string {
  switch (v.code) {
    case 'too_short':
      return t('violation.too_short', { min: v.min });
    case 'too_long':
      return t('violation.too_long', { max: v.max });
    case 'needs_letter':
      return t('violation.needs_letter');
    case 'needs_digit':
      return t('violation.needs_digit');
    case 'needs_upper':
      return t('violation.needs_upper');
    case 'needs_lower':
      return t('violation.needs_lower');
    case 'common_password':
      return t('violation.common_password');
    case 'context_word':
      return t('violation.context_word', { word: v.word });
    case 'repetitive':
      return t('violation.repetitive');
    case 'sequential':
      return t('violation.sequential');
    case 'keyboard_walk':
      return t('violation.keyboard_walk');
    case 'too_guessable':
      return t('violation.too_guessable');
    case 'reused':
      return v.count <= 1
        ? t('violation.reused_one')
        : t('violation.reused_many', { count: v.count });
  }
}

/** "14:05" style wait (minutes:seconds), or hours when long. */
export function formatWait(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}
