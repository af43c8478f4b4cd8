import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * 008 — a change sequence per store, so a pull page is a keyset read. FROZEN once released.
 *
 * `user_stores.change_seq` is the membership's place in the 'users' sequence: the person's
 * `users.change_seq`, copied by a trigger on every update of it (and of status and erased_at),
 * so a page is `store_id = ? AND active = 1 AND change_seq > cursor ORDER BY change_seq` on
 * the index (store_id, active, change_seq) instead of a join over the whole membership.
 * `active` is 1 while the person is active and not erased (sent in `accounts`); 0 puts the
 * membership among the revocations, read on the same index. The numbers are the ones the
 * cursor always counted (the 'users' counter), so a cursor issued before this migration means
 * what it meant: PCs need no full sync. An insert into user_stores already moves the person's
 * change_seq (001's trigger), which fires this one, so a new membership is numbered too.
 */
export function migration008(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('user_stores')
        .addColumn('change_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('user_stores')
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`update user_stores set
          change_seq = (select u.change_seq from users u where u.id = user_stores.user_id),
          active = (select case when u.status = 'active' and u.erased_at is null then 1 else 0 end
            from users u where u.id = user_stores.user_id)`.execute(db);
      // The new index starts with store_id: the old one on store_id alone only costs writes.
      await db.schema.dropIndex('user_stores_store').execute();
      await db.schema
        .createIndex('user_stores_pull')
        .on('user_stores')
        .columns(['store_id', 'active', 'change_seq', 'user_id'])
        .execute();
      if (dialect === 'postgres') {
        await sql`
          CREATE FUNCTION kh_users_pull_state() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            UPDATE user_stores SET change_seq = NEW.change_seq,
                active = CASE WHEN NEW.status = 'active' AND NEW.erased_at IS NULL
                  THEN 1 ELSE 0 END
              WHERE user_id = NEW.id;
            RETURN NEW;
          END $$`.execute(db);
        await sql`
          CREATE TRIGGER users_pull_state AFTER UPDATE OF change_seq, status, erased_at ON users
            FOR EACH ROW EXECUTE FUNCTION kh_users_pull_state()`.execute(db);
      } else {
        await sql`
          CREATE TRIGGER users_pull_state AFTER UPDATE OF change_seq, status, erased_at ON users
          BEGIN
            UPDATE user_stores SET change_seq = NEW.change_seq,
                active = CASE WHEN NEW.status = 'active' AND NEW.erased_at IS NULL
                  THEN 1 ELSE 0 END
              WHERE user_id = NEW.id;
          END`.execute(db);
      }
      // The maintenance job (services/maintenance.service.ts) finds what is past retention by
      // these, a bounded batch at a time.
      await db.schema
        .createIndex('refresh_families_expires')
        .on('refresh_families')
        .column('expires_at')
        .execute();
      await db.schema
        .createIndex('refresh_families_revoked')
        .on('refresh_families')
        .column('revoked_at')
        .execute();
      await db.schema
        .createIndex('idempotency_keys_created')
        .on('idempotency_keys')
        .column('created_at')
        .execute();
    },
  };
}
