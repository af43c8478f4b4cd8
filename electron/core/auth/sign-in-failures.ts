import { USERNAME_MAX_LENGTH } from '../../../common/identity/username';
import { truncateCodePoints } from '../../../common/text/canonical-text';
import type { AccountRepository, AccountRow } from '../accounts/account-repository';
import type { AuditLog } from '../audit/audit-log';
import type { Db } from '../db/database';
import { KeyholderError } from '../errors';
import type { PolicyService } from '../policy/policy.service';
import type { LockoutTracker } from './lockout';

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
  | 'offline_limit';

/** Key used for names that are not even valid usernames: they share one counter. */
const INVALID_NAME_KEY = '(invalid)';

/**
 * Records failed sign-ins: the counter, the lock it may cause, and the audit entries, in one
 * transaction (an attempt that cannot be audited is refused all the same, but nothing is
 * half-written). Also the gate in front of every attempt.
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
    const state = this.d.lockout.check(username || INVALID_NAME_KEY, now);
    if (state.state === 'open') return;
    onLocked?.();
    const account = this.d.accounts.byUsername(username);
    const reason = state.state === 'locked' ? 'locked' : 'throttled';
    this.audit(
      username,
      account,
      reason,
      state.state === 'locked' ? { until: state.until } : { retryAt: state.retryAt },
    );
    if (state.state === 'locked') {
      throw new KeyholderError(
        'account_locked',
        state.until === null
          ? 'Too many failed attempts. This account is locked until a manager unlocks it.'
          : 'Too many failed attempts. This account is locked for now; try again later or ask a manager to unlock it.',
        { retryAt: state.until, retryAfterMs: state.until === null ? null : state.until - now },
      );
    }
    throw new KeyholderError('throttled', 'Too many attempts. Wait a moment, then try again.', {
      retryAt: state.retryAt,
      retryAfterMs: state.retryAt - now,
    });
  }

  /** A failed factor: counts towards the lock. */
  record(
    username: string | null,
    account: AccountRow | null,
    reason: FailureReason,
    now: number,
  ): void {
    const key = username || INVALID_NAME_KEY;
    // Unknown names use the crew policy, so they lock like a real crew account.
    const policy = this.d.policies.forRole(account?.role ?? 'viewer');
    this.d.db.transaction(() => {
      const result = this.d.lockout.recordFailure(key, now, policy);
      this.audit(key, account, reason, { failures: result.failures });
      if (result.lockedNow) {
        this.d.audit.append({
          action: 'auth.lockout',
          target: account ? { id: account.id, name: account.username } : { id: '', name: key },
          outcome: 'success',
          details: { failures: result.failures, until: result.until },
        });
      }
    })();
  }

  /** A refusal that is not a wrong factor (disabled, clock, bounds): audited, not counted. */
  refuse(account: AccountRow, reason: FailureReason, details: Record<string, unknown> = {}): void {
    this.audit(account.username, account, reason, details);
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
      outcome: reason === 'locked' || reason === 'throttled' ? 'denied' : 'failure',
      details: { reason, ...details },
    });
  }
}
