import { isAppErrorCode, type AppErrorCode } from '../../common/ipc/error-codes';
import type { PasswordViolation } from '../../common/policy/password-evaluator';
import type { ApiError } from '../api/types';
import type { Language, Translate } from './language';
import type { MessageKey } from './messages.en';

/**
 * Every code of the app's catalogue has its words in every language: a code added to
 * common/ipc/error-codes.ts without an `error.<code>` message fails to compile here (and the
 * Spanish and French dictionaries must hold every English key). `offline_limit` is worded by
 * its kind, with a general sentence for anything else.
 */
type Unworded = Exclude<`error.${AppErrorCode}`, MessageKey>;
const everyCodeWorded: [Unworded] extends [never] ? true : Unworded = true;
void everyCodeWorded;

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
  // `unverified`: no signed receipt to count from; the PC must sync before anyone signs in.
  if (error.code === 'offline_limit' && details.kind === 'sign_ins')
    return 'error.offline_limit_sign_ins';
  if (error.code === 'offline_limit' && details.kind === 'hours')
    return 'error.offline_limit_hours';
  return isAppErrorCode(error.code) ? (`error.${error.code}` as const) : null;
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
