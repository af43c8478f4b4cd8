import { passwordColumns, preparePassword } from '../auth/own-password';
import { evaluatePassword } from '../../common/policy';
import { passwordRejected } from '../auth/auth-errors';
import type { ClientMeta } from '../auth/token.service';
import { matchTotpStep, newTotpEnrollment, type TotpEnrollment } from '../auth/totp';
import { HttpError } from '../errors';
import { nextChangeSeq } from '../services/change-seq';
import { invalidOneTimeCode, type Credential } from './one-time-codes';
import { clientOf, type PeopleDeps } from './people-deps';
import { maskEmail } from './people-mail';
import { invalidTotp, RecoveryLookup, stringField, via } from './recovery-lookup';

/**
 * Email verification of a new account, without a session, from the mailed code or link: the
 * person verifies their address and chooses their password (and enrolls 2FA) → the account is
 * active. Every wrong, used, expired or voided secret gets the same answer.
 */
export class AccountVerificationService {
  private readonly lookup: RecoveryLookup;

  constructor(private readonly d: PeopleDeps) {
    this.lookup = new RecoveryLookup(d);
  }

  /** Checks the secret; returns who it is for and the 2FA key to enroll (the same on repeat). */
  async start(credential: Credential): Promise<{
    username: string;
    displayName: string;
    email: string;
    totpRequired: boolean;
    totp: TotpEnrollment;
    password: { minLength: number; maxLength: number };
  }> {
    const resolved = await this.lookup.resolve('verify_email', credential);
    const secret = await this.lookup.pendingTotpSecret('verify_email', credential, resolved);
    const { person } = resolved;
    const policy = this.d.policyFor(person.role);
    return {
      username: person.username,
      displayName: person.display_name,
      email: maskEmail(person.email),
      totpRequired: policy.totp.required,
      totp: newTotpEnrollment(secret, person.email),
      password: { minLength: policy.password.minLength, maxLength: policy.password.maxLength },
    };
  }

  /**
   * Sets the password the person chose (role policy), enrolls 2FA (required when the role's
   * policy says so, optional otherwise), marks the address verified and the account active, and
   * spends the secret — all or nothing.
   */
  async complete(
    credential: Credential,
    password: string,
    totpCode: string | undefined,
    meta: ClientMeta,
  ): Promise<{ status: 'active'; username: string; totpEnabled: boolean }> {
    const { token, person } = await this.lookup.resolve('verify_email', credential);
    const policy = this.d.policyFor(person.role);
    const evaluation = evaluatePassword(
      password,
      policy,
      await this.lookup.passwordContext(person),
    );
    if (!evaluation.ok) throw passwordRejected(evaluation.violations);
    const sealed = stringField(token.payload, 'totpSecret');
    const secret = sealed ? this.d.totpSecrets.open(sealed) : null;
    const now = this.d.clock.nowMs();
    let step: number | null = null;
    if (policy.totp.required || totpCode !== undefined) {
      if (!secret) {
        throw new HttpError(
          400,
          'verification_not_started',
          'Start the verification first to get your 2FA key.',
        );
      }
      step = matchTotpStep(secret, totpCode ?? '', now);
      if (step === null) {
        // A forgotten field is not a guess; a wrong code is.
        if (totpCode !== undefined) await this.d.codes.countWrongAttempt(person.id, 'verify_email');
        throw invalidTotp();
      }
    }
    const next = await preparePassword(this.d.hasher, password);
    await this.d.db.transaction().execute(async (trx) => {
      await this.d.codes.spend(trx, token, 'verify_email');
      const activated = await trx
        .updateTable('users')
        .set({
          ...passwordColumns(next),
          password_changed_at: now,
          temp_password_expires_at: null,
          totp_secret: step === null || !secret ? null : this.d.totpSecrets.seal(secret),
          totp_last_step: step ?? 0,
          totp_changed_at: now,
          status: 'active',
          email_verified_at: now,
          updated_at: now,
          change_seq: await nextChangeSeq(trx, 'users'),
        })
        .where('id', '=', person.id)
        .where('status', '=', 'pending')
        .where('erased_at', 'is', null)
        .executeTakeFirst();
      if (Number(activated.numUpdatedRows) !== 1) throw invalidOneTimeCode();
      await this.d.audit.write(
        {
          action: 'user.verify',
          outcome: 'success',
          actorId: person.id,
          targetId: person.id,
          details: { totpEnabled: step !== null, via: via(credential), ...clientOf(meta) },
        },
        trx,
      );
    });
    return { status: 'active', username: person.username, totpEnabled: step !== null };
  }
}
