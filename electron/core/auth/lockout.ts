import type { EffectivePolicy } from '../../../common/policy/policy';
import {
  counterAfterFailure,
  lockStateOf,
  throttleDelayMs,
  type FailureCounter,
  type LockState,
} from '../../../common/auth/lockout-schedule';
import type { Db } from '../db/database';

// The rules (delay schedule, lock state, the count after a failure) are shared with the sync
// server in common/auth/lockout-schedule.ts; re-exported for existing callers.
export { throttleDelayMs };
export type { LockState };

interface Row {
  failures: number;
  last_failure_at: number;
  locked_until: number | null;
  locked_by_admin_only: number;
}

/**
 * An attempt counted before its factor was checked (see `count`). Holds what the row was
 * before and what the count made of it, so a right answer can take exactly its own part back.
 */
export interface CountedAttempt {
  readonly username: string;
  readonly before: Readonly<Row> | null;
  readonly after: Readonly<Row>;
  /** The threshold of the policy the attempt was counted under. */
  readonly threshold: number;
  /** This count reached the threshold and set the lock. */
  readonly lockedNow: boolean;
}

/**
 * Failed sign-in bookkeeping per normalised username (known or not), persisted so that a
 * restart neither forgets failures nor lifts a lock. All times are trusted time.
 *
 * Invariants: an attempt while locked or throttled is refused before any password check and
 * changes nothing (so it cannot extend the lock); a lock lasts the policy's duration from the
 * failure that caused it, or until a manager/admin unlocks when the policy says so.
 *
 * Count first, verify after: an attempt whose factor takes time to check (argon2) is counted
 * as a failure BEFORE the check, in the transaction that ran the gate, and a right answer
 * takes its count back afterwards. So the row always shows the state as if every attempt still
 * being checked were wrong, the lock included: a count that reaches the threshold locks at
 * once, and only a right answer lifts that lock again (when what remains is below the
 * threshold). Consequences: attempts in parallel see each other's counts, so the progressive
 * delay and the lock hold for them as for attempts one after another; an attempt whose verdict
 * is never written (a crash, a disk that filled meanwhile) stays counted; and a store that
 * cannot be written refuses the attempt before the factor is looked at.
 */
export class LockoutTracker {
  constructor(private readonly db: Db) {}

  check(username: string, now: number): LockState {
    return lockStateOf(counterOf(this.row(username)), now);
  }

  /**
   * Counts one failure, locking when the count reaches the policy's threshold. Call inside the
   * transaction that checked `check` (and that audits it). For a factor checked synchronously
   * this is the whole record; for one checked after an await, it is the provisional count that
   * `takeBack` undoes when the factor was right.
   */
  count(username: string, now: number, policy: EffectivePolicy): CountedAttempt {
    const before = this.row(username) ?? null;
    const { threshold } = policy.lockout;
    const next = counterAfterFailure(counterOf(before ?? undefined), now, policy.lockout);
    const lock = next.lockedUntil !== null || next.lockedByAdminOnly;
    const after: Row = {
      failures: next.failures,
      last_failure_at: next.lastFailureAt,
      locked_until: next.lockedUntil,
      locked_by_admin_only: next.lockedByAdminOnly ? 1 : 0,
    };
    this.write(username, after);
    return { username, before, after, threshold, lockedNow: lock };
  }

  /**
   * Undoes the provisional count of an attempt whose factor was right. When the row is still
   * exactly as that count left it, the row before the attempt comes back (last failure time
   * included, so a right password does not delay the next step); when other attempts counted
   * since, only this one's failure comes off, and the lock with it once the rest is below the
   * threshold. A row reset meanwhile (a sign-in completed, a manager unlocked) stays reset.
   */
  takeBack(attempt: CountedAttempt): void {
    const row = this.row(attempt.username);
    if (!row) return;
    if (sameRow(row, attempt.after)) {
      if (attempt.before) this.write(attempt.username, attempt.before);
      else this.reset(attempt.username);
      return;
    }
    const failures = Math.max(0, row.failures - 1);
    const lockStands = failures >= attempt.threshold;
    const next: Row = lockStands
      ? { ...row, failures }
      : { ...row, failures, locked_until: null, locked_by_admin_only: 0 };
    if (failures === 0 && next.locked_until === null && next.locked_by_admin_only === 0)
      this.reset(attempt.username);
    else this.write(attempt.username, next);
  }

  /** Whether the lock this attempt's count set is still in place (not lifted or reset since). */
  stillLockedBy(attempt: CountedAttempt): boolean {
    if (!attempt.lockedNow) return false;
    const row = this.row(attempt.username);
    return (
      row !== undefined &&
      row.locked_until === attempt.after.locked_until &&
      row.locked_by_admin_only === attempt.after.locked_by_admin_only
    );
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

  private write(username: string, row: Row): void {
    this.db
      .prepare(
        `INSERT INTO sign_in_failures (username, failures, last_failure_at, locked_until, locked_by_admin_only)
         VALUES (@username, @failures, @last_failure_at, @locked_until, @locked_by_admin_only)
         ON CONFLICT(username) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at,
           locked_until = excluded.locked_until, locked_by_admin_only = excluded.locked_by_admin_only`,
      )
      .run({ username, ...row });
  }

  private row(username: string): Row | undefined {
    return this.db
      .prepare(
        'SELECT failures, last_failure_at, locked_until, locked_by_admin_only FROM sign_in_failures WHERE username = ?',
      )
      .get(username) as Row | undefined;
  }
}

function counterOf(row: Readonly<Row> | undefined): FailureCounter | undefined {
  return (
    row && {
      failures: row.failures,
      lastFailureAt: row.last_failure_at,
      lockedUntil: row.locked_until,
      lockedByAdminOnly: row.locked_by_admin_only === 1,
    }
  );
}

function sameRow(a: Readonly<Row>, b: Readonly<Row>): boolean {
  return (
    a.failures === b.failures &&
    a.last_failure_at === b.last_failure_at &&
    a.locked_until === b.locked_until &&
    a.locked_by_admin_only === b.locked_by_admin_only
  );
}
