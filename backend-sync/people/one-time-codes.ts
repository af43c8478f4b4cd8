import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ServerClock } from '../clock';
import { normalizeEmail, sha256Hex } from '../auth/secret-tokens';
import type { DB, OneTimeTokensTable } from '../db/schema';
import { HttpError } from '../errors';

export type OneTimePurpose = Exclude<OneTimeTokensTable['purpose'], 'setup' | 'change_password'>;

/** Verification, reset, email-change and 2FA set-up secrets all live one hour. */
export const ONE_TIME_TTL_MS = 60 * 60 * 1000;
/** Wrong codes (or wrong 2FA codes with a right token) before the outstanding secrets die. */
export const MAX_CODE_ATTEMPTS = 5;

/** Crockford base32: no I, L, O, U, so a code read aloud or retyped is not ambiguous. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 8;

/**
 * What a person presents: the link's token (256 bits, alone) or the short code typed from the
 * email (40 bits, only together with the address it was sent for, and limited to
 * MAX_CODE_ATTEMPTS wrong tries, so guessing it is hopeless).
 */
export type Credential = { token: string } | { email: string; code: string };

export interface IssuedSecrets {
  /** The long secret for the link (put in the URL fragment, never in a query string). */
  token: string;
  /** The short code for typing, shown as XXXX-XXXX. */
  code: string;
  expiresAt: number;
}

export interface LiveToken {
  id: string;
  userId: string;
  payload: Record<string, unknown>;
  expiresAt: number;
}

export const invalidOneTimeCode = () =>
  new HttpError(
    400,
    'invalid_code',
    'This code or link is not valid: it may be mistyped, already used or expired. Ask for a new one.',
  );

export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

export function newShortCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** The canonical form that is hashed (upper case, no separators, O→0, I/L→1), or null. */
export function normalizeShortCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`).test(code) ? code : null;
}

const linkHash = (token: string) => sha256Hex(`link:${token}`);
// The code is short, so its hash is bound to the person and purpose: one code cannot match a
// row of anyone else, and identical codes of two people never collide on the unique index.
const codeHash = (purpose: OneTimePurpose, userId: string, code: string) =>
  sha256Hex(`code:${purpose}:${userId}:${code}`);

/**
 * One-time secrets for email verification, password reset, email change and setting up 2FA
 * again, in `one_time_tokens`, stored only as SHA-256. Each issue writes two rows (the link's
 * token and the typed code) sharing one payload; spending either spends both, and issuing again
 * voids whatever was outstanding for that person and purpose.
 */
export class OneTimeCodes {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: ServerClock,
  ) {}

  /** Call inside the transaction of the change that asks for it. */
  async issue(
    executor: Kysely<DB>,
    userId: string,
    purpose: OneTimePurpose,
    payload: Record<string, unknown> = {},
  ): Promise<IssuedSecrets> {
    const now = this.clock.nowMs();
    await this.voidAll(executor, userId, purpose);
    const token = newLinkToken();
    const code = newShortCode();
    const expiresAt = now + ONE_TIME_TTL_MS;
    const base = {
      purpose,
      user_id: userId,
      payload: JSON.stringify(payload),
      expires_at: expiresAt,
      used_at: null,
      created_at: now,
    };
    await executor
      .insertInto('one_time_tokens')
      .values([
        { ...base, id: randomUUID(), token_hash: linkHash(token) },
        {
          ...base,
          id: randomUUID(),
          token_hash: codeHash(purpose, userId, normalizeShortCode(code) ?? ''),
        },
      ])
      .execute();
    return { token, code, expiresAt };
  }

  /**
   * The live secret a credential names, or null (unknown, used, expired, voided — the caller
   * answers all of them the same way). A wrong code for a known address counts an attempt.
   */
  async resolve(
    purpose: OneTimePurpose,
    credential: Credential | { userId: string; code: string },
  ): Promise<LiveToken | null> {
    const now = this.clock.nowMs();
    let hash: string;
    let userId: string | null = null;
    if ('token' in credential) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(credential.token)) return null;
      hash = linkHash(credential.token);
    } else {
      if ('userId' in credential) {
        userId = credential.userId;
      } else {
        const user = await this.db
          .selectFrom('users')
          .select('id')
          .where('email', '=', normalizeEmail(credential.email))
          .where('erased_at', 'is', null)
          .executeTakeFirst();
        if (!user) return null;
        userId = user.id;
      }
      const code = normalizeShortCode(credential.code);
      hash = code ? codeHash(purpose, userId, code) : '';
    }
    const row = hash
      ? await this.db
          .selectFrom('one_time_tokens')
          .select(['id', 'user_id', 'purpose', 'payload', 'expires_at', 'used_at', 'attempts'])
          .where('token_hash', '=', hash)
          .executeTakeFirst()
      : undefined;
    const live =
      row &&
      row.purpose === purpose &&
      row.used_at === null &&
      now < row.expires_at &&
      row.attempts < MAX_CODE_ATTEMPTS;
    if (!row || !live) {
      if (userId && !row) await this.countWrongAttempt(userId, purpose);
      return null;
    }
    return {
      id: row.id,
      userId: row.user_id,
      payload: row.payload ? (JSON.parse(row.payload) as Record<string, unknown>) : {},
      expiresAt: row.expires_at,
    };
  }

  /**
   * Spends a resolved secret and its sibling: the conditional update is the decision, so of two
   * concurrent uses exactly one wins. Throws (rolling back the caller's transaction) otherwise.
   */
  async spend(executor: Kysely<DB>, token: LiveToken, purpose: OneTimePurpose): Promise<void> {
    const now = this.clock.nowMs();
    const spent = await executor
      .updateTable('one_time_tokens')
      .set({ used_at: now })
      .where('id', '=', token.id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .where('attempts', '<', MAX_CODE_ATTEMPTS)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) throw invalidOneTimeCode();
    await this.voidAll(executor, token.userId, purpose);
  }

  /** Adds the pending TOTP secret (or any field) to the payload, once, for both rows. */
  async setPayloadOnce(
    userId: string,
    purpose: OneTimePurpose,
    field: string,
    value: string,
  ): Promise<void> {
    const rows = await this.db
      .selectFrom('one_time_tokens')
      .select(['id', 'payload'])
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .execute();
    const current = rows[0]?.payload ?? '{}';
    const parsed = JSON.parse(current) as Record<string, unknown>;
    if (parsed[field] !== undefined) return;
    // Conditional on the payload read: of two concurrent calls, the first write wins for both
    // rows, and the second finds its expected payload gone and changes nothing.
    await this.db
      .updateTable('one_time_tokens')
      .set({ payload: JSON.stringify({ ...parsed, [field]: value }) })
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('payload', '=', current)
      .execute();
  }

  /** Whether a secret for the person and purpose was issued after `since` (mail cooldowns). */
  async issuedSince(userId: string, purpose: OneTimePurpose, since: number): Promise<boolean> {
    const recent = await this.db
      .selectFrom('one_time_tokens')
      .select('created_at')
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .where('created_at', '>', since)
      .executeTakeFirst();
    return recent !== undefined;
  }

  /** A wrong code (or a wrong 2FA code with a right secret): after the last try, all die. */
  async countWrongAttempt(userId: string, purpose: OneTimePurpose): Promise<void> {
    await this.db
      .updateTable('one_time_tokens')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .execute();
  }

  /** Voids every outstanding secret of a person for a purpose (or for all purposes). */
  async voidAll(executor: Kysely<DB>, userId: string, purpose?: OneTimePurpose): Promise<void> {
    let q = executor
      .updateTable('one_time_tokens')
      .set({ used_at: this.clock.nowMs() })
      .where('user_id', '=', userId)
      .where('used_at', 'is', null);
    if (purpose) q = q.where('purpose', '=', purpose);
    else q = q.where('purpose', '!=', 'setup');
    await q.execute();
  }
}
