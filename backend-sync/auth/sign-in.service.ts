import { sql, type Kysely } from 'kysely';
import { evaluatePassword, type PasswordViolation } from '../../common/policy';
import type { ServerClock } from '../app';
import { statement } from '../db/compiled';
import type { Dialect } from '../db/database';
import type { DB, UsersTable } from '../db/schema';
import { HttpError } from '../errors';
import { nextChangeSeq } from '../services/change-seq';
import type { ServerAudit } from '../services/server-audit';
import {
  accountDisabled,
  invalidCredentials,
  passwordRejected,
  temporaryPasswordExpired,
  twoFactorSetupRequired,
} from './auth-errors';
import { lockoutSubject, type LockoutService } from './lockout.service';
import {
  assertSignInOpen,
  clientDetails,
  recordSignInFailure,
  type FailedUser,
  type FailureReason,
} from './sign-in-failures';
import type { PasswordHasher } from './password-hasher';
import type { PolicyFor } from './policy-source';
import { normalizeEmail } from './secret-tokens';
import type { ClientMeta, SessionTokens, TokenService } from './token.service';
import type { TotpSecretBox } from './totp-secret-box';
import { matchTotpStep } from './totp';

export interface SignInDeps {
  db: Kysely<DB>;
  clock: ServerClock;
  hasher: PasswordHasher;
  lockout: LockoutService;
  tokens: TokenService;
  audit: ServerAudit;
  policyFor: PolicyFor;
  /** With the dialect, the sign-in transaction runs hand-compiled statements (db/compiled.ts). */
  dialect?: Dialect;
  /** Opens the stored TOTP secrets (sealed at rest). */
  totpSecrets: TotpSecretBox;
}

const claimStep = statement(
  'update users set totp_last_step = ? where id = ? and totp_last_step < ?',
);

const USER_COLUMNS = [
  'id',
  'email',
  'username',
  'display_name',
  'role',
  'status',
  'password_hash',
  'totp_secret',
  'totp_last_step',
] as const;

type SignInUser = Pick<UsersTable, (typeof USER_COLUMNS)[number]>;

/**
 * Password + TOTP sign-in and password change for server accounts.
 *
 * Unknown addresses go through the same steps as real ones — the lockout gate, one argon2id
 * verify (against a dummy hash), a counted failure and the same answer — so neither the message,
 * the lock nor the timing tells whether an account exists. Unknown addresses use the admin
 * policy's lockout, the role that signs in here. Every outcome is in server_audit.
 *
 * An active account without a TOTP key (its 2FA was reset, or never set up) is told so after
 * the right password — `two_factor_setup_required`, not counted as a failure — and gets a
 * fresh link to set it up (see `onTwoFactorSetupNeeded`). Nothing signs in without a code.
 */
export class SignInService {
  /**
   * Mails a person whose account has no 2FA a link to set it up (wired by the people services,
   * which own mail and one-time links; without them the refusal alone says what to do).
   */
  onTwoFactorSetupNeeded: ((userId: string, meta: ClientMeta) => void) | null = null;

  constructor(private readonly d: SignInDeps) {}

  async signIn(
    input: { email: string; password: string; totpCode: string },
    meta: ClientMeta,
  ): Promise<SessionTokens> {
    const now = this.d.clock.nowMs();
    const email = normalizeEmail(input.email);
    // A SQL template on this hot path (see token.service.ts): USER_COLUMNS and the end of a
    // temporary password.
    const [user] = (
      await sql<
        SignInUser & { temp_password_expires_at: number | string | null }
      >`select id, email, username, display_name, role, status, password_hash,
          totp_secret, totp_last_step, temp_password_expires_at
        from users where email = ${email}`.execute(this.d.db)
    ).rows;
    const subject = lockoutSubject(user, email);
    await this.assertOpen(subject, user?.id ?? null, email, meta, now);

    // The hash runs on the thread pool. Meanwhile the main thread does the work that does not
    // depend on its answer (the TOTP check, the new session's secrets and signed access token),
    // so only the commit and the answer remain once the hash is done. The code is checked for
    // every attempt, so timing still tells nothing about which factor was wrong; nothing
    // prepared here takes effect unless the transaction below commits.
    const verifying = this.d.hasher.verify(user?.password_hash ?? null, input.password);
    const step = user?.totp_secret
      ? matchTotpStep(this.d.totpSecrets.open(user.totp_secret), input.totpCode, now)
      : null;
    const prepared =
      user && step !== null && step > user.totp_last_step && user.status === 'active'
        ? this.d.tokens.prepareFamily(user, meta, now)
        : null;
    const passwordOk = await verifying;
    if (!user || !passwordOk) {
      return this.fail(subject, user, user ? 'bad_password' : 'unknown_user', email, meta, now);
    }
    if (user.totp_secret === null && user.status === 'active') {
      await this.d.audit.write({
        action: 'auth.sign_in',
        outcome: 'denied',
        targetId: user.id,
        details: { reason: 'two_factor_not_set_up', ...clientDetails(meta) },
      });
      this.onTwoFactorSetupNeeded?.(user.id, meta);
      throw twoFactorSetupRequired();
    }
    if (step === null) return this.fail(subject, user, 'bad_code', email, meta, now);
    if (step <= user.totp_last_step)
      return this.fail(subject, user, 'replayed_code', email, meta, now);
    if (user.status !== 'active') {
      // Both factors were right: saying "disabled" reveals nothing to a guesser. Not counted.
      await this.d.audit.write({
        action: 'auth.sign_in',
        outcome: 'denied',
        targetId: user.id,
        details: { reason: `account_${user.status}`, ...clientDetails(meta) },
      });
      throw accountDisabled();
    }
    const temporaryEnd = user.temp_password_expires_at;
    if (temporaryEnd !== null && now >= Number(temporaryEnd)) {
      // A manager's temporary password, set on a store PC, is past its hour here as on every PC.
      await this.d.audit.write({
        action: 'auth.sign_in',
        outcome: 'denied',
        targetId: user.id,
        details: { reason: 'temporary_password_expired', ...clientDetails(meta) },
      });
      throw temporaryPasswordExpired();
    }

    const session = prepared ?? this.d.tokens.prepareFamily(user, meta, now);
    const committed = await this.d.db.transaction().execute(async (trx) => {
      // The authorisation decision for the code: only one request can move the step forward.
      const claimed = this.d.dialect
        ? await trx.executeQuery(claimStep(this.d.dialect, [step, user.id, step]))
        : await sql`update users set totp_last_step = ${step}
            where id = ${user.id} and totp_last_step < ${step}`.execute(trx);
      if (Number(claimed.numAffectedRows) !== 1) return false;
      await this.d.lockout.reset(subject, trx);
      await this.d.tokens.storeFamily(session, trx);
      await this.d.audit.write(
        {
          action: 'auth.sign_in',
          outcome: 'success',
          actorId: user.id,
          targetId: user.id,
          details: { method: 'password+totp', ...clientDetails(meta) },
        },
        trx,
      );
      return true;
    });
    return committed ? session.tokens : this.fail(subject, user, 'replayed_code', email, meta, now);
  }

  /** The signed-in person's own account, as shown to them. */
  async account(userId: string): Promise<{
    userId: string;
    email: string;
    displayName: string;
    role: 'admin' | 'manager' | 'viewer';
  }> {
    const u = await this.d.db
      .selectFrom('users')
      .select(['id', 'email', 'display_name', 'role'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    return { userId: u.id, email: u.email, displayName: u.display_name, role: u.role };
  }

  /**
   * Changes the signed-in person's password: the current one is re-verified (a wrong one
   * counts towards the lockout like a failed sign-in), the new one must pass the role's policy,
   * and every other session of the account is revoked in the same transaction.
   */
  async changePassword(
    principal: { userId: string; familyId: string },
    currentPassword: string,
    newPassword: string,
    meta: ClientMeta,
  ): Promise<{ revokedSessions: number }> {
    const now = this.d.clock.nowMs();
    const user = await this.d.db
      .selectFrom('users')
      .select(USER_COLUMNS)
      .where('id', '=', principal.userId)
      .executeTakeFirstOrThrow();
    const subject = lockoutSubject(user, user.email);
    await this.assertOpen(subject, user.id, user.email, meta, now);
    if (!(await this.d.hasher.verify(user.password_hash, currentPassword))) {
      await this.recordFailure(
        subject,
        user,
        'bad_password',
        user.email,
        meta,
        now,
        'password.change',
      );
      throw new HttpError(400, 'invalid_current_password', 'The current password is not right.');
    }
    const evaluation = evaluatePassword(newPassword, this.d.policyFor(user.role), {
      email: user.email,
      username: user.username,
      displayName: user.display_name,
    });
    const violations: PasswordViolation[] = [...evaluation.violations];
    if (newPassword === currentPassword) violations.push({ code: 'reused', count: 1 });
    if (violations.length > 0) throw passwordRejected(violations);

    const hash = await this.d.hasher.hash(newPassword);
    return this.d.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({
          password_hash: hash,
          password_changed_at: now,
          temp_password_expires_at: null,
          updated_at: now,
          change_seq: await nextChangeSeq(trx, 'users'),
        })
        .where('id', '=', user.id)
        .execute();
      const revokedSessions = await this.d.tokens.revokeAllFor(user.id, 'password_change', {
        except: principal.familyId,
        executor: trx,
      });
      await this.d.lockout.reset(subject, trx);
      await this.d.audit.write(
        {
          action: 'password.change',
          outcome: 'success',
          actorId: user.id,
          targetId: user.id,
          details: { revokedSessions, ...clientDetails(meta) },
        },
        trx,
      );
      return { revokedSessions };
    });
  }

  /** Refuses (and audits, without counting) an attempt while locked or in the delay. */
  private assertOpen(
    subject: string,
    userId: string | null,
    email: string,
    meta: ClientMeta,
    now: number,
  ): Promise<void> {
    return assertSignInOpen(this.d, { subject, userId, email, meta, now });
  }

  private async fail(
    subject: string,
    user: FailedUser | undefined,
    reason: FailureReason,
    email: string,
    meta: ClientMeta,
    now: number,
  ): Promise<never> {
    await this.recordFailure(subject, user, reason, email, meta, now, 'auth.sign_in');
    throw invalidCredentials();
  }

  private recordFailure(
    subject: string,
    user: FailedUser | undefined,
    reason: FailureReason,
    email: string,
    meta: ClientMeta,
    now: number,
    action: 'auth.sign_in' | 'password.change',
  ): Promise<void> {
    return recordSignInFailure(this.d, { subject, user, reason, email, meta, now, action });
  }
}
