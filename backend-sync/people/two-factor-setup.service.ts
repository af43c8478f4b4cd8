import { proveCurrentPassword } from '../auth/current-password';
import { lockoutSubject } from '../auth/lockout.service';
import type { ClientMeta } from '../auth/token.service';
import { matchTotpStep, newTotpEnrollment, type TotpEnrollment } from '../auth/totp';
import { HttpError } from '../errors';
import { nextChangeSeq } from '../services/change-seq';
import { issueAudited } from './mailed-secrets';
import { invalidOneTimeCode, type Credential } from './one-time-codes';
import { clientOf, type PeopleDeps } from './people-deps';
import { maskEmail } from './people-mail';
import { invalidTotp, RecoveryLookup, stringField, via } from './recovery-lookup';

/** Mail a fresh "set up two-step sign-in" link to one person at most this often. */
export const TWO_FACTOR_MAIL_COOLDOWN_MS = 60_000;

/**
 * Setting up two-step sign-in again after a reset (their password unchanged), without a
 * session, from the mailed code or link. The mail comes from an admin's 2FA reset
 * (user-recovery.service.ts) or from `request`, when a sign-in finds no 2FA. Every wrong, used,
 * expired or voided secret gets the same answer.
 */
export class TwoFactorSetupService {
  private readonly lookup: RecoveryLookup;

  constructor(private readonly d: PeopleDeps) {
    this.lookup = new RecoveryLookup(d);
  }

  /**
   * After a sign-in with the right password to an active account without 2FA (reset by an
   * admin or manager, or never set up): a fresh link and code to set it up, mailed in the
   * background to the address on file, at most once per TWO_FACTOR_MAIL_COOLDOWN_MS.
   */
  request(userId: string, meta: ClientMeta): void {
    this.d.mail.later(async () => {
      const person = await this.lookup.person(userId);
      if (!person || person.status !== 'active' || person.totp_secret !== null) return;
      const now = this.d.clock.nowMs();
      if (
        await this.d.codes.issuedSince(person.id, 'enroll_totp', now - TWO_FACTOR_MAIL_COOLDOWN_MS)
      ) {
        return;
      }
      const secret = await this.d.db.transaction().execute((trx) =>
        issueAudited(
          this.d,
          trx,
          { userId: person.id, purpose: 'enroll_totp' },
          {
            action: 'user.two_factor_setup_sent',
            outcome: 'success',
            targetId: person.id,
            details: { by: 'sign_in', ...clientOf(meta) },
          },
        ),
      );
      await this.d.mail.send(person.email, {
        kind: 'two_factor_setup',
        name: person.display_name,
        ...secret,
      });
    });
  }

  /** Checks the mailed secret; returns who it is for and the new key (the same on repeat). */
  async start(credential: Credential): Promise<{
    username: string;
    displayName: string;
    email: string;
    totp: TotpEnrollment;
  }> {
    const resolved = await this.lookup.resolve('enroll_totp', credential);
    const secret = await this.lookup.pendingTotpSecret('enroll_totp', credential, resolved);
    const { person } = resolved;
    return {
      username: person.username,
      displayName: person.display_name,
      email: maskEmail(person.email),
      totp: newTotpEnrollment(secret, person.email),
    };
  }

  /**
   * Enrolls the new authenticator: the mailed secret (the mailbox), the current password (checked
   * and counted like a sign-in, under the same lockout) and a first code from the new key. The
   * password does not change. The secret is spent and the key stored in one transaction, and
   * only while the account still has no 2FA; change_seq moves so store PCs get the key.
   */
  async complete(
    credential: Credential,
    password: string,
    totpCode: string,
    meta: ClientMeta,
  ): Promise<{ status: 'two_factor_enabled'; username: string }> {
    const { token, person } = await this.lookup.resolve('enroll_totp', credential);
    const now = this.d.clock.nowMs();
    const subject = lockoutSubject(person, person.email);
    await proveCurrentPassword(this.d, {
      subject,
      now,
      policy: this.d.policyFor(person.role),
      storedHash: person.password_hash,
      password,
      action: 'user.two_factor_enroll',
      targetId: person.id,
      details: clientOf(meta),
    });
    const sealed = stringField(token.payload, 'totpSecret');
    const secret = sealed ? this.d.totpSecrets.open(sealed) : null;
    if (!secret) {
      throw new HttpError(
        400,
        'two_factor_not_started',
        'Start the set-up first to get your new 2FA key.',
      );
    }
    const step = matchTotpStep(secret, totpCode, now);
    if (step === null) {
      await this.d.codes.countWrongAttempt(person.id, 'enroll_totp');
      await this.d.audit.write({
        action: 'user.two_factor_enroll',
        outcome: 'failure',
        targetId: person.id,
        details: { reason: 'bad_totp', ...clientOf(meta) },
      });
      throw invalidTotp();
    }
    await this.d.db.transaction().execute(async (trx) => {
      await this.d.codes.spend(trx, token, 'enroll_totp');
      const enrolled = await trx
        .updateTable('users')
        .set({
          totp_secret: this.d.totpSecrets.seal(secret),
          totp_last_step: step,
          updated_at: now,
          change_seq: await nextChangeSeq(trx, 'users'),
        })
        .where('id', '=', person.id)
        .where('status', '=', 'active')
        .where('totp_secret', 'is', null)
        .where('erased_at', 'is', null)
        .executeTakeFirst();
      if (Number(enrolled.numUpdatedRows) !== 1) throw invalidOneTimeCode();
      await this.d.lockout.reset(subject, trx);
      await this.d.audit.write(
        {
          action: 'user.two_factor_enroll',
          outcome: 'success',
          actorId: person.id,
          targetId: person.id,
          details: {
            before: { totpEnabled: false },
            after: { totpEnabled: true },
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
      event: 'Two-step sign-in was set up with a new authenticator for your Keyholder account',
      when: new Date(now).toISOString(),
    });
    return { status: 'two_factor_enabled', username: person.username };
  }
}
