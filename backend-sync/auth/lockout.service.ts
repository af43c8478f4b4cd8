import { sql, type CompiledQuery, type Kysely, type QueryExecutorProvider } from 'kysely';
import {
  counterAfterFailure,
  lockStateOf as lockStateOfCounter,
  type FailureCounter,
  type LockState,
} from '../../common/auth/lockout-schedule';
import type { EffectivePolicy } from '../../common/policy';
import { statement } from '../db/compiled';
import type { Dialect } from '../db/dialect';
import type { DB, SignInFailuresTable } from '../db/schema';

/**
 * Clearing a subject's counter (and its lock): a success, an admin's unlock, a reset someone
 * was allowed to make. One statement, for both ways it runs: `resetQuery` in the statement
 * runner (the sign-in's success), `reset` and `liftLockoutIn` in a transaction.
 */
const clearCounter = statement('delete from sign_in_failures where subject = ?');

export type { LockState };

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

/** The lock a failures row puts on its subject at `now` (no row: open): the shared rule. */
export function lockStateOf(row: SignInFailuresTable | undefined, now: number): LockState {
  return lockStateOfCounter(counterOf(row), now);
}

function counterOf(row: SignInFailuresTable | undefined): FailureCounter | undefined {
  return (
    row && {
      failures: Number(row.failures),
      lastFailureAt: Number(row.last_failed_at),
      lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
      lockedByAdminOnly: Number(row.locked_by_admin) === 1,
    }
  );
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
  await clearCounter.run(tx, [subject]);
  return lockStateOf(row, now).state === 'locked';
}

/** An attempt counted before its password was checked (`claimAttempt`). */
export interface ClaimedAttempt {
  failures: number;
  /** True when this attempt's count started a lock. */
  lockedNow: boolean;
  until: number | null;
}

/** The row after one more failure at `now` (common/auth/lockout-schedule.ts). */
function afterFailure(
  row: SignInFailuresTable | undefined,
  subject: string,
  now: number,
  policy: EffectivePolicy,
): SignInFailuresTable {
  const next = counterAfterFailure(counterOf(row), now, policy.lockout);
  return {
    subject,
    failures: next.failures,
    last_failed_at: next.lastFailureAt,
    locked_until: next.lockedUntil,
    locked_by_admin: next.lockedByAdminOnly ? 1 : 0,
  };
}

/** Tries of a claim before it gives up and refuses (each lost race means another attempt counted). */
const CLAIM_TRIES = 8;

/**
 * Failed sign-in bookkeeping with the desktop's rules (common/auth/lockout-schedule.ts, which
 * electron/core/auth/lockout.ts applies too): a progressive delay after two failures, a lock at
 * the policy's threshold for its duration (or until an admin unlocks), counters persisted so a
 * restart lifts nothing.
 *
 * Invariants: an attempt while locked or throttled is refused before any password check and
 * changes nothing, so it cannot extend the lock; a served lock starts the count afresh. Every
 * count is a compare-and-set on the counter as last read, retried on the fresh one, so
 * concurrent failures are all counted and none can move an existing lock's end.
 */
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
    const outcome = await this.countIf(subject, row, now, policy, this.db, (state) => state);
    if ('refused' in outcome) return outcome;
    return { claimed: outcome.counted };
  }

  /** `claimAttempt` on the counter as it is now (flows that have not read it with the user). */
  async claimNow(
    subject: string,
    now: number,
    policy: EffectivePolicy,
  ): Promise<{ claimed: ClaimedAttempt } | { refused: LockState }> {
    return this.claimAttempt(subject, await this.read(subject, this.db), now, policy);
  }

  /**
   * One failure counted, on the counter as it is (no lock state read before: a failed factor
   * after a check that passed, e.g. a wrong code after a right password). An attempt made
   * while locked changes nothing; one within the delay still counts (it was checked).
   */
  async recordFailure(
    subject: string,
    now: number,
    policy: EffectivePolicy,
    executor: Kysely<DB> = this.db,
  ): Promise<FailureResult> {
    const row = await this.read(subject, executor);
    const outcome = await this.countIf(subject, row, now, policy, executor, (state) =>
      state.state === 'locked' ? state : { state: 'open' },
    );
    if ('counted' in outcome) return outcome.counted;
    const current = await this.read(subject, executor);
    return {
      failures: Number(current?.failures ?? 0),
      lockedNow: false,
      until: current?.locked_until ? Number(current.locked_until) : null,
    };
  }

  /**
   * Counts one failure by compare-and-set on the counter as `row` read it, retrying on the
   * fresh counter when another request counted meanwhile (on any instance, either database),
   * unless `gate` turns the state it finds into a refusal. The rule is the shared one
   * (common/auth/lockout-schedule.ts); the write is the only place it is decided.
   */
  private async countIf(
    subject: string,
    row: SignInFailuresTable | undefined,
    now: number,
    policy: EffectivePolicy,
    executor: Kysely<DB>,
    gate: (state: LockState) => LockState,
  ): Promise<{ counted: ClaimedAttempt } | { refused: LockState }> {
    let seen = row;
    for (let tries = 0; tries < CLAIM_TRIES; tries++) {
      const state = gate(lockStateOf(seen, now));
      if (state.state !== 'open') return { refused: state };
      const next = afterFailure(seen, subject, now, policy);
      if (await this.compareAndSet(seen, next, executor)) {
        const locked = next.locked_by_admin === 1 || next.locked_until !== null;
        return {
          counted: { failures: next.failures, lockedNow: locked, until: next.locked_until },
        };
      }
      seen = await this.read(subject, executor);
    }
    // Lost every race: others are counting on this subject right now; theirs are the attempts.
    return { refused: { state: 'throttled', retryAt: now + 1_000 } };
  }

  /** Writes `next` only if the counter is still `seen` (or still absent). */
  private async compareAndSet(
    seen: SignInFailuresTable | undefined,
    next: SignInFailuresTable,
    executor: Kysely<DB>,
  ): Promise<boolean> {
    if (!seen) {
      const inserted = await executor
        .insertInto('sign_in_failures')
        .values(next)
        .onConflict((oc) => oc.column('subject').doNothing())
        .returning('subject')
        .executeTakeFirst();
      return inserted !== undefined;
    }
    const updated = await executor
      .updateTable('sign_in_failures')
      .set(next)
      .where('subject', '=', next.subject)
      .where('failures', '=', seen.failures)
      .where('last_failed_at', '=', seen.last_failed_at)
      .where((eb) =>
        seen.locked_until === null
          ? eb('locked_until', 'is', null)
          : eb('locked_until', '=', seen.locked_until),
      )
      .where('locked_by_admin', '=', seen.locked_by_admin)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  private async read(
    subject: string,
    executor: Kysely<DB>,
  ): Promise<SignInFailuresTable | undefined> {
    const fresh = await executor
      .selectFrom('sign_in_failures')
      .selectAll()
      .where('subject', '=', subject)
      .executeTakeFirst();
    return (
      fresh && {
        subject: fresh.subject,
        failures: Number(fresh.failures),
        last_failed_at: Number(fresh.last_failed_at),
        locked_until: fresh.locked_until === null ? null : Number(fresh.locked_until),
        locked_by_admin: Number(fresh.locked_by_admin),
      }
    );
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

  /** Clears the counter: a successful sign-in, or an admin's unlock. */
  async reset(subject: string, executor: QueryExecutorProvider = this.db): Promise<boolean> {
    const r = await clearCounter.run(executor, [subject]);
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
