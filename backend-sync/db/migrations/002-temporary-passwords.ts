import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database';

/**
 * 002 — temporary passwords expire everywhere. FROZEN once released: add a new migration.
 *
 * A manager's temporary password (set on a store PC, pushed as a `password_reset`) used to
 * expire after an hour only on that PC; the server and the other PCs only knew "must change at
 * next sign-in". `temp_password_expires_at` carries the end to the server and, through pulls,
 * to every PC of the person's stores. Null: the password is not a temporary one.
 */
export function migration002(dialect: Dialect) {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`alter table users add column temp_password_expires_at ${sql.raw(time)}`.execute(db);
    },
  };
}
