import { USERNAME_MAX_LENGTH } from '../../../common/identity/username';
import { truncateCodePoints } from '../../../common/text/canonical-text';
import type { AccountRepository, AccountRow } from '../accounts/account-repository';
import type { AuditLog } from '../audit/audit-log';
import type { Db } from '../db/database';
import { lightCommit } from '../db/database';
import { writingStore } from '../db/storage-faults';
import { KeyholderError } from '../errors';
import type { PolicyService } from '../policy/policy.service';
import type { CountedAttempt, LockoutTracker } from './lockout';

export type FailureReason =
  | 'unknown_user'
  | 'bad_password'
  | 'bad_code'
  | 'replayed_code'
  | 'bad_recovery_code'
  | 'locked'
  | 'throttled'
  | 'account_disabled'
  | 'temporary_password_expired'
  | 'clock_problem'
  | 'offline_limit'
  | 'device_revoked'
  | 'record_untrusted';

/** Key used for names that are not even valid usernames: they share one counter. */
const INVALID_NAME_KEY = '(invalid)';

/**
 * Records failed sign-ins: the counter, the lock it may cause, and the audit entries, in one
 * transaction (an attempt that cannot be audited is refused all the same, but nothing is
 * half-written). Also the gate in front of every attempt.
 *
 * Fail closed on storage faults: every write here turns a full or read-only disk into
 * `store_unwritable`, so an attempt that cannot be counted is refused rather than answered.
 */
export class SignInFailures {
  constructor(
    private readonly d: {
      db: Db;
      accounts: AccountRepository;
      lockout: LockoutTracker;
      audit: AuditLog;
      policies: PolicyService;
    },
  ) {}

  /**
   * Refuses the attempt while the name is locked or in its progressive delay. Refused attempts
   * are audited but counted nowhere, so they cannot extend a lock.
   */
  assertOpen(username: string, now: number, onLocked?: () => void): void {
    const refusal = writingStore(() => this.gate(username || INVALID_NAME_KEY, now));
    if (!refusal) return;
    onLocked?.();
    throw refusal;
  }

  /**
   * Checks a factor that takes time to check (an argon2 hash) with the count-first rule of
   * LockoutTracker: the gate and a provisional failure in one transaction BEFORE `check`'s
   * verdict is read, then, after it, the failure confirmed (audited, and the lock audited when
   * this count set it) or the count taken back. Returns whether the factor was right.
   *
   * `early`: `check` is started once the gate lets the attempt through, inside the transaction
   * that counts it, so the hash runs on the hasher's thread while this one commits the count;
   * only for a check without side effects (a password verify), since its verdict may be dropped
   * unread when the count cannot be committed.
   *
   * A store that cannot be written refuses with `store_unwritable` before `check` runs; a
   * verdict that cannot be written refuses the same way whichever it was, so no answer tells a
   * right factor from a wrong one without the attempt being counted. When `check` throws, the
   * attempt stays counted.
   */
  async verifyCounted(
    username: string | null,
    account: AccountRow | null,
    reason: FailureReason,
    now: number,
    check: () => Promise<boolean>,
    onLocked?: () => void,
    early = false,
  ): Promise<boolean> {
    const key = username || INVALID_NAME_KEY;
    const policy = this.policyFor(account);
    let started: Promise<boolean> | null = null;
    // The count proves the store can record this attempt before the password is looked at, and
    // lets parallel attempts see each other. It skips the fsync: the answer to a wrong password
    // waits for its failure to be committed durably (`confirm`), and a count lost to a power cut
    // before that happened was of an attempt nobody learned the answer to.
    const counted = writingStore(() =>
      lightCommit(this.d.db, () =>
        this.d.db.transaction(() => {
          const refusal = this.gate(key, now);
          if (refusal) return refusal;
          if (early) started = unreadIfDropped(check());
          return this.d.lockout.count(key, now, policy);
        })(),
      ),
    );
    if (counted instanceof KeyholderError) {
      onLocked?.();
      throw counted;
    }
    const right = await (started ?? check());
    writingStore(() => {
      if (!right) return this.d.db.transaction(() => this.confirm(counted, account, reason))();
      // Taking a count back need not survive a power cut either: lost, it leaves one failure
      // too many counted (stricter, never looser).
      return lightCommit(this.d.db, () =>
        this.d.db.transaction(() => this.d.lockout.takeBack(counted))(),
      );
    });
    return right;
  }

  /** A failed factor checked synchronously (gate, check and this in one turn): counts it. */
  record(
    username: string | null,
    account: AccountRow | null,
    reason: FailureReason,
    now: number,
  ): void {
    const key = username || INVALID_NAME_KEY;
    const policy = this.policyFor(account);
    writingStore(() =>
      this.d.db.transaction(() =>
        this.confirm(this.d.lockout.count(key, now, policy), account, reason),
      )(),
    );
  }

  /** A refusal that is not a wrong factor (disabled, clock, bounds): audited, not counted. */
  refuse(account: AccountRow, reason: FailureReason, details: Record<string, unknown> = {}): void {
    writingStore(() => this.audit(account.username, account, reason, details));
  }

  /**
   * A refusal before any factor was looked at (this PC was revoked): audited under the name
   * that was typed, counted nowhere.
   */
  refuseName(username: string | null, reason: FailureReason): void {
    const key = username || INVALID_NAME_KEY;
    const account = username ? this.d.accounts.byUsername(username) : null;
    writingStore(() => this.audit(key, account, reason, {}));
  }

  /**
   * The error for a locked or throttled name, its refusal audited (one statement, which commits
   * with the caller's transaction if there is one); null when the name may try.
   */
  private gate(key: string, now: number): KeyholderError | null {
    const state = this.d.lockout.check(key, now);
    if (state.state === 'open') return null;
    const account = this.d.accounts.byUsername(key);
    if (state.state === 'locked') {
      this.audit(key, account, 'locked', { until: state.until });
      return new KeyholderError(
        'account_locked',
        state.until === null
          ? 'Too many failed attempts. This account is locked until a manager unlocks it.'
          : 'Too many failed attempts. This account is locked for now; try again later or ask a manager to unlock it.',
        { retryAt: state.until, retryAfterMs: state.until === null ? null : state.until - now },
      );
    }
    this.audit(key, account, 'throttled', { retryAt: state.retryAt });
    return new KeyholderError('throttled', 'Too many attempts. Wait a moment, then try again.', {
      retryAt: state.retryAt,
      retryAfterMs: state.retryAt - now,
    });
  }

  /** The audit entries of a counted failure (call inside the transaction that counted it). */
  private confirm(attempt: CountedAttempt, account: AccountRow | null, reason: FailureReason) {
    this.audit(attempt.username, account, reason, { failures: attempt.after.failures });
    if (this.d.lockout.stillLockedBy(attempt)) {
      this.d.audit.append({
        action: 'auth.lockout',
        target: account
          ? { id: account.id, name: account.username }
          : { id: '', name: attempt.username },
        // A lock is a refusal, not something that went well: filtering failures must find it.
        outcome: 'failure',
        details: { failures: attempt.after.failures, until: attempt.after.locked_until },
      });
    }
  }

  /** Unknown names use the crew policy, so they lock like a real crew account. */
  private policyFor(account: AccountRow | null) {
    return this.d.policies.forRole(account?.role ?? 'viewer');
  }

  private audit(
    name: string,
    account: AccountRow | null,
    reason: FailureReason,
    details: Record<string, unknown>,
  ): void {
    // An unknown name is a normalised username (up to 64 code points, some of them two UTF-16
    // units) or INVALID_NAME_KEY: cut on code points, never between the halves of a pair.
    this.d.audit.append({
      action: 'auth.sign_in',
      target: account
        ? { id: account.id, name: account.username }
        : { id: '', name: truncateCodePoints(name, USERNAME_MAX_LENGTH) },
      outcome:
        reason === 'locked' || reason === 'throttled' || reason === 'device_revoked'
          ? 'denied'
          : 'failure',
      details: { reason, ...details },
    });
  }
}

/** A verdict that may be dropped unread (the count failed): its rejection is nobody's error. */
function unreadIfDropped<T>(verdict: Promise<T>): Promise<T> {
  verdict.catch(() => undefined);
  return verdict;
}
