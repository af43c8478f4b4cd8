import type { Kysely } from 'kysely';

/**
 * 004 — each person's credential key (common/identity/credential.ts). FROZEN once released.
 *
 * `users.credential_salt` and `users.credential_key` (base64): the salt and the Ed25519 public
 * key a person's password yields. Set wherever a password is set (here, or on a store PC, which
 * sends them with the change); sent to store PCs in the signed account record; used to check
 * who made a change a PC sends (sync/account-changes.service.ts). Null for a password set
 * before this version, until the person's next password.
 */
export function migration004() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('users').addColumn('credential_salt', 'text').execute();
      await db.schema.alterTable('users').addColumn('credential_key', 'text').execute();
    },
  };
}
