import { twoFactorSetupRequired } from '../auth/auth-errors';
import { normalizeEmail } from '../auth/secret-tokens';
import type { ClientMeta } from '../auth/token.service';
import { liftLockoutIn } from '../auth/lockout.service';
import { assertNewPassword, preparePassword, setOwnPassword } from '../auth/own-password';
import { claimTotpStep, matchTotpStep } from '../auth/totp';
import type { AccountLang } from './account-words';
import { issueAudited } from './mailed-secrets';
import { invalidOneTimeCode, type Credential } from './one-time-codes';
import { clientOf, type PeopleDeps } from './people-deps';
import {
  invalidTotp,
  PERSON_COLUMNS,
  RecoveryLookup,
  stringField,
  via,
  type Person,
} from './recovery-lookup';

/** Resend a reset mail to one person at most this often, however often it is asked for. */
export const RESET_MAIL_COOLDOWN_MS = 60_000;

/**
 * Resetting a forgotten password without a session, from the mailed code or link (the mail
 * comes from `request`, or from an admin: user-recovery.service.ts). The 2FA code is still
 * required when 2FA is enrolled, every session is revoked, and 2FA is still required at the
 * next sign-in. Every wrong, used, expired or voided secret gets the same answer.
 */
export class PasswordResetService {
  private readonly lookup: RecoveryLookup;

  constructor(private readonly d: PeopleDeps) {
    this.lookup = new RecoveryLookup(d);
  }

  /**
   * Looks the address up and hands the rest (secrets, audit, mail) to a background job, so the
   * answer — and its timing — is the same whether or not the address has an account.
   */
  async request(rawEmail: string, meta: ClientMeta, lang?: AccountLang): Promise<void> {
    const email = normalizeEmail(rawEmail);
    const person = await this.d.db
      .selectFrom('users')
      .select(PERSON_COLUMNS)
      .where('email', '=', email)
      .where('erased_at', 'is', null)
      .executeTakeFirst();
    this.d.mail.later(() => this.sendReset(person, email, meta, lang));
  }

  private async sendReset(
    person: Person | undefined,
    email: string,
    meta: ClientMeta,
    lang: AccountLang | undefined,
  ) {
    const now = this.d.clock.nowMs();
    if (!person || person.status !== 'active') {
      await this.d.audit.write({
        action: 'password.reset_request',
        outcome: 'failure',
        targetId: person?.id ?? null,
        details: {
          reason: person ? `account_${person.status}` : 'unknown_address',
          ...(person ? {} : { email: email.slice(0, 254) }),
          ...clientOf(meta),
        },
      });
      return;
    }
    if (this.awaitsTwoFactor(person)) {
      // The role asks for a second factor and none is enrolled (it was reset): a mailbox alone
      // must not be enough to take the account. An admin-started reset still works.
      await this.d.audit.write({
        action: 'password.reset_request',
        outcome: 'denied',
        targetId: person.id,
        details: { reason: 'two_factor_not_set_up', ...clientOf(meta) },
      });
      return;
    }
    if (await this.d.codes.issuedSince(person.id, 'reset_password', now - RESET_MAIL_COOLDOWN_MS)) {
      await this.d.audit.write({
        action: 'password.reset_request',
        outcome: 'denied',
        targetId: person.id,
        details: { reason: 'cooldown', ...clientOf(meta) },
      });
      return;
    }
    const secret = await this.d.db.transaction().execute((trx) =>
      issueAudited(
        this.d,
        trx,
        { userId: person.id, purpose: 'reset_password' },
        {
          action: 'password.reset_request',
          outcome: 'success',
          targetId: person.id,
          details: { by: 'self', ...clientOf(meta) },
        },
        lang,
      ),
    );
    await this.d.mail.send(person.email, {
      kind: 'reset_password',
      name: person.display_name,
      ...secret,
    });
  }

  /** Whether the reset form must ask for the 2FA code. */
  async check(
    credential: Credential,
  ): Promise<{ totpRequired: boolean; password: { minLength: number; maxLength: number } }> {
    const { person } = await this.lookup.resolve('reset_password', credential);
    const policy = this.d.policyFor(person.role);
    return {
      totpRequired: person.totp_secret !== null,
      password: { minLength: policy.password.minLength, maxLength: policy.password.maxLength },
    };
  }

  /**
   * A reset does not bypass 2FA: with 2FA enrolled, the current code is required here (and it is
   * spent, so it cannot be replayed), and the next sign-in needs a code as always. Every session
   * of the account is revoked; the person gets a security alert.
   */
  async complete(
    credential: Credential,
    newPassword: string,
    totpCode: string | undefined,
    meta: ClientMeta,
  ): Promise<void> {
    const { token, person } = await this.lookup.resolve('reset_password', credential);
    const now = this.d.clock.nowMs();
    if (this.awaitsTwoFactor(person) && !stringField(token.payload, 'requestedBy')) {
      await this.d.audit.write({
        action: 'password.reset',
        outcome: 'denied',
        targetId: person.id,
        details: { reason: 'two_factor_not_set_up', ...clientOf(meta) },
      });
      throw twoFactorSetupRequired();
    }
    let step: number | null = null;
    if (person.totp_secret) {
      step = matchTotpStep(this.d.totpSecrets.open(person.totp_secret), totpCode ?? '', now);
      if (step === null || step <= person.totp_last_step) {
        if (totpCode !== undefined)
          await this.d.codes.countWrongAttempt(person.id, 'reset_password');
        await this.d.audit.write({
          action: 'password.reset',
          outcome: 'failure',
          targetId: person.id,
          details: { reason: step === null ? 'bad_totp' : 'replayed_totp', ...clientOf(meta) },
        });
        throw invalidTotp();
      }
    }
    await assertNewPassword(
      this.d.hasher,
      this.d.policyFor(person.role),
      await this.lookup.passwordContext(person),
      newPassword,
      person.password_hash,
    );
    const next = await preparePassword(this.d.hasher, newPassword);
    await this.d.db.transaction().execute(async (trx) => {
      await this.d.codes.spend(trx, token, 'reset_password');
      if (step !== null) {
        // The authorisation decision for the code: only one request can move the step forward.
        if (!(await claimTotpStep(trx, person.id, step))) throw invalidTotp();
      }
      const revoked = await setOwnPassword(trx, this.d.tokens, person.id, next, now);
      if (revoked === null) throw invalidOneTimeCode();
      // The mailbox (and the 2FA code) proved the person: the reset lifts a lockout with it
      // (common/auth/lockout-schedule.ts, UNLOCK_REASONS), as a manager's reset does on a PC.
      if (await liftLockoutIn(trx, person.id, now))
        await this.d.audit.write(
          {
            action: 'user.unlock',
            outcome: 'success',
            actorId: person.id,
            targetId: person.id,
            details: { wasLocked: true, reason: 'password_reset', via: via(credential) },
          },
          trx,
        );
      await this.d.audit.write(
        {
          action: 'password.reset',
          outcome: 'success',
          actorId: person.id,
          targetId: person.id,
          details: {
            revokedSessions: revoked,
            requestedBy: stringField(token.payload, 'requestedBy') ?? 'self',
            via: via(credential),
            ...clientOf(meta),
          },
        },
        trx,
      );
    });
    this.d.mail.sendLater(person.email, {
      kind: 'security_alert',
      name: person.display_name,
      event: 'The password of your Keyholder account was reset and every session was signed out',
      when: new Date(now).toISOString(),
    });
  }

  /** The role asks for 2FA and the account has none (it was reset, or the policy changed). */
  private awaitsTwoFactor(person: Person): boolean {
    return person.totp_secret === null && this.d.policyFor(person.role).totp.required;
  }
}
