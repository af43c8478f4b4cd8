import type { Kysely, Updateable } from 'kysely';
import {
  evaluatePassword,
  type EffectivePolicy,
  type PasswordContext,
  type PasswordViolation,
} from '../../common/policy';
import type { Credential } from '../../common/identity/credential';
import type { DB, UsersTable } from '../db/schema';
import { nextChangeSeq } from '../services/change-seq';
import { passwordRejected } from './auth-errors';
import { credentialOf } from './credential-key';
import type { PasswordHasher } from './password-hasher';
import type { TokenService } from './token.service';

/** What setting a password stores: its argon2id hash and its credential key. */
export interface NewPassword {
  hash: string;
  credential: Credential;
}

/**
 * Hashes a password being set and derives its credential key (common/identity/credential.ts),
 * the two argon2id runs side by side. Every place the server sets a password uses this, so a
 * person's record always carries the key of their current password.
 */
export async function preparePassword(
  hasher: PasswordHasher,
  password: string,
): Promise<NewPassword> {
  const [hash, credential] = await Promise.all([hasher.hash(password), credentialOf(password)]);
  return { hash, credential };
}

/** The columns of a password set (`preparePassword`), for any UPDATE of `users`. */
export function passwordColumns(next: NewPassword) {
  return {
    password_hash: next.hash,
    credential_salt: next.credential.salt,
    credential_key: next.credential.key,
    credential_box: next.credential.box,
  };
}

/**
 * The columns a password the person chose themselves sets (a change, a reset by mail, the step
 * after a temporary or expired password): the new hash and credential, and a temporary
 * password's "change it at next sign-in" and end are met. The account's change_seq moves, so
 * store PCs pull the new record. Call inside the transaction that writes them.
 */
export async function ownPasswordColumns(
  trx: Kysely<DB>,
  next: NewPassword,
  now: number,
): Promise<Updateable<UsersTable>> {
  return {
    ...passwordColumns(next),
    password_changed_at: now,
    must_change_password: 0,
    temp_password_expires_at: null,
    updated_at: now,
    change_seq: await nextChangeSeq(trx, 'users'),
  };
}

/**
 * Refuses (`password_policy`, 422) a new password that the role's policy does not allow, or that
 * is the current one (checked only when the policy allows it: that costs an argon2id verify).
 */
export async function assertNewPassword(
  hasher: PasswordHasher,
  policy: EffectivePolicy,
  context: PasswordContext,
  newPassword: string,
  currentHash: string | null,
): Promise<void> {
  const violations: PasswordViolation[] = [
    ...evaluatePassword(newPassword, policy, context).violations,
  ];
  if (violations.length === 0 && (await hasher.verify(currentHash, newPassword)))
    violations.push({ code: 'reused', count: 1 });
  if (violations.length > 0) throw passwordRejected(violations);
}

/**
 * Writes a password an active account's owner chose (`ownPasswordColumns`) and ends every
 * session of the account. Returns how many ended, or null (nothing written) if the account is
 * no longer active.
 */
export async function setOwnPassword(
  trx: Kysely<DB>,
  tokens: TokenService,
  userId: string,
  next: NewPassword,
  now: number,
): Promise<number | null> {
  const changed = await trx
    .updateTable('users')
    .set(await ownPasswordColumns(trx, next, now))
    .where('id', '=', userId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (Number(changed.numUpdatedRows) !== 1) return null;
  return tokens.revokeAllFor(userId, 'password_change', { executor: trx });
}
