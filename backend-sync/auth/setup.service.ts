import { passwordColumns, preparePassword } from './own-password';
import type { Kysely } from 'kysely';
import { evaluatePassword } from '../../common/policy';
import type { ServerClock } from '../clock';
import type { DB } from '../db/schema';
import { HttpError } from '../errors';
import { nextChangeSeq } from '../services/change-seq';
import type { ServerAudit } from '../services/server-audit';
import { createAdmin, resetAdminTwoFactor, type SetupMode } from './admin-setup-codes';
import { invalidSetupCode, passwordRejected } from './auth-errors';
import { proveCurrentPassword } from './current-password';
import { lockoutSubject, LockoutService } from './lockout.service';
import type { PasswordHasher } from './password-hasher';
import type { PolicyFor } from './policy-source';
import { normalizeEmail, normalizeSetupCode, sha256Hex } from './secret-tokens';
import type { TotpSecretBox } from './totp-secret-box';
import { matchTotpStep, newTotpEnrollment, newTotpSecret, type TotpEnrollment } from './totp';

// The CLI commands, tests and benches import these from here.
export {
  CreateAdminError,
  ResetAdminTwoFactorError,
  SETUP_CODE_TTL_MS,
  type SetupMode,
} from './admin-setup-codes';

export interface SetupDeps {
  db: Kysely<DB>;
  clock: ServerClock;
  hasher: PasswordHasher;
  audit: ServerAudit;
  policyFor: PolicyFor;
  /** The sign-in lockout (a re-enrollment checks the password under it); made from db if absent. */
  lockout?: LockoutService;
  /**
   * Seals TOTP secrets at rest. Needed to start and complete a set-up; the command-line tools
   * that only create an admin or clear a 2FA key can leave it out.
   */
  totpSecrets?: TotpSecretBox;
}

const wrongTotpCode = () =>
  new HttpError(
    400,
    'invalid_totp_code',
    'That code is not right. Check the time on your phone and try again.',
  );

interface ValidSetup {
  tokenId: string;
  userId: string;
  email: string;
  username: string;
  displayName: string;
  mode: SetupMode;
  passwordHash: string | null;
  /** The stored payload as it is, for the conditional write of the TOTP key. */
  rawPayload: string | null;
  totpSecret: string | null;
}

/**
 * First-run of an admin account. There are no default accounts: the operator runs
 * `create-admin`, which makes a pending account and prints a one-time setup code (160 bits,
 * 1 hour, stored as SHA-256). With the code, the person sets a password and enrolls TOTP; the
 * code is spent only when both succeed. Wrong, used, expired or mismatched codes all get the
 * same answer.
 *
 * Operator recovery (`reset-admin-2fa`, for an admin who lost their authenticator): the admin's
 * TOTP key is cleared, sessions revoked, lock lifted, and a setup code in the same form is
 * printed. With it, the same /setup routes enroll a new authenticator; `complete` then checks the
 * *current* password (under the sign-in lockout) instead of setting one, so a leaked code alone
 * does not open the account and the password never changes.
 *
 * Minting the codes (the operator's commands) is admin-setup-codes.ts; redeeming them is here.
 */
export class SetupService {
  private readonly lockout: LockoutService;

  constructor(private readonly d: SetupDeps) {
    this.lockout = d.lockout ?? new LockoutService(d.db);
  }

  /** `create-admin`: see admin-setup-codes.ts. */
  createAdmin(input: {
    email: string;
    name?: string;
  }): Promise<{ userId: string; setupCode: string; expiresAt: number }> {
    return createAdmin(this.d, input);
  }

  /** `reset-admin-2fa`: see admin-setup-codes.ts. */
  resetAdminTwoFactor(input: {
    email: string;
  }): Promise<{ userId: string; setupCode: string; expiresAt: number; revokedSessions: number }> {
    return resetAdminTwoFactor(this.d, this.lockout, input);
  }

  /** Checks the code and returns the TOTP enrollment bound to it (the same one on repeat). */
  async start(email: string, setupCode: string): Promise<TotpEnrollment & { mode: SetupMode }> {
    const setup = await this.validate(email, setupCode);
    let secret = setup.totpSecret;
    if (!secret) {
      // Conditional on the payload read: two concurrent starts agree on one secret.
      const current = setup.rawPayload ? (JSON.parse(setup.rawPayload) as object) : {};
      await this.d.db
        .updateTable('one_time_tokens')
        .set({
          payload: JSON.stringify({ ...current, totpSecret: this.box().seal(newTotpSecret()) }),
        })
        .where('id', '=', setup.tokenId)
        .where((eb) =>
          setup.rawPayload === null
            ? eb('payload', 'is', null)
            : eb('payload', '=', setup.rawPayload),
        )
        .execute();
      secret = (await this.validate(email, setupCode)).totpSecret;
    }
    if (!secret) throw invalidSetupCode();
    return { ...newTotpEnrollment(secret, setup.email), mode: setup.mode };
  }

  /** Sets the password and TOTP, activates the account, and spends the code — all or nothing. */
  async complete(input: {
    email: string;
    setupCode: string;
    password: string;
    totpCode: string;
  }): Promise<void> {
    const setup = await this.validate(input.email, input.setupCode);
    const secret = setup.totpSecret;
    if (!secret) {
      throw new HttpError(400, 'setup_not_started', 'Start the setup first to get your 2FA key.');
    }
    if (setup.mode === 'two_factor_reset') return this.completeReenrollment(setup, input);
    const evaluation = evaluatePassword(input.password, this.d.policyFor('admin'), {
      email: setup.email,
      username: setup.username,
      displayName: setup.displayName,
    });
    if (!evaluation.ok) throw passwordRejected(evaluation.violations);
    const now = this.d.clock.nowMs();
    const step = matchTotpStep(secret, input.totpCode, now);
    if (step === null) {
      throw wrongTotpCode();
    }
    const next = await preparePassword(this.d.hasher, input.password);
    await this.d.db.transaction().execute(async (trx) => {
      const spent = await spendSetupCode(trx, setup.tokenId, now);
      const activated = await trx
        .updateTable('users')
        .set({
          ...passwordColumns(next),
          password_changed_at: now,
          temp_password_expires_at: null,
          totp_secret: this.box().seal(secret),
          totp_last_step: step,
          status: 'active',
          email_verified_at: now,
          updated_at: now,
          change_seq: await nextChangeSeq(trx, 'users'),
        })
        .where('id', '=', setup.userId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      // Throwing rolls back both: a code raced by another completion stays spent once.
      if (!spent || Number(activated.numUpdatedRows) !== 1) {
        throw invalidSetupCode();
      }
      await this.d.audit.write(
        {
          action: 'admin.setup',
          outcome: 'success',
          actorId: setup.userId,
          targetId: setup.userId,
        },
        trx,
      );
    });
  }

  /** A new authenticator for an active admin: the current password is checked, not changed. */
  private async completeReenrollment(
    setup: ValidSetup,
    input: { password: string; totpCode: string },
  ): Promise<void> {
    const now = this.d.clock.nowMs();
    const subject = lockoutSubject({ id: setup.userId }, setup.email);
    await proveCurrentPassword(
      { db: this.d.db, lockout: this.lockout, audit: this.d.audit, hasher: this.d.hasher },
      {
        subject,
        now,
        policy: this.d.policyFor('admin'),
        storedHash: setup.passwordHash,
        password: input.password,
        action: 'admin.setup',
        targetId: setup.userId,
        details: { mode: setup.mode },
      },
    );
    const step = matchTotpStep(setup.totpSecret!, input.totpCode, now);
    if (step === null) {
      throw wrongTotpCode();
    }
    await this.d.db.transaction().execute(async (trx) => {
      const spent = await spendSetupCode(trx, setup.tokenId, now);
      const enrolled = await trx
        .updateTable('users')
        .set({
          totp_secret: this.box().seal(setup.totpSecret!),
          totp_last_step: step,
          updated_at: now,
          change_seq: await nextChangeSeq(trx, 'users'),
        })
        .where('id', '=', setup.userId)
        .where('status', '=', 'active')
        .where('totp_secret', 'is', null)
        .executeTakeFirst();
      if (!spent || Number(enrolled.numUpdatedRows) !== 1) {
        throw invalidSetupCode();
      }
      await this.lockout.reset(subject, trx);
      await this.d.audit.write(
        {
          action: 'admin.setup',
          outcome: 'success',
          actorId: setup.userId,
          targetId: setup.userId,
          details: { mode: setup.mode },
        },
        trx,
      );
    });
  }

  private async validate(rawEmail: string, rawCode: string): Promise<ValidSetup> {
    const now = this.d.clock.nowMs();
    const email = normalizeEmail(rawEmail);
    const code = normalizeSetupCode(rawCode);
    const row = code
      ? await this.d.db
          .selectFrom('one_time_tokens as t')
          .innerJoin('users as u', 'u.id', 't.user_id')
          .select(['t.id', 't.payload', 't.expires_at', 't.used_at', 't.purpose'])
          .select(['u.id as userId', 'u.email', 'u.username', 'u.display_name', 'u.status'])
          .select(['u.password_hash', 'u.totp_secret', 'u.erased_at'])
          .where('t.token_hash', '=', sha256Hex(code))
          .executeTakeFirst()
      : undefined;
    const payload = row?.payload
      ? (JSON.parse(row.payload) as { totpSecret?: string; mode?: SetupMode })
      : {};
    const mode: SetupMode =
      payload.mode === 'two_factor_reset' ? 'two_factor_reset' : 'first_setup';
    const reason = !row
      ? 'unknown_code'
      : row.purpose !== 'setup' || row.email !== email
        ? 'mismatch'
        : row.used_at !== null
          ? 'used'
          : now >= row.expires_at
            ? 'expired'
            : mode === 'first_setup' && row.status !== 'pending'
              ? 'account_not_pending'
              : mode === 'two_factor_reset' &&
                  (row.status !== 'active' || row.totp_secret !== null || row.erased_at !== null)
                ? 'account_not_resettable'
                : null;
    if (!row || reason) {
      await this.d.audit.write({
        action: 'admin.setup',
        outcome: 'failure',
        targetId: row?.userId ?? null,
        details: { reason, ...(row ? {} : { email: email.slice(0, 254) }) },
      });
      throw invalidSetupCode();
    }
    return {
      tokenId: row.id,
      userId: row.userId,
      email: row.email,
      username: row.username,
      displayName: row.display_name,
      mode,
      passwordHash: row.password_hash,
      rawPayload: row.payload,
      // The pending secret is sealed in the payload like the stored one (plain if written by an
      // earlier version within the code's hour).
      totpSecret: payload.totpSecret ? this.box().open(payload.totpSecret) : null,
    };
  }

  private box(): TotpSecretBox {
    if (!this.d.totpSecrets) throw new Error('SetupService: totpSecrets is needed for a set-up');
    return this.d.totpSecrets;
  }
}

/**
 * Spends a setup code: the conditional update is the decision, so of two concurrent completions
 * exactly one gets true.
 */
async function spendSetupCode(trx: Kysely<DB>, tokenId: string, now: number): Promise<boolean> {
  const spent = await trx
    .updateTable('one_time_tokens')
    .set({ used_at: now })
    .where('id', '=', tokenId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(spent.numUpdatedRows) === 1;
}
