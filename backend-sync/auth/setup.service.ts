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
}

export class CreateAdminError extends Error {}

interface ValidSetup {
  tokenId: string;
  userId: string;
  email: string;
  username: string;
  displayName: string;
  totpSecret: string | null;
}

/**
 * First-run of an admin account. There are no default accounts: the operator runs
 * `create-admin`, which makes a pending account and prints a one-time setup code (160 bits,
 * 1 hour, stored as SHA-256). With the code, the person sets a password and enrolls TOTP; the
 * code is spent only when both succeed. Wrong, used, expired or mismatched codes all get the
 * same answer.
 */
export class SetupService {
  constructor(private readonly d: SetupDeps) {}

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

  /** Checks the code and returns the TOTP enrollment bound to it (the same one on repeat). */
  async start(email: string, setupCode: string): Promise<TotpEnrollment> {
    const setup = await this.validate(email, setupCode);
    let secret = setup.totpSecret;
    if (!secret) {
      // Conditional: two concurrent starts agree on one secret.
      await this.d.db
        .updateTable('one_time_tokens')
        .set({ payload: JSON.stringify({ totpSecret: newTotpSecret() }) })
        .where('id', '=', setup.tokenId)
        .where('payload', 'is', null)
        .execute();
      secret = (await this.validate(email, setupCode)).totpSecret;
    }
    if (!secret) throw invalidSetupCode();
    return newTotpEnrollment(secret, setup.email);
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
          .where('t.token_hash', '=', sha256Hex(code))
          .executeTakeFirst()
      : undefined;
    const reason = !row
      ? 'unknown_code'
      : row.purpose !== 'setup' || row.email !== email
        ? 'mismatch'
        : row.used_at !== null
          ? 'used'
          : now >= row.expires_at
            ? 'expired'
            : row.status !== 'pending'
              ? 'account_not_pending'
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
    const payload = row.payload ? (JSON.parse(row.payload) as { totpSecret?: string }) : {};
    return {
      tokenId: row.id,
      userId: row.userId,
      email: row.email,
      username: row.username,
      displayName: row.display_name,
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
