import { describeViolation, type PasswordViolation } from '../../common/policy';
import { HttpError } from '../errors';
import type { LockState } from './lockout.service';

/**
 * The errors people see from the auth routes. Messages never say which factor was wrong or
 * whether an address has an account; the audit log keeps the precise reason.
 */
export const invalidCredentials = () =>
  new HttpError(401, 'invalid_credentials', 'The email, password or code is not right.');

export const invalidSetupCode = () =>
  new HttpError(
    400,
    'invalid_setup_code',
    'This setup code is not valid: it may be mistyped, used or expired. Ask your server operator for a new one.',
  );

export const accountDisabled = () =>
  new HttpError(403, 'account_disabled', 'This account is disabled. Ask an administrator.');

/** Both factors were right, but the password is a manager's temporary one, past its hour. */
export const temporaryPasswordExpired = () =>
  new HttpError(
    403,
    'temporary_password_expired',
    'Your temporary password has expired. Ask your manager for a new one.',
  );

/**
 * The password was right, but the account has no two-step sign-in (an admin or manager reset
 * it, or it was never set up) and the server's sign-in always asks for it. Said only after the
 * right password, like `accountDisabled` after both factors.
 */
export const twoFactorSetupRequired = () =>
  new HttpError(
    403,
    'two_factor_setup_required',
    'Set up two-step sign-in again before you sign in: use the link or code we have emailed you (or the setup code from your server operator). You will need your password and your authenticator app.',
  );

export const passwordRejected = (violations: PasswordViolation[]) =>
  new HttpError(422, 'password_policy', 'Choose a different password.', {
    violations,
    messages: violations.map(describeViolation),
  });

/** A 429 that says when to come back; the route copies `retryAfterSeconds` into Retry-After. */
export class RetryLaterError extends HttpError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number | null,
  ) {
    super(429, code, message, retryAfterSeconds === null ? undefined : { retryAfterSeconds });
  }
}

export function lockedOut(state: Exclude<LockState, { state: 'open' }>, now: number): HttpError {
  if (state.state === 'throttled') {
    return new RetryLaterError(
      'throttled',
      'Too many attempts. Wait a moment, then try again.',
      Math.max(1, Math.ceil((state.retryAt - now) / 1000)),
    );
  }
  return new RetryLaterError(
    'account_locked',
    state.until === null
      ? 'Too many failed attempts. This account is locked until an administrator unlocks it.'
      : 'Too many failed attempts. This account is locked for now; try again later.',
    state.until === null ? null : Math.max(1, Math.ceil((state.until - now) / 1000)),
  );
}
