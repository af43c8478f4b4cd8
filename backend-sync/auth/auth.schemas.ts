import { z } from 'zod';
import { PASSWORD_MAX_LENGTH_CAP } from '../../common/policy';
import { EMAIL_MAX_LENGTH } from '../../common/text/text-limits';

/**
 * Request and response bodies of /api/v1/auth. Strict objects: an unknown field is a 400, not
 * silently ignored. Every string is bounded, so no request makes the server hash or scan an
 * unbounded input (passwords: the policy engine's cap).
 */
// Surrounding spaces (a pasted address) are trimmed before the address is checked.
const email = z.string().trim().max(EMAIL_MAX_LENGTH).pipe(z.email());
const password = z.string().min(1).max(PASSWORD_MAX_LENGTH_CAP);
const totpCode = z.string().min(1).max(16);
const setupCode = z.string().min(1).max(64);

export const setupStartBody = z.strictObject({ email, setupCode });
/** `password`: the new one (first set-up) or the current one (after a 2FA reset). */
export const setupCompleteBody = z.strictObject({ email, setupCode, password, totpCode });
export const signInBody = z.strictObject({ email, password, totpCode });
export const refreshBody = z.strictObject({ refreshToken: z.string().min(1).max(128) });
/** After a sign-in answered `password_change_required`: its change token and the new password. */
export const newPasswordBody = z.strictObject({
  changeToken: z.string().min(1).max(128),
  newPassword: password,
});
export const changePasswordBody = z.strictObject({
  currentPassword: password,
  newPassword: password,
});

export const tokensResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.int(),
});

export const enrollmentResponse = z.object({
  secret: z.string(),
  manualKey: z.string(),
  otpauthUri: z.string(),
  /**
   * first_setup: choose a password in /setup/complete. two_factor_reset (after the operator's
   * `reset-admin-2fa`): type the current password there; it does not change.
   */
  mode: z.enum(['first_setup', 'two_factor_reset']),
});

export const setupCompleteResponse = z.object({ status: z.literal('active') });

export const meResponse = z.object({
  userId: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(['admin', 'manager', 'viewer']),
});
