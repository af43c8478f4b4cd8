import { randomUUID } from 'node:crypto';
import { usernameSchema } from '../../../common/identity/username';
import type { AccountRepository, AccountRow } from '../accounts/account-repository';
import type { PasswordHasher } from '../accounts/password-hasher';
import { PasswordPolicyError, type PasswordService } from '../accounts/password.service';
import type { AuditLog } from '../audit/audit-log';
import type { Db } from '../db/database';
import type { DeviceService } from '../device/device.service';
import type { OfflineBounds } from '../device/offline-bounds';
import type { StoreIntegrity } from '../integrity/store-integrity.service';
import { KeyholderError } from '../errors';
import type { PolicyService } from '../policy/policy.service';
import type { Clock } from '../time/clock';
import type { TrustedTime } from '../time/trusted-time';
import type { TotpService } from '../totp/totp.service';
import type { LockoutTracker } from './lockout';
import { SignInFailures } from './sign-in-failures';
import type { SessionService, SessionView } from './session.service';
import { queuePasswordChange } from '../sync/account-outbox';

export type SignInStep =
  | {
      status: 'signed_in';
      session: SessionView;
      clockProblem: boolean;
      recoveryCodes?: string[];
      recoveryCodesLeft?: number;
    }
  | { status: 'needs_totp'; challengeId: string }
  | {
      status: 'needs_password_change';
      challengeId: string;
      reason: 'temporary' | 'required' | 'expired';
    }
  | { status: 'needs_totp_enrollment'; challengeId: string };

type Stage = 'totp' | 'password_change' | 'totp_enrollment';

export interface Challenge {
  readonly id: string;
  readonly accountId: string;
  readonly username: string;
  readonly createdMono: number;
  stage: Stage;
  totpPassed: boolean;
  method: 'password' | 'password+totp' | 'password+recovery_code';
  /** The TOTP step the code matched: recorded so the sync server can spot one code on two PCs. */
  totpStep?: number;
  wrongCodes: number;
  recoveryCodesLeft?: number;
}

const CHALLENGE_TTL_MS = 5 * 60_000;
const MAX_WRONG_CODES = 5;

export interface SignInDeps {
  db: Db;
  accounts: AccountRepository;
  hasher: PasswordHasher;
  passwords: PasswordService;
  totp: TotpService;
  lockout: LockoutTracker;
  sessions: SessionService;
  audit: AuditLog;
  policies: PolicyService;
  device: DeviceService;
  time: TrustedTime;
  clock: Clock;
  integrity: StoreIntegrity;
  bounds: OfflineBounds;
}

/**
 * Offline sign-in: password, then the authentication code, then whatever must happen before a
 * session (forced password change, 2FA enrollment). Between steps the state is a challenge held
 * here in main; the UI only ever sees its random id.
 */
export class SignInService {
  private readonly challenges = new Map<string, Challenge>();
  private readonly failures: SignInFailures;

  constructor(private readonly d: SignInDeps) {
    this.failures = new SignInFailures(d);
  }

  async signIn(rawUsername: string, password: string): Promise<SignInStep> {
    const now = this.d.time.now();
    const parsed = usernameSchema.safeParse(rawUsername);
    const key = parsed.success ? parsed.data : null;
    this.failures.assertOpen(key ?? '', now);
    const account = key ? this.d.accounts.byUsername(key) : null;
    // Before the password: a record changed outside Keyholder, or a store that cannot be
    // trusted, signs nobody in, whatever password is typed (invariant 9).
    if (account) this.assertTrusted(account);
    else this.assertStoreTrusted();
    // Unknown users cost one argon2id verify too, so timing does not reveal who exists.
    const verdict = await this.d.hasher.verify(
      account?.passwordHash ?? (await this.dummyHash()),
      password,
    );
    if (!account || !verdict.ok) {
      this.failures.record(key, account, account ? 'bad_password' : 'unknown_user', now);
      throw invalidCredentials();
    }
    if (account.status !== 'active') {
      this.failures.refuse(account, 'account_disabled');
      throw new KeyholderError('account_disabled', 'This account is disabled. Ask your manager.');
    }
    if (account.tempPasswordExpiresAt !== null && now >= account.tempPasswordExpiresAt) {
      this.failures.refuse(account, 'temporary_password_expired');
      throw new KeyholderError(
        'temporary_password_expired',
        'Your temporary password has expired. Ask your manager for a new one.',
      );
    }
    this.assertTimeAndBounds(account, now);
    if (verdict.needsRehash) await this.upgradeHash(account, password, now);
    return this.advance(this.newChallenge(account));
  }

  /** A challenge for an account that has just proven its password (first run, unlock flows). */
  async startFor(account: AccountRow): Promise<SignInStep> {
    return this.advance(this.newChallenge(account));
  }

  async submitCode(challengeId: string, code: string): Promise<SignInStep> {
    const c = this.challenge(challengeId, 'totp');
    const now = this.d.time.now();
    this.failures.assertOpen(c.username, now, () => this.challenges.delete(c.id));
    const result = this.d.totp.match(this.mustAccount(c), code, now);
    if (!result.ok) {
      this.wrongCode(c);
      this.failures.record(
        c.username,
        this.d.accounts.byId(c.accountId),
        result.reason === 'replayed' ? 'replayed_code' : 'bad_code',
        now,
      );
      throw result.reason === 'replayed'
        ? new KeyholderError(
            'code_replayed',
            'That code has already been used. Wait for the next code and try again.',
          )
        : new KeyholderError(
            'invalid_code',
            'That code is not right. Check the time on your phone and try again.',
          );
    }
    c.totpPassed = true;
    c.method = 'password+totp';
    // The step is claimed in the same transaction as the session (one commit, one decision).
    const step = result.step;
    c.totpStep = step;
    return this.advance(c, () => {
      if (this.d.totp.claim(c.accountId, step)) return;
      throw new KeyholderError(
        'code_replayed',
        'That code has already been used. Wait for the next code and try again.',
      );
    });
  }

  async submitRecoveryCode(challengeId: string, code: string): Promise<SignInStep> {
    const c = this.challenge(challengeId, 'totp');
    const now = this.d.time.now();
    this.failures.assertOpen(c.username, now, () => this.challenges.delete(c.id));
    const account = this.d.accounts.byId(c.accountId);
    if (!(await this.d.totp.useRecoveryCode(c.accountId, code, now))) {
      this.wrongCode(c);
      this.failures.record(c.username, account, 'bad_recovery_code', now);
      throw new KeyholderError(
        'invalid_recovery_code',
        'That recovery code is not valid or has been used.',
      );
    }
    c.totpPassed = true;
    c.method = 'password+recovery_code';
    c.recoveryCodesLeft = this.d.totp.remainingRecoveryCodes(c.accountId);
    this.d.audit.append({
      actor: actorOf(account),
      action: 'recovery_code.use',
      outcome: 'success',
      details: { remaining: c.recoveryCodesLeft },
    });
    return this.advance(c);
  }

  async submitNewPassword(challengeId: string, newPassword: string): Promise<SignInStep> {
    const c = this.challenge(challengeId, 'password_change');
    const account = this.mustAccount(c);
    const now = this.d.time.now();
    const policy = this.d.policies.forRole(account.role);
    const reason = this.d.passwords.changeReason(account, policy, now);
    const violations = await this.d.passwords.check(account, newPassword, policy);
    if ((await this.d.hasher.verify(account.passwordHash, newPassword)).ok)
      violations.push({ code: 'reused', count: 1 });
    if (violations.length) throw new PasswordPolicyError(violations);
    const prepared = await this.d.passwords.prepare(account, newPassword, now, false);
    this.d.db.transaction(() => {
      this.d.accounts.update(account.id, prepared.patch);
      this.d.accounts.addPasswordHistory(account.id, account.passwordHash, now);
      queuePasswordChange(this.d.db, account, 'password_changed', prepared.patch);
      this.d.audit.append({
        actor: actorOf(account),
        action: 'password.change',
        target: actorOf(account),
        outcome: 'success',
        details: { reason },
      });
    })();
    return this.advance(c);
  }

  async beginEnrollment(challengeId: string) {
    const c = this.challenge(challengeId, 'totp_enrollment');
    const account = this.mustAccount(c);
    const start = await this.d.totp.beginEnrollment(
      account.id,
      account.username,
      this.d.time.now(),
    );
    this.d.audit.append({
      actor: actorOf(account),
      action: 'totp.enroll_start',
      outcome: 'success',
    });
    return start;
  }

  async confirmEnrollment(challengeId: string, code: string): Promise<SignInStep> {
    const c = this.challenge(challengeId, 'totp_enrollment');
    const account = this.mustAccount(c);
    const now = this.d.time.now();
    if (
      !this.d.db.transaction(() => {
        const ok = this.d.totp.confirmEnrollment(account.id, code, now);
        if (ok)
          this.d.audit.append({
            actor: actorOf(account),
            action: 'totp.enroll',
            target: actorOf(account),
            outcome: 'success',
          });
        return ok;
      })()
    ) {
      this.wrongCode(c);
      throw new KeyholderError(
        'invalid_code',
        'That code is not right. Scan the QR code again or check the time on your phone.',
      );
    }
    const codes = await this.d.totp.generateRecoveryCodes(account.id, (count) =>
      this.d.audit.append({
        actor: actorOf(account),
        action: 'recovery_codes.generate',
        target: actorOf(account),
        outcome: 'success',
        details: { count },
      }),
    );
    c.totpPassed = true;
    c.method = 'password+totp';
    const step = await this.advance(c);
    return step.status === 'signed_in' ? { ...step, recoveryCodes: codes } : step;
  }

  /** Drops a challenge (the user pressed Cancel). */
  cancel(challengeId: string): void {
    this.challenges.delete(challengeId);
  }

  /**
   * The next step of a challenge, or the session. `claim` (a TOTP step) runs in the same
   * transaction as whatever this step writes; when nothing else is written it commits alone.
   */
  private advance(c: Challenge, claim?: () => void): SignInStep {
    const account = this.mustAccount(c);
    const now = this.d.time.now();
    const policy = this.d.policies.forRole(account.role);
    if (account.totpSecret && !c.totpPassed)
      return this.at(c, 'totp', { status: 'needs_totp', challengeId: c.id });
    const early = (step: SignInStep): SignInStep => {
      if (claim) this.d.db.transaction(claim)();
      return step;
    };
    const reason = this.d.passwords.changeReason(account, policy, now);
    if (reason)
      return early(
        this.at(c, 'password_change', {
          status: 'needs_password_change',
          challengeId: c.id,
          reason,
        }),
      );
    if (policy.totp.required && !account.totpSecret) {
      return early(
        this.at(c, 'totp_enrollment', { status: 'needs_totp_enrollment', challengeId: c.id }),
      );
    }
    this.challenges.delete(c.id);
    const clockProblem = !this.d.time.status().ok;
    const pending = this.d.db.transaction(() => {
      claim?.();
      this.d.lockout.reset(c.username);
      this.d.accounts.update(account.id, { lastSignInAt: now });
      this.d.device.recordSignIn();
      this.d.time.persist();
      const created = this.d.sessions.create(
        { id: account.id, name: account.username, role: account.role, username: account.username },
        account.displayName,
        policy,
      );
      this.d.audit.append({
        actor: actorOf(account),
        action: 'auth.sign_in',
        outcome: 'success',
        details: {
          method: c.method,
          ...(c.method === 'password+totp' && c.totpStep !== undefined
            ? { totpStep: c.totpStep }
            : {}),
          ...(clockProblem ? { clockProblem } : {}),
        },
      });
      return created;
    })();
    const session = this.d.sessions.activate(pending);
    return {
      status: 'signed_in',
      session,
      clockProblem,
      ...(c.recoveryCodesLeft !== undefined ? { recoveryCodesLeft: c.recoveryCodesLeft } : {}),
    };
  }

  private at(c: Challenge, stage: Stage, step: SignInStep): SignInStep {
    c.stage = stage;
    return step;
  }

  /** Clock problems and offline bounds are judged after the password, per role. */
  private assertTimeAndBounds(account: AccountRow, now: number): void {
    const time = this.d.time.status();
    // An admin may still sign in during a clock anomaly: someone has to confirm the time.
    if (!time.ok && account.role !== 'admin') {
      this.failures.refuse(account, 'clock_problem');
      throw new KeyholderError(
        'clock_problem',
        'This computer’s clock was set back, so sign-in is paused. Ask an administrator to confirm the time, or connect to the sync server.',
      );
    }
    const bound = this.d.bounds.violation(this.d.policies.forRole(account.role), now);
    if (bound) {
      this.failures.refuse(account, 'offline_limit', { bound: bound.kind });
      throw new KeyholderError(
        'offline_limit',
        bound.kind === 'hours'
          ? `This computer has not reached the sync server for more than ${bound.limitHours} hours. Connect it to the network, then sign in.`
          : bound.kind === 'sign_ins'
            ? `This computer has reached its limit of ${bound.limit} offline sign-ins. Connect it to the network, then sign in.`
            : 'This computer must reach the sync server before anyone signs in. Connect it to the network, then sign in.',
        { kind: bound.kind },
      );
    }
  }

  /** The account's record and the store can be relied on; else refused and audited. */
  private assertTrusted(account: AccountRow): void {
    try {
      this.d.integrity.assertAccount(account);
    } catch (error) {
      if (error instanceof KeyholderError)
        this.failures.refuse(account, 'record_untrusted', { code: error.code });
      throw error;
    }
  }

  private assertStoreTrusted(): void {
    const blocker = this.d.integrity.signInBlocker();
    if (blocker) throw blocker;
  }

  private async upgradeHash(account: AccountRow, password: string, now: number): Promise<void> {
    // A connected PC's hash is the server's signed one: the server upgrades it at its own sign-in.
    if (account.signedRecord !== null) return;
    const passwordHash = await this.d.hasher.hash(password);
    this.d.accounts.update(account.id, { passwordHash, updatedAt: now });
  }

  private newChallenge(account: AccountRow): Challenge {
    const c: Challenge = {
      id: randomUUID(),
      accountId: account.id,
      username: account.username,
      createdMono: this.d.clock.monotonicMs(),
      stage: 'totp',
      totpPassed: false,
      method: 'password',
      wrongCodes: 0,
    };
    this.challenges.set(c.id, c);
    return c;
  }

  private challenge(id: string, stage: Stage): Challenge {
    const c = this.challenges.get(id);
    if (!c || this.d.clock.monotonicMs() - c.createdMono > CHALLENGE_TTL_MS) {
      this.challenges.delete(id);
      throw new KeyholderError('challenge_expired', 'This sign-in has timed out. Start again.');
    }
    if (c.stage !== stage)
      throw new KeyholderError(
        'challenge_expired',
        'This sign-in step is not expected now. Start again.',
      );
    return c;
  }

  private wrongCode(c: Challenge): void {
    c.wrongCodes += 1;
    if (c.wrongCodes >= MAX_WRONG_CODES) this.challenges.delete(c.id);
  }

  /** The challenge's account, read again and checked (its record may have changed since). */
  private mustAccount(c: Challenge): AccountRow {
    const account = this.d.accounts.byId(c.accountId);
    if (!account || account.status !== 'active') {
      this.challenges.delete(c.id);
      throw new KeyholderError(
        'challenge_expired',
        'This sign-in is no longer valid. Start again.',
      );
    }
    try {
      this.assertTrusted(account);
    } catch (error) {
      this.challenges.delete(c.id);
      throw error;
    }
    return account;
  }

  private dummy: Promise<string> | null = null;
  private dummyHash(): Promise<string> {
    this.dummy ??= this.d.hasher.hash(randomUUID());
    return this.dummy;
  }
}

export function invalidCredentials(): KeyholderError {
  return new KeyholderError('invalid_credentials', 'The username or password is not right.');
}

export function actorOf(
  account: Pick<AccountRow, 'id' | 'username'> | null,
): { id: string; name: string } | null {
  return account ? { id: account.id, name: account.username } : null;
}
