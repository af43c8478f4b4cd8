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

/**
 * A subject's failed attempts as the PC (`sign_in_failures` by username) and the server (by
 * account or address) keep them; each side maps its own columns to this.
 */
export interface FailureCounter {
  readonly failures: number;
  readonly lastFailureAt: number;
  /** End of a timed lock; null when none (or when only an admin's unlock ends it). */
  readonly lockedUntil: number | null;
  readonly lockedByAdminOnly: boolean;
}

export type LockState =
  | { state: 'open' }
  | { state: 'throttled'; retryAt: number }
  | { state: 'locked'; until: number | null };

/**
 * The lock a counter puts on its subject at `now` (no counter: open). A served timed lock is
 * open, and the next failure counts from 1 again (`counterAfterFailure`).
 */
export function lockStateOf(counter: FailureCounter | undefined, now: number): LockState {
  if (!counter) return { state: 'open' };
  if (counter.lockedByAdminOnly) return { state: 'locked', until: null };
  if (counter.lockedUntil !== null && now < counter.lockedUntil)
    return { state: 'locked', until: counter.lockedUntil };
  if (counter.lockedUntil !== null) return { state: 'open' };
  const retryAt = counter.lastFailureAt + throttleDelayMs(counter.failures);
  return now < retryAt ? { state: 'throttled', retryAt } : { state: 'open' };
}

/**
 * The counter after one more failure at `now`, for a subject that was open: locked when the
 * count reaches the policy's threshold, for its duration or (duration null) until an admin
 * unlocks. Callers never count an attempt made while locked or throttled: they refuse it.
 */
export function counterAfterFailure(
  counter: FailureCounter | undefined,
  now: number,
  lockout: { readonly threshold: number; readonly durationMinutes: number | null },
): FailureCounter {
  const served =
    counter !== undefined && counter.lockedUntil !== null && now >= counter.lockedUntil;
  const failures = counter && !served ? counter.failures + 1 : 1;
  const locks = failures >= lockout.threshold;
  const byAdminOnly = locks && lockout.durationMinutes === null;
  return {
    failures,
    lastFailureAt: now,
    lockedUntil: locks && !byAdminOnly ? now + (lockout.durationMinutes ?? 0) * 60_000 : null,
    lockedByAdminOnly: byAdminOnly,
  };
}
