import { passwordExpiresAt } from '../../../common/policy/policy';
import type { PasswordRules } from '../../../common/policy';
import type { AuditRecord } from '../../../common/audit/audit-record';
import type { AuditLog } from '../audit/audit-log';
import type { SessionService, SessionView } from '../auth/session.service';
import type { SignInFailures } from '../auth/sign-in-failures';
import { invalidCredentials } from '../auth/sign-in.service';
import type { Db } from '../db/database';
import { KeyholderError } from '../errors';
import type { PolicyService } from '../policy/policy.service';
import type { StandaloneAuthority } from '../integrity/standalone-authority.service';
import type { StoreIntegrity } from '../integrity/store-integrity.service';
import type { StoreKeyring } from '../integrity/store-keyring';
import type { CredentialsService } from './credentials.service';
import type { TrustedTime } from '../time/trusted-time';
import type { EnrollmentStart, TotpService } from '../totp/totp.service';
import type { AccountRepository, AccountRow } from './account-repository';
import type { PasswordHasher } from './password-hasher';
import { PasswordPolicyError, type PasswordService } from './password.service';
import { queuePasswordChange } from '../sync/account-outbox';
import { dropTotpEnrolment, recordEnrolment } from '../sync/totp-outbox';
import type { CredentialMaterial } from '../crypto/credential-key';

export interface MyAccountOverview {
  username: string;
  displayName: string;
  email: string;
  role: AccountRow['role'];
  totpEnabled: boolean;
  totpRequired: boolean;
  recoveryCodesLeft: number;
  passwordChangedAt: number;
  passwordExpiresAt: number | null;
  /** What a new password is checked with (changePassword), for the form's live feedback. */
  passwordRules: PasswordRules;
}

/**
 * What signed-in people do to their own account. Sensitive changes ask for the current
 * password again (and a current code to turn 2FA off), and wrong answers count towards the
 * lockout like a sign-in.
 */
export class MyAccountService {
  /** Keys of enrolments begun and not yet confirmed, by account (memory only). */
  private readonly enrolling = new Map<string, CredentialMaterial | null>();

  constructor(
    private readonly d: {
      db: Db;
      accounts: AccountRepository;
      hasher: PasswordHasher;
      passwords: PasswordService;
      totp: TotpService;
      sessions: SessionService;
      audit: AuditLog;
      policies: PolicyService;
      time: TrustedTime;
      failures: SignInFailures;
      integrity: StoreIntegrity;
      credentials: CredentialsService;
      authority: StandaloneAuthority;
      keyring: StoreKeyring;
    },
  ) {}

  overview(sessionId: string): MyAccountOverview {
    const { account } = this.me(sessionId);
    const policy = this.d.policies.forRole(account.role);
    return {
      username: account.username,
      displayName: account.displayName,
      email: account.email,
      role: account.role,
      totpEnabled: account.totpSecret !== null,
      totpRequired: policy.totp.required,
      recoveryCodesLeft: this.d.totp.remainingRecoveryCodes(account.id),
      passwordChangedAt: account.passwordChangedAt,
      passwordExpiresAt: passwordExpiresAt(
        policy,
        account.passwordChangedAt,
        account.totpSecret !== null,
      ),
      passwordRules: this.d.passwords.rules(account, policy),
    };
  }

  async changePassword(sessionId: string, current: string, next: string): Promise<void> {
    const { session, account } = this.me(sessionId);
    // The current password's key signs the change (the server and other PCs check it).
    const key = await this.d.credentials.prove(account, current);
    const policy = this.d.policies.forRole(account.role);
    const violations = await this.d.passwords.check(account, next, policy);
    if (current === next) violations.push({ code: 'reused', count: 1 });
    if (violations.length) throw new PasswordPolicyError(violations);
    const now = this.d.time.now();
    const prepared = await this.d.passwords.prepare(account, next, now, false);
    this.d.db.transaction(() => {
      this.d.accounts.update(account.id, prepared.patch);
      this.d.accounts.addPasswordHistory(account.id, account.passwordHash, now);
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
      // The key this person holds on a standalone PC follows the new password.
      if (key) this.d.keyring.reseal(account.id, key, prepared.material.credential);
      this.d.audit.append({
        actor: ref(account),
        action: 'password.change',
        target: ref(account),
        outcome: 'success',
        details: { reason: 'self' },
      });
    })();
    // Other sessions of this person on this PC end; this one continues.
    this.d.sessions.endAllFor(account.id, 'password_changed', session.sessionId);
  }

  async beginTotpEnrollment(sessionId: string, password: string): Promise<EnrollmentStart> {
    const { account } = this.me(sessionId);
    // The key of the password signs the enrolment the server is sent (sync/totp-outbox.ts);
    // kept in memory until the code confirms it.
    const key = await this.d.credentials.prove(account, password);
    this.enrolling.set(account.id, key);
    if (account.totpSecret)
      throw new KeyholderError(
        'totp_already_enabled',
        'Two-step sign-in is already on. Turn it off first to move it to a new phone.',
      );
    const start = await this.d.totp.beginEnrollment(
      account.id,
      account.username,
      this.d.time.now(),
    );
    this.d.audit.append({ actor: ref(account), action: 'totp.enroll_start', outcome: 'success' });
    return start;
  }

  async confirmTotpEnrollment(
    sessionId: string,
    code: string,
  ): Promise<{ recoveryCodes: string[] }> {
    const { account } = this.me(sessionId);
    const ok = this.d.db.transaction(() => {
      const now = this.d.time.now();
      const confirmed = this.d.totp.confirmEnrollment(account.id, code, now);
      if (confirmed) recordEnrolment(this.d, account, now, this.enrolling.get(account.id) ?? null);
      return confirmed;
    })();
    if (!ok)
      throw new KeyholderError(
        'invalid_code',
        'That code is not right. Scan the QR code again or check the time on your phone.',
      );
    this.enrolling.delete(account.id);
    return { recoveryCodes: await this.newRecoveryCodes(account) };
  }

  async disableTotp(sessionId: string, password: string, code: string): Promise<void> {
    const { session, account } = this.me(sessionId);
    if (account.totpOrigin === 'server' && account.signedRecord !== null) {
      // The server's secret is in the signed record: turning it off here would only make the
      // record disagree. Only an admin's reset on the server removes it.
      throw new KeyholderError(
        'totp_managed',
        'Two-step sign-in for your account is managed by the sync server. Ask an administrator to reset it.',
      );
    }
    if (this.d.policies.forRole(account.role).totp.required) {
      throw new KeyholderError(
        'totp_required',
        'Your role requires two-step sign-in, so it cannot be turned off.',
      );
    }
    // A standalone PC's signed record holding the secret: only the store key signs the record
    // without it (an admin, with the password typed here); others ask a manager to reset it.
    const signed = this.signedSecret(account);
    if (signed && account.role !== 'admin') {
      throw new KeyholderError(
        'totp_managed',
        'Two-step sign-in for your account is kept in its signed record. Ask a manager to reset it (Staff).',
      );
    }
    if (signed) await this.d.authority.unlock(session, password);
    else await this.provePassword(account, password);
    const signer = signed ? this.d.authority.signer(session.sessionId) : null;
    const now = this.d.time.now();
    const check = this.d.totp.verify(account, code, now);
    if (!check.ok) {
      this.d.failures.record(
        account.username,
        account,
        check.reason === 'replayed' ? 'replayed_code' : 'bad_code',
        now,
      );
      throw new KeyholderError('invalid_code', 'That code is not right.');
    }
    this.d.db.transaction(() => {
      const version = signer ? this.d.authority.write(signer, account, { totpSecret: null }) : null;
      this.d.totp.disable(account.id, now);
      dropTotpEnrolment(this.d.db, account.id);
      this.d.audit.append({
        actor: ref(account),
        action: 'totp.disable',
        target: ref(account),
        outcome: 'success',
        ...(version === null ? {} : { details: { recordVersion: version } }),
      });
    })();
  }

  /** Whether a standalone PC's signed record of the account holds its TOTP secret. */
  private signedSecret(account: AccountRow): boolean {
    const anchor = this.d.integrity.anchor();
    if (anchor?.kind !== 'store') return false;
    return (this.d.integrity.recordOf(anchor, account.signedRecord)?.totpSecret ?? null) !== null;
  }

  async regenerateRecoveryCodes(
    sessionId: string,
    password: string,
  ): Promise<{ recoveryCodes: string[] }> {
    const { account } = this.me(sessionId);
    await this.provePassword(account, password);
    if (!account.totpSecret)
      throw new KeyholderError('totp_not_enabled', 'Turn on two-step sign-in first.');
    return { recoveryCodes: await this.newRecoveryCodes(account) };
  }

  signInHistory(sessionId: string, limit = 50): AuditRecord[] {
    const { account } = this.me(sessionId);
    return this.d.audit.query({ person: account.id, action: 'auth.sign_in', limit }).entries;
  }

  sessions(sessionId: string): SessionView[] {
    const { account } = this.me(sessionId);
    return this.d.sessions.listFor(account.id);
  }

  /** Unlocks a locked session with the password; failures count like sign-in failures. */
  async unlockSession(sessionId: string, password: string): Promise<SessionView> {
    const session = this.d.sessions.get(sessionId);
    const account = this.d.accounts.byId(session.accountId);
    if (!account || account.status !== 'active') {
      this.d.sessions.end(sessionId, 'account_disabled');
      throw new KeyholderError('session_ended', 'You are signed out. Sign in again.');
    }
    // A locked session unlocks only against the record the server signed.
    this.d.integrity.assertAccount(account);
    await this.provePassword(account, password);
    this.d.audit.append({ actor: ref(account), action: 'auth.session_unlock', outcome: 'success' });
    return this.d.sessions.markUnlocked(sessionId);
  }

  private async newRecoveryCodes(account: AccountRow): Promise<string[]> {
    return this.d.totp.generateRecoveryCodes(account.id, (count) =>
      this.d.audit.append({
        actor: ref(account),
        action: 'recovery_codes.generate',
        target: ref(account),
        outcome: 'success',
        details: { count },
      }),
    );
  }

  /**
   * The current password again (change password, 2FA, recovery codes, session unlock and
   * resume). Counted before the hash is checked, like a sign-in (SignInFailures.verifyCounted):
   * parallel guesses meet the delay, and a store that cannot record a failure answers nothing.
   */
  private async provePassword(account: AccountRow, password: string): Promise<void> {
    const right = await this.d.failures.verifyCounted(
      account.username,
      account,
      'bad_password',
      this.d.time.now(),
      async () => (await this.d.hasher.verify(account.passwordHash, password)).ok,
    );
    if (!right) throw invalidCredentials();
  }

  private me(sessionId: string): { session: SessionView; account: AccountRow } {
    const session = this.d.sessions.requireActive(sessionId);
    const account = this.d.accounts.byId(session.accountId);
    if (!account || account.status !== 'active')
      throw new KeyholderError('session_ended', 'You are signed out. Sign in again.');
    this.d.integrity.assertAccount(account);
    return { session, account };
  }
}

function ref(a: AccountRow): { id: string; name: string } {
  return { id: a.id, name: a.username };
}
