import { randomUUID } from 'node:crypto';
import type { Role } from '../../../common/policy/policy';
import { usernameSchema } from '../../../common/identity/username';
import type { AuditLog } from '../audit/audit-log';
import type { LockoutTracker } from '../auth/lockout';
import type { SessionService, SessionView } from '../auth/session.service';
import type { Db } from '../db/database';
import { KeyholderError } from '../errors';
import type { Authorizer } from '../rbac/authorizer';
import type { StoreIntegrity } from '../integrity/store-integrity.service';
import type { DeviceService } from '../device/device.service';
import type { TrustedTime } from '../time/trusted-time';
import type { TotpService } from '../totp/totp.service';
import type { AccountRepository, AccountRow } from './account-repository';
import type { CredentialMaterial } from '../crypto/credential-key';
import type { StandaloneAuthority } from '../integrity/standalone-authority.service';
import type { Signer, StoreKeyring } from '../integrity/store-keyring';
import { credentialMissing, type CredentialsService } from './credentials.service';
import { StaffGuard } from './staff-guard';
import { StaffRecords } from './staff-records';
import { generateTemporaryPassword, type PasswordService } from './password.service';
import { queuePasswordChange } from '../sync/account-outbox';

/** What the UI may know about a staff account: no hashes, no secrets. */
export interface StaffSummary {
  id: string;
  username: string;
  displayName: string;
  email: string;
  role: Role;
  status: 'active' | 'disabled';
  totpEnabled: boolean;
  locked: boolean;
  mustChangePassword: boolean;
  lastSignInAt: number | null;
  createdAt: number;
}

export interface NewStaff {
  username: string;
  displayName: string;
  email: string;
  role: Role;
}

/**
 * A manager's or admin's work on other people's accounts. Every method: active session,
 * permission + rank check (managers act on crew only), the change and its audit entry in one
 * transaction. The manager never chooses or sees a user's own password: only a random,
 * one-hour temporary one, shown once.
 */
export class StaffService {
  constructor(
    private readonly d: {
      db: Db;
      accounts: AccountRepository;
      passwords: PasswordService;
      totp: TotpService;
      lockout: LockoutTracker;
      sessions: SessionService;
      audit: AuditLog;
      authz: Authorizer;
      time: TrustedTime;
      integrity: StoreIntegrity;
      credentials: CredentialsService;
      authority: StandaloneAuthority;
      keyring: StoreKeyring;
      device: DeviceService;
    },
  ) {
    this.records = new StaffRecords(d);
    this.checks = new StaffGuard(d);
  }

  private readonly records: StaffRecords;
  private readonly checks: StaffGuard;

  list(sessionId: string, search = ''): StaffSummary[] {
    const me = this.d.sessions.requireActive(sessionId);
    this.d.authz.require(me, 'staff.read');
    const now = this.d.time.now();
    return this.d.accounts.list(search.trim().slice(0, 100)).map((a) => this.summary(a, now));
  }

  async create(
    sessionId: string,
    input: NewStaff,
  ): Promise<{ account: StaffSummary; temporaryPassword: string }> {
    const me = this.checks.creating(sessionId, input);
    const parsed = usernameSchema.safeParse(input.username);
    if (!parsed.success)
      throw new KeyholderError(
        'invalid_username',
        'Usernames are 3–64 letters, digits, dots, dashes, underscores or @.',
      );
    if (this.d.accounts.byUsername(parsed.data))
      throw new KeyholderError('username_taken', 'That username is already in use.');
    const signer = this.records.signerFor(me);
    const now = this.d.time.now();
    const temporaryPassword = generateTemporaryPassword();
    const prepared = await this.d.passwords.prepare(null, temporaryPassword, now, true);
    const account: AccountRow = {
      id: randomUUID(),
      username: parsed.data,
      displayName: input.displayName.trim(),
      email: input.email.trim(),
      role: input.role,
      status: 'active',
      passwordHash: prepared.passwordHash,
      passwordChangedAt: now,
      mustChangePassword: true,
      tempPasswordExpiresAt: prepared.patch.tempPasswordExpiresAt,
      totpSecret: null,
      totpEnabledAt: null,
      totpLastStep: 0,
      totpPendingSecret: null,
      totpPendingAt: null,
      createdAt: now,
      updatedAt: now,
      lastSignInAt: null,
      serverVersion: 0,
      totpOrigin: 'local',
      signedRecord: null,
    };
    this.d.db.transaction(() => {
      if (this.d.accounts.byUsername(account.username))
        throw new KeyholderError('username_taken', 'That username is already in use.');
      this.d.accounts.insert(account);
      const version = signer
        ? this.records.created(signer, account, prepared.material.credential)
        : null;
      this.d.audit.append({
        actor: actor(me),
        action: 'account.create',
        target: ref(account),
        outcome: 'success',
        details: { role: account.role, ...recorded(version) },
      });
    })();
    return { account: this.summary(account, now), temporaryPassword };
  }

  setStatus(sessionId: string, accountId: string, status: 'active' | 'disabled'): StaffSummary {
    const action = status === 'disabled' ? 'disable' : 'enable';
    const { me, target } = this.checks.guard(sessionId, accountId, action);
    if (target.status === status) return this.summary(target, this.d.time.now());
    if (status === 'disabled') this.assertNotLastAdmin(target);
    const signer = this.records.signerFor(me);
    const now = this.d.time.now();
    this.d.db.transaction(() => {
      const version = signer ? this.records.changed(signer, target, { status }) : null;
      this.d.accounts.update(target.id, { status, updatedAt: now });
      this.d.audit.append({
        actor: actor(me),
        action: status === 'disabled' ? 'account.disable' : 'account.enable',
        target: ref(target),
        outcome: 'success',
        details: { before: target.status, after: status, ...recorded(version) },
      });
    })();
    if (status === 'disabled') this.d.sessions.endAllFor(target.id, 'account_disabled');
    return this.refreshed(target.id);
  }

  /**
   * A temporary password for someone this person manages. Asks for the manager's own password:
   * its key signs the change, so the server and the store's other PCs can tell a manager gave
   * it (common/identity/credential.ts), and a wrong one counts like a failed sign-in.
   */
  async resetPassword(
    sessionId: string,
    accountId: string,
    password: string,
  ): Promise<{ account: StaffSummary; temporaryPassword: string; unlocked: boolean }> {
    const { me, target } = this.checks.guard(sessionId, accountId, 'reset_password');
    const mine = this.d.accounts.byId(me.accountId);
    if (!mine) throw new KeyholderError('session_ended', 'You are signed out. Sign in again.');
    this.d.integrity.assertAccount(mine);
    // A standalone PC: the password opens the manager's key, which signs the new record. A
    // connected one: its key signs the change the server is sent.
    let key: CredentialMaterial | null = null;
    let signer: Signer | null = null;
    if (this.d.authority.signs(me)) {
      await this.d.authority.unlock(me, password);
      signer = this.records.signerFor(me);
    } else {
      key = await this.d.credentials.prove(mine, password);
      if (!key && this.d.credentials.current(target) !== null) throw credentialMissing();
    }
    const now = this.d.time.now();
    const temporaryPassword = generateTemporaryPassword();
    const prepared = await this.d.passwords.prepare(target, temporaryPassword, now, true);
    let unlocked = false;
    this.d.db.transaction(() => {
      const version = signer
        ? this.records.passwordReset(
            signer,
            target,
            {
              passwordHash: prepared.passwordHash,
              passwordChangedAt: now,
              mustChangePassword: true,
              tempPasswordExpiresAt: prepared.patch.tempPasswordExpiresAt,
            },
            prepared.material.credential,
          )
        : null;
      this.d.accounts.update(target.id, prepared.patch);
      this.d.accounts.addPasswordHistory(target.id, target.passwordHash, now);
      queuePasswordChange(
        this.d.db,
        target,
        'password_reset',
        prepared.patch,
        prepared.material.credential,
        (storeId, change) =>
          key
            ? this.d.credentials.authorize(storeId, change, {
                id: mine.id,
                signingKey: key.signingKey,
              })
            : undefined,
      );
      this.d.audit.append({
        actor: actor(me),
        action: 'password.temporary_issued',
        target: ref(target),
        outcome: 'success',
        details: { expiresAt: prepared.patch.tempPasswordExpiresAt, ...recorded(version) },
      });
      unlocked = this.liftLockout(me, target, now);
    })();
    this.d.sessions.endAllFor(target.id, 'password_changed');
    return { account: this.refreshed(target.id), temporaryPassword, unlocked };
  }

  /**
   * Inside a password reset's transaction: the reset lifts the lockout (counter and lock,
   * common/auth/lockout-schedule.ts, UNLOCK_REASONS), so the temporary password works at once.
   * Only reached after the reset's own checks (permission, rank, the manager's password), so it
   * opens nothing those would not. Audited as an unlock when there was a lock to lift.
   */
  private liftLockout(me: SessionView, target: AccountRow, now: number): boolean {
    const wasLocked = this.d.lockout.isLocked(target.username, now);
    this.d.lockout.reset(target.username);
    if (!wasLocked) return false;
    this.d.audit.append({
      actor: actor(me),
      action: 'account.unlock',
      target: ref(target),
      outcome: 'success',
      details: { wasLocked, reason: 'password_reset' },
    });
    return true;
  }

  unlock(sessionId: string, accountId: string): StaffSummary {
    const { me, target } = this.checks.guard(sessionId, accountId, 'unlock');
    this.d.db.transaction(() => {
      const wasLocked = this.d.lockout.isLocked(target.username, this.d.time.now());
      this.d.lockout.reset(target.username);
      this.d.audit.append({
        actor: actor(me),
        action: 'account.unlock',
        target: ref(target),
        outcome: 'success',
        details: { wasLocked },
      });
    })();
    return this.refreshed(target.id);
  }

  resetTwoFactor(sessionId: string, accountId: string): StaffSummary {
    const { me, target } = this.checks.guard(sessionId, accountId, 'reset_2fa');
    const signer = this.records.signerFor(me);
    const now = this.d.time.now();
    this.d.db.transaction(() => {
      const version = signer ? this.records.changed(signer, target, { totpSecret: null }) : null;
      this.d.totp.disable(target.id, now);
      this.d.audit.append({
        actor: actor(me),
        action: 'totp.reset',
        target: ref(target),
        outcome: 'success',
        details: recorded(version),
      });
    })();
    this.d.sessions.endAllFor(target.id, 'password_changed');
    return this.refreshed(target.id);
  }

  changeRole(sessionId: string, accountId: string, role: Role): StaffSummary {
    const { me, target } = this.checks.guard(sessionId, accountId, 'change_role');
    if (target.role === role) return this.summary(target, this.d.time.now());
    if (target.role === 'admin') this.assertNotLastAdmin(target);
    const signer = this.records.signerFor(me);
    const now = this.d.time.now();
    this.d.db.transaction(() => {
      const version = signer ? this.records.changed(signer, target, { role }) : null;
      this.d.accounts.update(target.id, { role, updatedAt: now });
      this.d.audit.append({
        actor: actor(me),
        action: 'account.role_change',
        target: ref(target),
        outcome: 'success',
        details: { before: target.role, after: role, ...recorded(version) },
      });
    })();
    this.d.sessions.endAllFor(target.id, 'role_changed');
    return this.refreshed(target.id);
  }

  private assertNotLastAdmin(target: AccountRow): void {
    if (target.role !== 'admin' || target.status !== 'active') return;
    const admins = this.d.accounts
      .list()
      .filter((a) => a.role === 'admin' && a.status === 'active');
    if (admins.length <= 1)
      throw new KeyholderError(
        'last_admin',
        'This is the last active administrator. Add another administrator first.',
      );
  }

  private refreshed(id: string): StaffSummary {
    const a = this.d.accounts.byId(id);
    if (!a) throw new KeyholderError('not_found', 'That account does not exist.');
    return this.summary(a, this.d.time.now());
  }

  private summary(a: AccountRow, now: number): StaffSummary {
    return {
      id: a.id,
      username: a.username,
      displayName: a.displayName,
      email: a.email,
      role: a.role,
      status: a.status,
      totpEnabled: a.totpSecret !== null,
      locked: this.d.lockout.isLocked(a.username, now),
      mustChangePassword: a.mustChangePassword,
      lastSignInAt: a.lastSignInAt,
      createdAt: a.createdAt,
    };
  }
}

/** The signed record's version, for the audit entry (a standalone PC's floor). */
function recorded(version: number | null): Record<string, number> {
  return version === null ? {} : { recordVersion: version };
}

function actor(s: SessionView): { id: string; name: string } {
  return { id: s.accountId, name: s.username };
}
function ref(a: AccountRow): { id: string; name: string } {
  return { id: a.id, name: a.username };
}
