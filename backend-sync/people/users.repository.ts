import type { Kysely } from 'kysely';
import type { DB, UsersTable } from '../db/schema';
import { nextChangeSeq } from '../services/change-seq';

/**
 * A new account, as the ways one comes to be differ: an invitation (pending, no password, no
 * 2FA), an admin made by the operator's `create-admin`, a person a standalone PC hands over
 * (active, with the PC's password, authenticator and credential key). Everything else of the
 * row starts the same for all of them.
 */
export interface NewUser {
  id: string;
  /** Already normalised (lower case). */
  email: string;
  username: string;
  displayName: string;
  role: UsersTable['role'];
  status: UsersTable['status'];
  /** When the address was proven; null (the default) until then. */
  emailVerifiedAt?: number | null;
  /** argon2id; null (the default): the person has not chosen a password yet. */
  passwordHash?: string | null;
  passwordChangedAt?: number | null;
  /** A temporary password (set on a store PC): the next sign-in must change it. */
  mustChangePassword?: boolean;
  /** When that temporary password stops working. */
  tempPasswordExpiresAt?: number | null;
  /** The TOTP secret as stored, sealed (auth/totp-secret-box.ts); null (the default): no 2FA. */
  totpSecret?: string | null;
  /** When two-step sign-in was decided here; null (the default): never. */
  totpChangedAt?: number | null;
  /** The credential key of the password (auth/credential-key.ts); null before one is set. */
  credential?: { salt: string; key: string; box: string } | null;
  /** Defaults to `now`. */
  createdAt?: number;
  now: number;
}

/**
 * Inserts a users row: the one place one is written from nothing. It takes the account's
 * change number (services/change-seq.ts), so call it inside the transaction that creates the
 * account: store PCs pull the account in commit order. A taken id, address or username fails
 * on the table's unique keys, for the caller to answer.
 */
export async function insertUser(trx: Kysely<DB>, user: NewUser): Promise<void> {
  await trx
    .insertInto('users')
    .values({
      id: user.id,
      email: user.email,
      username: user.username,
      display_name: user.displayName,
      role: user.role,
      status: user.status,
      email_verified_at: user.emailVerifiedAt ?? null,
      password_hash: user.passwordHash ?? null,
      password_changed_at: user.passwordChangedAt ?? null,
      must_change_password: user.mustChangePassword ? 1 : 0,
      temp_password_expires_at: user.tempPasswordExpiresAt ?? null,
      totp_secret: user.totpSecret ?? null,
      totp_last_step: 0,
      totp_changed_at: user.totpChangedAt ?? null,
      credential_salt: user.credential?.salt ?? null,
      credential_key: user.credential?.key ?? null,
      credential_box: user.credential?.box ?? null,
      preferences: '{}',
      change_seq: await nextChangeSeq(trx, 'users'),
      erased_at: null,
      created_at: user.createdAt ?? user.now,
      updated_at: user.now,
    })
    .execute();
}
