import type { Kysely, Updateable } from 'kysely';
import type { DB, UsersTable } from '../db/schema';
import { nextChangeSeq } from '../services/change-seq';

/**
 * The columns a password the person chose themselves sets (a change, a reset by mail, the step
 * after a temporary password): the new hash, and a temporary password's "change it at next
 * sign-in" and end are met. The account's change_seq moves, so store PCs pull the new hash.
 * Call inside the transaction that writes them.
 */
export async function ownPasswordColumns(
  trx: Kysely<DB>,
  hash: string,
  now: number,
): Promise<Updateable<UsersTable>> {
  return {
    password_hash: hash,
    password_changed_at: now,
    must_change_password: 0,
    temp_password_expires_at: null,
    updated_at: now,
    change_seq: await nextChangeSeq(trx, 'users'),
  };
}
