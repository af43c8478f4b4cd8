// The progressive delay between failed sign-ins, shared by the desktop core and the sync server
// so a person meets the same rhythm wherever they sign in. Pure: the callers persist the counters.

/** Failures before the progressive delay starts. */
export const FREE_FAILURES = 2;
const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;

/** Delay before the next attempt after `failures` consecutive failures: 0, 0, 1 s, 2 s, 4 s … 30 s. */
export function throttleDelayMs(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  return Math.min(BASE_DELAY_MS * 2 ** (failures - FREE_FAILURES - 1), MAX_DELAY_MS);
}

/**
 * Why a lockout was lifted other than by the lock running out, as audit entries record it
 * (`account.unlock` on the PC, `user.unlock` on the server). `password_reset`: a password
 * reset by someone allowed to make it lifts the lock with it, in the same transaction. The
 * lock guards the old password against guessing; the reset replaced that password with one
 * only the person (or the manager who hands it over) knows, and a reset that left the account
 * locked would hand over a password nobody can use.
 */
export const UNLOCK_REASONS = ['password_reset'] as const;
export type UnlockReason = (typeof UNLOCK_REASONS)[number];
