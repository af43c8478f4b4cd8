import { sql, type CompiledQuery, type Kysely } from 'kysely';
import { throttleDelayMs } from '../../common/auth/lockout-schedule';
import type { EffectivePolicy } from '../../common/policy';
import { statement } from '../db/compiled';
import type { Dialect } from '../db/dialect';
import type { DB, SignInFailuresTable } from '../db/schema';

const clearCounter = statement('delete from sign_in_failures where subject = ?');

export type LockState =
  | { state: 'open' }
  | { state: 'throttled'; retryAt: number }
  | { state: 'locked'; until: number | null };

export interface FailureResult {
  failures: number;
  /** True only for the failure that started a lock. */
  lockedNow: boolean;
  until: number | null;
}

/** Counter key of an account, or of an address with no account (see SignInFailuresTable). */
export function lockoutSubject(user: { id: string } | undefined, email: string): string {
  return user ? `u:${user.id}` : `e:${email}`;
}

/**
 * Failed sign-in bookkeeping, the same rules as the desktop (electron/core/auth/lockout.ts):
 * a progressive delay after two failures, a lock at the policy's threshold for its duration
 * (or until an admin unlocks), counters persisted so a restart lifts nothing.
 *
 * Invariants: an attempt while locked or throttled is refused before any password check and
 * changes nothing, so it cannot extend the lock; a served lock starts the count afresh. The
 * counting is one atomic upsert, so concurrent failures are all counted and none can move an
 * existing lock's end.
 */
/** The lock a failures row puts on its subject at `now` (no row: open). */
export function lockStateOf(row: SignInFailuresTable | undefined, now: number): LockState {
  if (!row) return { state: 'open' };
  if (row.locked_by_admin === 1) return { state: 'locked', until: null };
  if (row.locked_until !== null && now < row.locked_until)
    return { state: 'locked', until: row.locked_until };
  if (row.locked_until !== null) return { state: 'open' }; // served: the next failure restarts at 1
  const retryAt = row.last_failed_at + throttleDelayMs(row.failures);
  return now < retryAt ? { state: 'throttled', retryAt } : { state: 'open' };
}

/**
 * Lifts an account's lockout (counter and lock) inside the caller's transaction, for a
 * password reset someone was allowed to make (common/auth/lockout-schedule.ts, UNLOCK_REASONS;
 * the store PC does the same in electron/core/accounts/staff.service.ts). Returns whether the
 * account was locked at `now`, for the caller's audit entry.
 */
export async function liftLockoutIn(tx: Kysely<DB>, userId: string, now: number): Promise<boolean> {
  const subject = lockoutSubject({ id: userId }, '');
  const row = await tx
    .selectFrom('sign_in_failures')
    .selectAll()
    .where('subject', '=', subject)
    .executeTakeFirst();
  if (!row) return false;
  await tx.deleteFrom('sign_in_failures').where('subject', '=', subject).execute();
  return lockStateOf(row, now).state === 'locked';
}

/** An attempt counted before its password was checked (`claimAttempt`). */
export interface ClaimedAttempt {
  failures: number;
  /** True when this attempt's count started a lock. */
  lockedNow: boolean;
  until: number | null;
}

/** The counter after one more failure at `now` (the rule `recordFailure` applies in SQL). */
function afterFailure(
  row: SignInFailuresTable | undefined,
  subject: string,
  now: number,
  policy: EffectivePolicy,
): SignInFailuresTable {
  const { threshold, durationMinutes } = policy.lockout;
  const served = row !== undefined && row.locked_until !== null && row.locked_until <= now;
  const failures = !row || served ? 1 : row.failures + 1;
  const locks = failures >= threshold;
  return {
    subject,
    failures,
    last_failed_at: now,
    locked_until: locks && durationMinutes !== null ? now + durationMinutes * 60_000 : null,
    locked_by_admin: locks && durationMinutes === null ? 1 : 0,
  };
}

/** Tries of a claim before it gives up and refuses (each lost race means another attempt counted). */
const CLAIM_TRIES = 8;

export class LockoutService {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Counts an attempt before its password is checked, if the subject is open at `now`: a
   * compare-and-set on the counter as `row` read it, so of attempts racing on one account (on
   * one instance or several, SQLite or PostgreSQL) each is decided on the count the others left,
   * and no more hashes run than the delay schedule and the lock allow. A refused attempt
   * changes nothing. After a right password the caller takes the count back (`takeBack`), or
   * clears the counter with its success.
   */
  async claimAttempt(
    subject: string,
    row: SignInFailuresTable | undefined,
    now: number,
    policy: EffectivePolicy,
  ): Promise<{ claimed: ClaimedAttempt } | { refused: LockState }> {
    let seen = row;
    for (let tries = 0; tries < CLAIM_TRIES; tries++) {
      const state = lockStateOf(seen, now);
      if (state.state !== 'open') return { refused: state };
      const next = afterFailure(seen, subject, now, policy);
      const written = seen
        ? Number(
            (
              await this.db
                .updateTable('sign_in_failures')
                .set(next)
                .where('subject', '=', subject)
                .where('failures', '=', seen.failures)
                .where('last_failed_at', '=', seen.last_failed_at)
                .where((eb) =>
                  seen!.locked_until === null
                    ? eb('locked_until', 'is', null)
                    : eb('locked_until', '=', seen!.locked_until),
                )
                .where('locked_by_admin', '=', seen.locked_by_admin)
                .executeTakeFirst()
            ).numUpdatedRows,
          ) === 1
        : (await this.db
            .insertInto('sign_in_failures')
            .values(next)
            .onConflict((oc) => oc.column('subject').doNothing())
            .returning('subject')
            .executeTakeFirst()) !== undefined;
      if (written) {
        const locked = next.locked_by_admin === 1 || next.locked_until !== null;
        return {
          claimed: { failures: next.failures, lockedNow: locked, until: next.locked_until },
        };
      }
      const fresh = await this.db
        .selectFrom('sign_in_failures')
        .selectAll()
        .where('subject', '=', subject)
        .executeTakeFirst();
      seen = fresh && {
        subject: fresh.subject,
        failures: Number(fresh.failures),
        last_failed_at: Number(fresh.last_failed_at),
        locked_until: fresh.locked_until === null ? null : Number(fresh.locked_until),
        locked_by_admin: Number(fresh.locked_by_admin),
      };
    }
    // Lost every race: others are counting on this account right now; theirs are the attempts.
    return { refused: { state: 'throttled', retryAt: now + 1_000 } };
  }

  /**
   * Takes back a claimed attempt whose password was right but that ends without a failure or a
   * success (a disabled account, 2FA to set up, a password to change): one count less, and the
   * lock it started, if it did, lifted. Never below zero.
   */
  async takeBack(subject: string, claim: ClaimedAttempt): Promise<void> {
    await this.db
      .updateTable('sign_in_failures')
      .set((eb) => ({
        failures: eb('failures', '-', 1),
        ...(claim.lockedNow ? { locked_until: null, locked_by_admin: 0 } : {}),
      }))
      .where('subject', '=', subject)
      .where('failures', '>', 0)
      .execute();
  }

  async check(subject: string, now: number): Promise<LockState> {
    // A SQL template: this runs before every sign-in (see token.service.ts on hot paths).
    const [row] = (
      await sql<SignInFailuresTable>`select subject, failures, last_failed_at, locked_until,
          locked_by_admin
        from sign_in_failures where subject = ${subject}`.execute(this.db)
    ).rows;
    return lockStateOf(row, now);
  }

  /** Which of `subjects` are locked now (one query: for a page of people in a list). */
  async lockedAmong(subjects: readonly string[], now: number): Promise<Set<string>> {
    if (subjects.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('sign_in_failures')
      .selectAll()
      .where('subject', 'in', [...subjects])
      .execute();
    return new Set(
      rows.filter((r) => lockStateOf(r, now).state === 'locked').map((r) => r.subject),
    );
  }

  /** Counts one failed factor for `subject`; returns the count and any lock it started. */
  async recordFailure(
    subject: string,
    now: number,
    policy: EffectivePolicy,
    executor: Kysely<DB> = this.db,
  ): Promise<FailureResult> {
    const { threshold, durationMinutes } = policy.lockout;
    const adminOnly = durationMinutes === null ? 1 : 0;
    const until = durationMinutes === null ? null : now + durationMinutes * 60_000;
    // SET expressions read the row as it was before this statement (both dialects).
    const lockedNow = sql`(sign_in_failures.locked_by_admin = 1 OR (sign_in_failures.locked_until IS NOT NULL AND sign_in_failures.locked_until > ${now}))`;
    const served = sql`(sign_in_failures.locked_until IS NOT NULL AND sign_in_failures.locked_until <= ${now})`;
    const next = sql`(CASE WHEN ${served} THEN 1 ELSE sign_in_failures.failures + 1 END)`;
    const result = await sql<{
      failures: number;
      locked_until: number | null;
      locked_by_admin: number;
    }>`
      INSERT INTO sign_in_failures (subject, failures, last_failed_at, locked_until, locked_by_admin)
      VALUES (${subject}, 1, ${now}, NULL, 0)
      ON CONFLICT (subject) DO UPDATE SET
        failures = CASE WHEN ${lockedNow} THEN sign_in_failures.failures ELSE ${next} END,
        last_failed_at = CASE WHEN ${lockedNow} THEN sign_in_failures.last_failed_at ELSE ${now} END,
        locked_until = CASE WHEN ${lockedNow} THEN sign_in_failures.locked_until
          WHEN ${next} >= ${threshold} THEN CAST(${until} AS BIGINT) ELSE NULL END,
        locked_by_admin = CASE WHEN ${lockedNow} THEN sign_in_failures.locked_by_admin
          WHEN ${next} >= ${threshold} THEN ${adminOnly} ELSE 0 END
      RETURNING failures, locked_until, locked_by_admin`.execute(executor);
    const row = result.rows[0];
    if (!row) throw new Error('sign-in failure not recorded');
    const failures = Number(row.failures);
    const locked = row.locked_by_admin === 1 || row.locked_until !== null;
    // A threshold is reached exactly once per lock: later attempts are refused before counting.
    return {
      failures,
      lockedNow: locked && failures === threshold,
      until: row.locked_until === null ? null : Number(row.locked_until),
    };
  }

  /** Clears the counter: a successful sign-in, or an admin's unlock. */
  async reset(subject: string, executor: Kysely<DB> = this.db): Promise<boolean> {
    const r = await sql`delete from sign_in_failures where subject = ${subject}`.execute(executor);
    return Number(r.numAffectedRows) > 0;
  }

  /** `reset` as one compiled statement, for a caller that runs its own transaction. */
  resetQuery(subject: string, dialect: Dialect): CompiledQuery {
    return clearCounter(dialect, [subject]);
  }

  /** Lifts a lock on an account (for the admin "unlock" action). */
  unlock(userId: string): Promise<boolean> {
    return this.reset(lockoutSubject({ id: userId }, ''));
  }
}
