import type { ServerAdminErrorCode } from '../../../common/ipc/error-codes';
import type { ApiError, ApiResult } from '../../api/types';
import { isSessionError } from '../../api/types';
import type { Translate } from '../../i18n/language';
import { en, type MessageKey } from '../../i18n/messages.en';

/** Codes after which the admin must sign in to the server again (the prompt comes back). */
const SIGNED_OUT = new Set(['server_sign_in_required', 'server_not_connected']);

// Every admin-area code of common/ipc/error-codes.ts has its words: compile-time, as error-text.ts.
type Unworded = Exclude<`admin.error.${ServerAdminErrorCode}`, MessageKey>;
const everyCodeWorded: [Unworded] extends [never] ? true : Unworded = true;
void everyCodeWorded;

/** The admin area's errors in the person's language (the app's own words for the rest). */
export function adminError(t: Translate, error: ApiError): ApiError {
  const key = `admin.error.${error.code}`;
  return key in en ? { ...error, message: t(key as MessageKey) } : error;
}

export type Run = <T>(call: Promise<ApiResult<T>>) => Promise<ApiResult<T>>;

/**
 * Every admin call goes through one runner: a locked or ended local session re-reads the app
 * state, a lost server session shows the server sign-in again, and errors are localised.
 */
export function createRun(
  t: Translate,
  onSessionError: () => void,
  onServerSignedOut: () => void,
): Run {
  return async (call) => {
    const result = await call;
    if (result.ok) return result;
    if (isSessionError(result.error)) onSessionError();
    else if (SIGNED_OUT.has(result.error.code)) onServerSignedOut();
    return { ok: false, error: adminError(t, result.error) };
  };
}

/** yyyy-mm-dd (a date input's value) → local midnight, in ms. */
export function localDay(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
}

export const DAY_MS = 86_400_000;
