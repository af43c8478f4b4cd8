import { usernameSchema } from '../../../common/identity/username';
import type { AccountRepository, AccountRow } from '../accounts/account-repository';
import type { PasswordHasher } from '../accounts/password-hasher';
import { PasswordPolicyError, type PasswordService } from '../accounts/password.service';
import type { AuditLog } from '../audit/audit-log';
import type { Db } from '../db/database';
import type { DeviceService } from '../device/device.service';
import type { CredentialsService } from '../accounts/credentials.service';
import type { OfflineBounds } from '../device/offline-bounds';
import type { Signer, StoreKeyring } from '../integrity/store-keyring';
import type { StoreIntegrity } from '../integrity/store-integrity.service';
import { KeyholderError } from '../errors';
import type { PolicyService } from '../policy/policy.service';
import type { Clock } from '../time/clock';
import type { TrustedTime } from '../time/trusted-time';
import type { TotpService } from '../totp/totp.service';
import type { LockoutTracker } from './lockout';
import { PasswordVerdicts } from './password-verdicts';
import { SignInFailures } from './sign-in-failures';
import { SignInGates } from './sign-in-gates';
import {
  SignInChallenges,
  type Challenge,
  type SignInStep,
  type Stage,
} from './sign-in-challenges';
import type { SessionService } from './session.service';
import { queuePasswordChange } from '../sync/account-outbox';
import { recordEnrolment } from '../sync/totp-outbox';

export type { SignInStep } from './sign-in-challenges';

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
  credentials: CredentialsService;
  keyring: StoreKeyring;
}

/**
 * Offline sign-in: password, then the authentication code, then whatever must happen before a
 * session (forced password change, 2FA enrollment). Between steps the state is a challenge held
 * here in main; the UI only ever sees its random id.
 */
export class SignInService {
  private readonly challenges: SignInChallenges;
  private readonly failures: SignInFailures;
  private readonly gates: SignInGates;
  private readonly verdicts: PasswordVerdicts;

  constructor(private readonly d: SignInDeps) {
    this.failures = new SignInFailures(d);
    this.verdicts = new PasswordVerdicts(d.hasher);
    this.gates = new SignInGates({ ...d, failures: this.failures });
    this.challenges = new SignInChallenges({
      ...d,
      assertTrusted: (account) => this.gates.assertTrusted(account),
    });
  }

  async signIn(rawUsername: string, password: string): Promise<SignInStep> {
    const now = this.d.time.now();
    const parsed = usernameSchema.safeParse(rawUsername);
    const key = parsed.success ? parsed.data : null;
    this.gates.assertNotRevoked(key);
    const account = key ? this.d.accounts.byUsername(key) : null;
    // Before the password: a record changed outside Keyholder, or a store that cannot be
    // trusted, signs nobody in, whatever password is typed (invariant 9).
    if (account) this.gates.assertTrusted(account);
    else this.gates.assertStoreTrusted();
    let needsRehash = false;
    // Counted before the verdict is read (SignInFailures.verifyCounted): no answer without a
    // count, and parallel guesses meet the delay. The hash starts as the count is written
    // (`early`), so the two overlap. Unknown users cost one argon2id verify too, so timing does
    // not reveal who exists.
    const right = await this.failures.verifyCounted(
      key,
      account,
      account ? 'bad_password' : 'unknown_user',
      now,
      async () => {
        const verdict = await this.verdicts.start(account?.passwordHash ?? null, password);
        needsRehash = verdict.ok && verdict.needsRehash;
        return account !== null && verdict.ok;
      },
      undefined,
      true,
    );
    if (!account || !right) throw invalidCredentials();
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
    this.gates.assertTimeAndBounds(account, now);
    if (needsRehash) await this.upgradeHash(account, password, now);
    const c = this.challenges.create(account);
    // A password that must change now, or an authenticator to enrol: the key signs the change
    // (common/identity/credential), derived while the password is at hand (one more argon2id,
    // for these sign-ins only).
    const policy = this.d.policies.forRole(account.role);
    if (
      this.d.passwords.changeReason(account, policy, now) ||
      (policy.totp.required && !account.totpSecret)
    )
      c.credential = await this.d.credentials.keyOf(account, password);
    return this.advance(c);
  }

  /** A challenge for an account that has just proven its password (first run, unlock flows). */
  async startFor(account: AccountRow, signer?: Signer): Promise<SignInStep> {
    const c = this.challenges.create(account);
    if (signer) c.signer = signer;
    return this.advance(c);
  }

  async submitCode(challengeId: string, code: string): Promise<SignInStep> {
    const c = this.challenges.get(challengeId, 'totp');
    const now = this.d.time.now();
    this.failures.assertOpen(c.username, now, () => this.challenges.delete(c.id));
    const account = this.challenges.mustAccount(c);
    const result = this.d.totp.match(account, code, now);
    if (!result.ok) {
      this.challenges.wrongCode(c);
      const reason = result.reason === 'replayed' ? 'replayed_code' : 'bad_code';
      this.failures.record(c.username, account, reason, now);
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
    // The row just read and checked: nothing runs between here and `advance` (no await).
    return this.advance(
      c,
      () => {
        if (this.d.totp.claim(c.accountId, step)) return;
        throw new KeyholderError(
          'code_replayed',
          'That code has already been used. Wait for the next code and try again.',
        );
      },
      account,
    );
  }

  async submitRecoveryCode(challengeId: string, code: string): Promise<SignInStep> {
    const c = this.challenges.get(challengeId, 'totp');
    const now = this.d.time.now();
    const account = this.d.accounts.byId(c.accountId);
    // Each recovery code is an argon2 verify: counted first, like the password.
    const used = await this.failures.verifyCounted(
      c.username,
      account,
      'bad_recovery_code',
      now,
      () => this.d.totp.useRecoveryCode(c.accountId, code, now),
      () => this.challenges.delete(c.id),
    );
    if (!used) {
      this.challenges.wrongCode(c);
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
    const c = this.challenges.get(challengeId, 'password_change');
    const account = this.challenges.mustAccount(c);
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
      const key = c.credential;
      // The key this person holds on a standalone PC follows the new password.
      if (key) this.d.keyring.reseal(account.id, key, prepared.material.credential);
      queuePasswordChange(
        this.d.db,
        account,
        'password_changed',
        prepared.patch,
        prepared.material.credential,
        (storeId, change) =>
          key
            ? this.d.credentials.authorize(storeId, change, {
                id: account.id,
                signingKey: key.signingKey,
              })
            : undefined,
      );
      this.d.audit.append({
        actor: actorOf(account),
        action: 'password.change',
        target: actorOf(account),
        outcome: 'success',
        details: { reason },
      });
    })();
    // The key this person holds on a standalone PC, just sealed to the password they typed,
    // opens for the session this sign-in starts (no second prompt; unreadable: asked later).
    if (c.credential) c.signer = this.d.keyring.tryOpen(account.id, prepared.material);
    // An enrolment that follows is signed by the new password's key (the server has it first).
    c.credential = prepared.material;
    return this.advance(c);
  }

  async beginEnrollment(challengeId: string) {
    const c = this.challenges.get(challengeId, 'totp_enrollment');
    const account = this.challenges.mustAccount(c);
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
    const c = this.challenges.get(challengeId, 'totp_enrollment');
    const account = this.challenges.mustAccount(c);
    const now = this.d.time.now();
    if (
      !this.d.db.transaction(() => {
        const ok = this.d.totp.confirmEnrollment(account.id, code, now);
        if (ok) recordEnrolment(this.d, account, now, c.credential ?? null);
        return ok;
      })()
    ) {
      this.challenges.wrongCode(c);
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
   * `checked`: the account as `mustAccount` read and checked it in this same synchronous turn.
   */
  private advance(c: Challenge, claim?: () => void, checked?: AccountRow): SignInStep {
    // A revocation learned while this sign-in was under way stops it at its next step.
    this.gates.assertNotRevoked(c.username, () => this.challenges.delete(c.id));
    const account = checked ?? this.challenges.mustAccount(c);
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
          rules: this.d.passwords.rules(account, policy),
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
    if (c.signer) this.d.keyring.remember(session.sessionId, c.signer);
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

  private async upgradeHash(account: AccountRow, password: string, now: number): Promise<void> {
    // A connected PC's hash is the server's signed one: the server upgrades it at its own sign-in.
    if (account.signedRecord !== null) return;
    const passwordHash = await this.d.hasher.hash(password);
    this.d.accounts.update(account.id, { passwordHash, updatedAt: now });
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
