import type { Kysely } from 'kysely';

/**
 * 006 — when a person's two-step sign-in was last reset or decided here. FROZEN once released.
 *
 * `users.totp_changed_at` (ms): set when an admin resets a person's two-step sign-in, when an
 * account is activated, and when a store PC's enrolment is taken (sync/totp-enrolments.ts). A
 * PC's enrolment made before it is `superseded`: an authenticator an admin reset because it was
 * lost must not come back from a PC that was offline. Null: never.
 */
export function migration006() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('users').addColumn('totp_changed_at', 'bigint').execute();
    },
  };
}
