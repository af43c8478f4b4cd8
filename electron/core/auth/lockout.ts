import type { EffectivePolicy } from '../../../common/policy/policy';
import { throttleDelayMs } from '../../../common/auth/lockout-schedule';
import type { Db } from '../db/database';

// The delay schedule is shared with the sync server; re-exported for existing callers.
export { throttleDelayMs };

export type LockState =
  | { state: 'open' }
  | { state: 'throttled'; retryAt: number }
  | { state: 'locked'; until: number | null };

interface Row {
  failures: number;
  last_failure_at: number;
  locked_until: number | null;
  locked_by_admin_only: number;
}

/**
 * Failed sign-in bookkeeping per normalised username (known or not), persisted so that a
 * restart neither forgets failures nor lifts a lock. All times are trusted time.
 *
 * Invariants: an attempt while locked or throttled is refused before any password check and
 * changes nothing (so it cannot extend the lock); a lock lasts the policy's duration from the
 * failure that caused it, or until a manager/admin unlocks when the policy says so.
 */
export class LockoutTracker {
  constructor(private readonly db: Db) {}

  check(username: string, now: number): LockState {
    const row = this.row(username);
    if (!row) return { state: 'open' };
    if (row.locked_by_admin_only === 1) return { state: 'locked', until: null };
    if (row.locked_until !== null && now < row.locked_until)
      return { state: 'locked', until: row.locked_until };
    if (row.locked_until !== null) return { state: 'open' }; // lock served: next failure starts afresh
    const retryAt = row.last_failure_at + throttleDelayMs(row.failures);
    return now < retryAt ? { state: 'throttled', retryAt } : { state: 'open' };
  }

  /** Counts one failure; returns the lock it caused, if any. Call inside the audit transaction. */
  recordFailure(
    username: string,
    now: number,
    policy: EffectivePolicy,
  ): { lockedNow: boolean; failures: number; until: number | null } {
    const row = this.row(username);
    const lockServed =
      row?.locked_until !== null && row?.locked_until !== undefined && now >= row.locked_until;
    const failures = row && !lockServed ? row.failures + 1 : 1;
    const lock = failures >= policy.lockout.threshold;
    const byAdminOnly = lock && policy.lockout.durationMinutes === null;
    const until =
      lock && !byAdminOnly ? now + (policy.lockout.durationMinutes ?? 0) * 60_000 : null;
    this.db
      .prepare(
        `INSERT INTO sign_in_failures (username, failures, last_failure_at, locked_until, locked_by_admin_only)
         VALUES (@username, @failures, @now, @until, @admin)
         ON CONFLICT(username) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at,
           locked_until = excluded.locked_until, locked_by_admin_only = excluded.locked_by_admin_only`,
      )
      .run({ username, failures, now, until, admin: byAdminOnly ? 1 : 0 });
    return { lockedNow: lock, failures, until };
  }

  /** Clears the counter (successful sign-in, or a manager's unlock). */
  reset(username: string): boolean {
    return (
      this.db.prepare('DELETE FROM sign_in_failures WHERE username = ?').run(username).changes > 0
    );
  }

  isLocked(username: string, now: number): boolean {
    return this.check(username, now).state === 'locked';
  }

  private row(username: string): Row | undefined {
    return this.db
      .prepare(
        'SELECT failures, last_failure_at, locked_until, locked_by_admin_only FROM sign_in_failures WHERE username = ?',
      )
      .get(username) as Row | undefined;
  }
}
