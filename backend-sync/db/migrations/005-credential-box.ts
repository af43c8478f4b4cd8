import type { Kysely } from 'kysely';

/**
 * 005 — the box half of each person's credential (common/identity/credential.ts). FROZEN once
 * released.
 *
 * `users.credential_box` (base64): the X25519 public key a person's password yields beside the
 * signing key of 004. A standalone PC seals the key a person holds there to it; the server only
 * stores it and sends it in the signed account record. Null until the person's next password
 * (until then, PCs are sent no credential for them; the server still checks changes by 004's key).
 */
export function migration005() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('users').addColumn('credential_box', 'text').execute();
    },
  };
}
