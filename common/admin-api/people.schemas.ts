import { z } from 'zod';
import { ROLES } from '../policy/policy';

/**
 * The admin API's answers about people (/api/v1/users), shared by the sync server's routes and
 * the desktop's admin area. No hash, TOTP secret or token is in any of them: the server's
 * serializer drops anything not listed here.
 */

export const personRole = z.enum(ROLES);
export const personStatus = z.enum(['pending', 'active', 'disabled']);
const mailResult = z.enum(['sent', 'failed']);

export const storeRef = z.object({ id: z.string(), name: z.string() });

export const userResponse = z.object({
  id: z.string(),
  email: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: personRole,
  status: personStatus,
  emailVerified: z.boolean(),
  totpEnabled: z.boolean(),
  /** The stores the caller may see (a manager sees only their own among them). */
  stores: z.array(storeRef),
  createdAt: z.number(),
  updatedAt: z.number(),
  /**
   * Locked out of signing in to the server (too many failed attempts, or an admin's lock): in
   * lists and the detail; answers that change a person leave it out.
   */
  locked: z.boolean().optional(),
});
export type UserDto = z.infer<typeof userResponse>;

/** GET /api/v1/users/:id */
export const userDetailResponse = userResponse.extend({ locked: z.boolean() });
/** POST /api/v1/users */
export const createUserResponse = userResponse.extend({ verificationEmail: mailResult });
/** GET /api/v1/users */
export const listUsersResponse = z.object({
  users: z.array(userResponse),
  nextCursor: z.string().nullable(),
});
/** A mail the server sent the person; `sentTo` is the address masked by the server. */
export const mailSentResponse = z.object({ email: mailResult, sentTo: z.string() });
/** POST /api/v1/users/:id/unlock */
export const unlockResponse = z.object({ wasLocked: z.boolean() });
/** POST /api/v1/users/:id/two-factor-reset */
export const twoFactorResetResponse = userResponse.extend({
  /** Sessions of the person that were signed out. */
  revokedSessions: z.int(),
  /** The security alert with the link and code to set up two-step sign-in again. */
  setupEmail: mailResult,
  sentTo: z.string(),
});
/** POST /api/v1/users/:id/erase */
export const eraseResponse = z.object({
  id: z.string(),
  pseudonym: z.string(),
  erasedAt: z.number(),
});
