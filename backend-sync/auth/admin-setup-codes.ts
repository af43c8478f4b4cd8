import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { usernameSchema } from '../../common/identity/username';
import { nameText } from '../../common/text/canonical-text';
import { DISPLAY_NAME_MAX_LENGTH, EMAIL_MAX_LENGTH } from '../../common/text/text-limits';
import type { ServerClock } from '../clock';
import type { DB } from '../db/schema';
import { insertUser } from '../people/users.repository';
import { nextChangeSeq } from '../services/change-seq';
import type { ServerAudit } from '../services/server-audit';
import { lockoutSubject, type LockoutService } from './lockout.service';
import { newSetupCode, normalizeEmail, normalizeSetupCode, sha256Hex } from './secret-tokens';
import { revokeFamiliesOf } from './token.service';

/*
 * The operator's side of admin setup (the `create-admin` and `reset-admin-2fa` commands):
 * minting the one-time setup code (160 bits, stored as SHA-256) that the person then redeems at
 * /setup (setup.service.ts). There are no default accounts.
 */

export const SETUP_CODE_TTL_MS = 60 * 60 * 1000;

export class CreateAdminError extends Error {}
export class ResetAdminTwoFactorError extends Error {}

/**
 * What a setup code is for: the first set-up of a pending admin (password + TOTP), or, after
 * `reset-admin-2fa`, a new authenticator for an active admin whose password stays as it is.
 */
export type SetupMode = 'first_setup' | 'two_factor_reset';

export interface SetupCodeDeps {
  db: Kysely<DB>;
  clock: ServerClock;
  audit: ServerAudit;
}

/**
 * `create-admin`: a pending admin account (or the existing pending one) and a setup code; a new
 * code replaces any earlier one still outstanding.
 */
export async function createAdmin(
  d: SetupCodeDeps,
  input: { email: string; name?: string },
): Promise<{ userId: string; setupCode: string; expiresAt: number }> {
  const parsed = z.email().max(EMAIL_MAX_LENGTH).safeParse(input.email.trim());
  if (!parsed.success) throw new CreateAdminError('That is not a valid email address.');
  // The name as the people routes take it (people.schemas.ts `displayNameField`).
  const name = nameText(DISPLAY_NAME_MAX_LENGTH, { trim: true }).safeParse(input.name ?? '');
  if (!name.success) {
    throw new CreateAdminError(
      `Use a name of at most ${DISPLAY_NAME_MAX_LENGTH} characters, without control or text-direction characters.`,
    );
  }
  const email = normalizeEmail(parsed.data);
  const now = d.clock.nowMs();
  const code = newSetupCode();
  const expiresAt = now + SETUP_CODE_TTL_MS;
  const userId = await d.db.transaction().execute(async (trx) => {
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
      await insertUser(trx, {
        id,
        email,
        username: await availableUsername(trx, email),
        displayName: name.data || email.split('@')[0] || email,
        role: 'admin',
        status: 'pending',
        now,
      });
    }
    await insertSetupCode(trx, { userId: id, code, payload: null, now, expiresAt });
    await d.audit.write(
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
export async function resetAdminTwoFactor(
  d: SetupCodeDeps,
  lockout: LockoutService,
  input: { email: string },
): Promise<{ userId: string; setupCode: string; expiresAt: number; revokedSessions: number }> {
  const email = normalizeEmail(input.email);
  const now = d.clock.nowMs();
  const code = newSetupCode();
  const expiresAt = now + SETUP_CODE_TTL_MS;
  return d.db.transaction().execute(async (trx) => {
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
        totp_changed_at: now,
        updated_at: now,
        change_seq: await nextChangeSeq(trx, 'users'),
      })
      .where('id', '=', user.id)
      .execute();
    const revokedSessions = await revokeFamiliesOf(trx, user.id, 'two_factor_reset', now);
    // Failed attempts with the lost phone often lock the account; the operator lifts that.
    const unlocked = await lockout.reset(lockoutSubject(user, email), trx);
    await insertSetupCode(trx, {
      userId: user.id,
      code,
      payload: JSON.stringify({ mode: 'two_factor_reset' satisfies SetupMode }),
      now,
      expiresAt,
    });
    await d.audit.write(
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

/** Stores a setup code, as its SHA-256 only: the code itself is shown once, to the operator. */
async function insertSetupCode(
  trx: Kysely<DB>,
  c: { userId: string; code: string; payload: string | null; now: number; expiresAt: number },
): Promise<void> {
  await trx
    .insertInto('one_time_tokens')
    .values({
      id: randomUUID(),
      purpose: 'setup',
      user_id: c.userId,
      token_hash: sha256Hex(normalizeSetupCode(c.code) ?? ''),
      payload: c.payload,
      expires_at: c.expiresAt,
      used_at: null,
      created_at: c.now,
    })
    .execute();
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
