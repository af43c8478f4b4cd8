import { evaluatePassword, passwordExpiresAt, type PasswordViolation } from '../../common/policy';
import type { Dialect } from '../db/dialect';
import type { StatementRunner } from '../db/statement-runner';
import { HttpError } from '../errors';
import {
  accountDisabled,
  invalidCredentials,
  passwordRejected,
  temporaryPasswordExpired,
  twoFactorSetupRequired,
} from './auth-errors';
import { lockoutSubject, type ClaimedAttempt } from './lockout.service';
import { ownPasswordColumns, preparePassword } from './own-password';
import { readUserAndCounter, USER_COLUMNS } from './sign-in-lookup';
import {
  checkPasswordCounted,
  clientDetails,
  recordSignInFailure,
  refuseUnlessOpen,
  type FailedUser,
  type FailureReason,
} from './sign-in-failures';
import { normalizeEmail } from './secret-tokens';
import type { ClientMeta, SessionTokens } from './token.service';
import type {
  ChangeReason,
  PasswordChangeRequiredDeps,
  PasswordChangeRequiredService,
} from './password-change-required.service';
import type { TotpSecretBox } from './totp-secret-box';
import { matchTotpStep, totpStepClaim } from './totp';

/** The database, clock, hasher, lockout, tokens, audit and policies, and: */
export interface SignInDeps extends PasswordChangeRequiredDeps {
  /** The sign-in's own statements are hand-compiled (db/compiled.ts) for this dialect… */
  dialect: Dialect;
  /** …and run by this (db/statement-runner.ts). */
  statements: StatementRunner;
  /** Opens the stored TOTP secrets (sealed at rest). */
  totpSecrets: TotpSecretBox;
  /** Where a sign-in with a temporary or expired password goes on. */
  passwordChanges: PasswordChangeRequiredService;
}

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
    const { user, counter } = await readUserAndCounter(this.d.statements, this.d.dialect, email);
    const subject = lockoutSubject(user, email);
    // Counted before the hash runs (issue of parallel guesses: each would otherwise be checked
    // on the count read before any of them failed). Unknown addresses use the admin policy.
    const claim = await this.d.lockout.claimAttempt(
      subject,
      counter,
      now,
      this.d.policyFor(user?.role ?? 'admin'),
    );
    if ('refused' in claim) {
      await refuseUnlessOpen(this.d, claim.refused, {
        subject,
        userId: user?.id ?? null,
        email,
        meta,
        now,
      });
      throw new Error('refuseUnlessOpen let a refused attempt through');
    }
    const counted = claim.claimed;

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
      return this.fail(
        subject,
        user,
        user ? 'bad_password' : 'unknown_user',
        email,
        meta,
        now,
        counted,
      );
    }
    if (user.totp_secret === null && user.status === 'active') {
      await this.d.lockout.takeBack(subject, counted);
      await this.d.audit.write({
        action: 'auth.sign_in',
        outcome: 'denied',
        targetId: user.id,
        details: { reason: 'two_factor_not_set_up', ...clientDetails(meta) },
      });
      this.onTwoFactorSetupNeeded?.(user.id, meta);
      throw twoFactorSetupRequired();
    }
    if (step === null) return this.fail(subject, user, 'bad_code', email, meta, now, counted);
    if (step <= user.totp_last_step)
      return this.fail(subject, user, 'replayed_code', email, meta, now, counted);
    if (user.status !== 'active') {
      await this.d.lockout.takeBack(subject, counted);
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
      await this.d.lockout.takeBack(subject, counted);
      // A manager's temporary password, set on a store PC, is past its hour here as on every PC.
      await this.d.audit.write({
        action: 'auth.sign_in',
        outcome: 'denied',
        targetId: user.id,
        details: { reason: 'temporary_password_expired', ...clientDetails(meta) },
      });
      throw temporaryPasswordExpired();
    }
    // A temporary or expired password: no session until the person has chosen a new one.
    const expiresAt =
      user.password_changed_at === null
        ? null
        : passwordExpiresAt(this.d.policyFor(user.role), Number(user.password_changed_at), true);
    const change: ChangeReason | null =
      user.must_change_password === 1
        ? 'temporary'
        : expiresAt !== null && now >= expiresAt
          ? 'expired'
          : null;
    if (change) {
      await this.d.lockout.takeBack(subject, counted);
      return this.d.passwordChanges.requireChange(user, step, subject, meta, change, () =>
        this.fail(subject, user, 'replayed_code', email, meta, now),
      );
    }

    const session = prepared ?? this.d.tokens.prepareFamily(user, meta, now);
    const dialect = this.d.dialect;
    // One transaction. Its first statement is the authorisation decision for the code: only one
    // request can move the step forward; the rest is written only if this one did.
    const committed = await this.d.statements.guardedWrite(totpStepClaim(dialect, user.id, step), [
      this.d.lockout.resetQuery(subject, dialect),
      ...this.d.tokens.storeFamilyQueries(session, dialect),
      this.d.audit.insertQuery(
        {
          action: 'auth.sign_in',
          outcome: 'success',
          actorId: user.id,
          targetId: user.id,
          details: { method: 'password+totp', ...clientDetails(meta) },
        },
        dialect,
      ),
    ]);
    // Lost the step to a concurrent request with the same code, whose success cleared the
    // counter (this attempt's claim with it): counted again, as the replay it is.
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
    // Counted before the hash runs, as at sign-in: parallel guesses meet the delay and the lock.
    const checked = await checkPasswordCounted(
      this.d,
      { subject, now, policy: this.d.policyFor(user.role) },
      (state) =>
        refuseUnlessOpen(this.d, state, { subject, userId: user.id, email: user.email, meta, now }),
      () => this.d.hasher.verify(user.password_hash, currentPassword),
    );
    if (!checked.right) {
      await recordSignInFailure(this.d, {
        subject,
        user,
        reason: 'bad_password',
        email: user.email,
        meta,
        now,
        action: 'password.change',
        counted: checked.counted,
      });
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

    const next = await preparePassword(this.d.hasher, newPassword);
    return this.d.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set(await ownPasswordColumns(trx, next, now))
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

  /** A failed factor of a sign-in: counted (or its claim confirmed), audited, refused. */
  private async fail(
    subject: string,
    user: FailedUser | undefined,
    reason: FailureReason,
    email: string,
    meta: ClientMeta,
    now: number,
    counted?: ClaimedAttempt,
  ): Promise<never> {
    await recordSignInFailure(this.d, {
      subject,
      user,
      reason,
      email,
      meta,
      now,
      action: 'auth.sign_in',
      counted,
    });
    throw invalidCredentials();
  }
}
