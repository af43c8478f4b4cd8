import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { usernameSchema } from '../../common/identity/username';
import { evaluatePassword } from '../../common/policy';
import type { ServerClock } from '../app';
import type { DB } from '../db/schema';
import { HttpError } from '../errors';
import { nextChangeSeq } from '../services/change-seq';
import type { ServerAudit } from '../services/server-audit';
import { invalidSetupCode, passwordRejected } from './auth-errors';
import { proveCurrentPassword } from './current-password';
import { lockoutSubject, LockoutService } from './lockout.service';
import type { PasswordHasher } from './password-hasher';
import type { PolicyFor } from './policy-source';
import { newSetupCode, normalizeEmail, normalizeSetupCode, sha256Hex } from './secret-tokens';
import { matchTotpStep, newTotpEnrollment, newTotpSecret, type TotpEnrollment } from './totp';

export const SETUP_CODE_TTL_MS = 60 * 60 * 1000;

export interface SetupDeps {
  db: Kysely<DB>;
  clock: ServerClock;
  hasher: PasswordHasher;
  audit: ServerAudit;
  policyFor: PolicyFor;
  /** The sign-in lockout (a re-enrollment checks the password under it); made from db if absent. */
  lockout?: LockoutService;
}

export class CreateAdminError extends Error {}
export class ResetAdminTwoFactorError extends Error {}

/**
 * What a setup code is for: the first set-up of a pending admin (password + TOTP), or, after
 * `reset-admin-2fa`, a new authenticator for an active admin whose password stays as it is.
 */
export type SetupMode = 'first_setup' | 'two_factor_reset';

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
 */
export class SetupService {
  private readonly lockout: LockoutService;

  constructor(private readonly d: SetupDeps) {
    this.lockout = d.lockout ?? new LockoutService(d.db);
  }

  async createAdmin(input: {
    email: string;
    name?: string;
  }): Promise<{ userId: string; setupCode: string; expiresAt: number }> {
    const parsed = z.email().max(254).safeParse(input.email.trim());
    if (!parsed.success) throw new CreateAdminError('That is not a valid email address.');
    const email = normalizeEmail(parsed.data);
    const now = this.d.clock.nowMs();
    const code = newSetupCode();
    const expiresAt = now + SETUP_CODE_TTL_MS;
    const userId = await this.d.db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('users')
        .select(['id', 'status'])
        .where('email', '=', email)
        .executeTakeFirst();
      if (existing && existing.status !== 'pending') {
        throw new CreateAdminError(`An account with the email ${email} already exists.`);
      }
      let id = existing?.id;
      if (id) {
        // A new code replaces any earlier one still outstanding.
        await trx
          .updateTable('one_time_tokens')
          .set({ used_at: now })
          .where('user_id', '=', id)
          .where('purpose', '=', 'setup')
          .where('used_at', 'is', null)
          .execute();
      } else {
        id = randomUUID();
        await trx
          .insertInto('users')
          .values({
            id,
            email,
            username: await availableUsername(trx, email),
            display_name: input.name?.trim() || email.split('@')[0] || email,
            role: 'admin',
            status: 'pending',
            email_verified_at: null,
            password_hash: null,
            password_changed_at: null,
            totp_secret: null,
            totp_last_step: 0,
            preferences: '{}',
            change_seq: await nextChangeSeq(trx, 'users'),
            erased_at: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
      await trx
        .insertInto('one_time_tokens')
        .values({
          id: randomUUID(),
          purpose: 'setup',
          user_id: id,
          token_hash: sha256Hex(normalizeSetupCode(code) ?? ''),
          payload: null,
          expires_at: expiresAt,
          used_at: null,
          created_at: now,
        })
        .execute();
      await this.d.audit.write(
        {
          action: 'admin.create',
          outcome: 'success',
          targetId: id,
          details: { via: 'cli', email, reissued: Boolean(existing) },
        },
        trx,
      );
      return id;
    });
    return { userId, setupCode: code, expiresAt };
  }

  /**
   * `reset-admin-2fa`: for an active admin who lost their authenticator. Clears the TOTP key
   * and its last step, revokes every session, lifts a sign-in lock, voids outstanding setup,
   * reset and 2FA links, bumps change_seq (store PCs holding the admin ask for a new enrollment),
   * audits, and returns a one-time setup code (1 hour) for /setup/start and /setup/complete.
   */
  async resetAdminTwoFactor(input: {
    email: string;
  }): Promise<{ userId: string; setupCode: string; expiresAt: number; revokedSessions: number }> {
    const email = normalizeEmail(input.email);
    const now = this.d.clock.nowMs();
    const code = newSetupCode();
    const expiresAt = now + SETUP_CODE_TTL_MS;
    return this.d.db.transaction().execute(async (trx) => {
      const user = await trx
        .selectFrom('users')
        .select(['id', 'role', 'status', 'totp_secret', 'erased_at'])
        .where('email', '=', email)
        .executeTakeFirst();
      if (!user || user.erased_at !== null) {
        throw new ResetAdminTwoFactorError(`No account uses the email ${email}.`);
      }
      if (user.role !== 'admin') {
        throw new ResetAdminTwoFactorError(
          `${email} is not an admin: an admin or manager resets the two-step sign-in of other people from the admin API.`,
        );
      }
      if (user.status === 'pending') {
        throw new ResetAdminTwoFactorError(
          `${email} has not finished setting up: run create-admin again for a new setup code.`,
        );
      }
      if (user.status === 'disabled') {
        throw new ResetAdminTwoFactorError(
          `The admin account ${email} is disabled: another admin must enable it first.`,
        );
      }
      await trx
        .updateTable('one_time_tokens')
        .set({ used_at: now })
        .where('user_id', '=', user.id)
        .where('purpose', 'in', ['setup', 'reset_password', 'enroll_totp'])
        .where('used_at', 'is', null)
        .execute();
      await trx
        .updateTable('users')
        .set({
          totp_secret: null,
          totp_last_step: 0,
          updated_at: now,
          change_seq: await nextChangeSeq(trx, 'users'),
        })
        .where('id', '=', user.id)
        .execute();
      const revoked = await trx
        .updateTable('refresh_families')
        .set({ revoked_at: now, revoked_reason: 'two_factor_reset' })
        .where('user_id', '=', user.id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      const revokedSessions = Number(revoked.numUpdatedRows);
      // Failed attempts with the lost phone often lock the account; the operator lifts that.
      const unlocked = await this.lockout.reset(lockoutSubject(user, email), trx);
      await trx
        .insertInto('one_time_tokens')
        .values({
          id: randomUUID(),
          purpose: 'setup',
          user_id: user.id,
          token_hash: sha256Hex(normalizeSetupCode(code) ?? ''),
          payload: JSON.stringify({ mode: 'two_factor_reset' satisfies SetupMode }),
          expires_at: expiresAt,
          used_at: null,
          created_at: now,
        })
        .execute();
      await this.d.audit.write(
        {
          action: 'admin.two_factor_reset',
          outcome: 'success',
          targetId: user.id,
          details: {
            via: 'cli',
            before: { totpEnabled: user.totp_secret !== null },
            after: { totpEnabled: false },
            revokedSessions,
            unlocked,
          },
        },
        trx,
      );
      return { userId: user.id, setupCode: code, expiresAt, revokedSessions };
    });
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
        .set({ payload: JSON.stringify({ ...current, totpSecret: newTotpSecret() }) })
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
    if (!setup.totpSecret) {
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
    const step = matchTotpStep(setup.totpSecret, input.totpCode, now);
    if (step === null) {
      throw new HttpError(
        400,
        'invalid_totp_code',
        'That code is not right. Check the time on your phone and try again.',
      );
    }
    const hash = await this.d.hasher.hash(input.password);
    await this.d.db.transaction().execute(async (trx) => {
      const spent = await trx
        .updateTable('one_time_tokens')
        .set({ used_at: now })
        .where('id', '=', setup.tokenId)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      const activated = await trx
        .updateTable('users')
        .set({
          password_hash: hash,
          password_changed_at: now,
          totp_secret: setup.totpSecret,
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
      if (Number(spent.numUpdatedRows) !== 1 || Number(activated.numUpdatedRows) !== 1) {
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
      throw new HttpError(
        400,
        'invalid_totp_code',
        'That code is not right. Check the time on your phone and try again.',
      );
    }
    await this.d.db.transaction().execute(async (trx) => {
      const spent = await trx
        .updateTable('one_time_tokens')
        .set({ used_at: now })
        .where('id', '=', setup.tokenId)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      const enrolled = await trx
        .updateTable('users')
        .set({
          totp_secret: setup.totpSecret,
          totp_last_step: step,
          updated_at: now,
          change_seq: await nextChangeSeq(trx, 'users'),
        })
        .where('id', '=', setup.userId)
        .where('status', '=', 'active')
        .where('totp_secret', 'is', null)
        .executeTakeFirst();
      if (Number(spent.numUpdatedRows) !== 1 || Number(enrolled.numUpdatedRows) !== 1) {
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
      totpSecret: payload.totpSecret ?? null,
    };
  }
}

/** The email itself when it is a valid username (admins also sign in on store PCs), else a variant. */
async function availableUsername(db: Kysely<DB>, email: string): Promise<string> {
  const local = (email.split('@')[0] ?? 'admin').replace(/[^\p{L}\p{M}0-9._-]/gu, '').slice(0, 40);
  const candidates = [email, local, `${local}-${randomBytes(3).toString('hex')}`];
  for (const raw of candidates) {
    const parsed = usernameSchema.safeParse(raw);
    if (!parsed.success) continue;
    const taken = await db
      .selectFrom('users')
      .select('id')
      .where('username', '=', parsed.data)
      .executeTakeFirst();
    if (!taken) return parsed.data;
  }
  return `admin-${randomBytes(6).toString('hex')}`;
}
