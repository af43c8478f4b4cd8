import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database';

/**
 * 001 — the first server schema. FROZEN once released: add a new migration instead.
 * One definition, with the per-dialect differences spelled out: times are BIGINT on
 * PostgreSQL (INTEGER is 64-bit on SQLite already), ids are text UUIDs, JSON is text.
 */
export function migration001(dialect: Dialect) {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) =>
          c.notNull().check(sql`role in ('admin', 'manager', 'viewer')`),
        )
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql`status in ('pending', 'active', 'disabled')`),
        )
        .addColumn('email_verified_at', time)
        .addColumn('password_hash', 'text')
        .addColumn('password_changed_at', time)
        .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('totp_secret', 'text')
        .addColumn('totp_last_step', time, (c) => c.notNull().defaultTo(0))
        .addColumn('preferences', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('change_seq', time, (c) => c.notNull())
        .addColumn('erased_at', time)
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('users_change_seq').on('users').column('change_seq').execute();

      await db.schema
        .createTable('stores')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('brand', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('user_stores')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('store_id', 'text', (c) =>
          c.notNull().references('stores.id').onDelete('cascade'),
        )
        .addPrimaryKeyConstraint('user_stores_pk', ['user_id', 'store_id'])
        .execute();
      await db.schema
        .createIndex('user_stores_store')
        .on('user_stores')
        .column('store_id')
        .execute();

      await db.schema
        .createTable('devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('credential_hash', 'text', (c) => c.notNull().unique())
        .addColumn('audit_mac_key', 'text', (c) => c.notNull())
        .addColumn('app_version', 'text')
        .addColumn('last_sync_at', time)
        .addColumn('last_seq', time, (c) => c.notNull().defaultTo(0))
        .addColumn('last_hash', 'text', (c) => c.notNull().defaultTo('0'.repeat(64)))
        .addColumn('reported_seq', time, (c) => c.notNull().defaultTo(0))
        .addColumn('revoked_at', time)
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('devices_store').on('devices').column('store_id').execute();

      await db.schema
        .createTable('enrollment_codes')
        .addColumn('code_hash', 'text', (c) => c.primaryKey())
        .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('expires_at', time, (c) => c.notNull())
        .addColumn('used_at', time)
        .addColumn('device_id', 'text')
        .execute();

      await db.schema
        .createTable('refresh_families')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('expires_at', time, (c) => c.notNull())
        .addColumn('last_used_at', time, (c) => c.notNull())
        .addColumn('revoked_at', time)
        .addColumn('revoked_reason', 'text')
        .addColumn('user_agent', 'text')
        .execute();
      await db.schema
        .createIndex('refresh_families_user')
        .on('refresh_families')
        .column('user_id')
        .execute();

      await db.schema
        .createTable('refresh_tokens')
        // The hash is the key: the one lookup a refresh makes, and one index fewer to write.
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('family_id', 'text', (c) =>
          c.notNull().references('refresh_families.id').onDelete('cascade'),
        )
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('used_at', time)
        .execute();
      await db.schema
        .createIndex('refresh_tokens_family')
        .on('refresh_tokens')
        .column('family_id')
        .execute();

      // Failed sign-ins per account or unknown address (see schema.ts); survives restarts.
      await db.schema
        .createTable('sign_in_failures')
        .addColumn('subject', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('last_failed_at', time, (c) => c.notNull())
        .addColumn('locked_until', time)
        .addColumn('locked_by_admin', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();

      await db.schema
        .createTable('one_time_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('payload', 'text')
        .addColumn('expires_at', time, (c) => c.notNull())
        .addColumn('used_at', time)
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('one_time_tokens_user')
        .on('one_time_tokens')
        .columns(['user_id', 'purpose'])
        .execute();

      await db.schema
        .createTable('policies')
        .addColumn('version', 'integer', (c) => c.primaryKey())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('created_by', 'text')
        .execute();

      await db.schema
        .createTable('audit_events')
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('seq', time, (c) => c.notNull())
        .addColumn('store_id', 'text', (c) => c.notNull())
        .addColumn('at', time, (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_name', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text')
        .addColumn('target_name', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('mac', 'text', (c) => c.notNull())
        .addColumn('received_at', time, (c) => c.notNull())
        // Idempotent upload (invariant 7): each device's entry exists once.
        .addPrimaryKeyConstraint('audit_events_pk', ['device_id', 'seq'])
        .execute();
      await db.schema
        .createIndex('audit_events_store_at')
        .on('audit_events')
        .columns(['store_id', 'at'])
        .execute();
      await db.schema
        .createIndex('audit_events_actor')
        .on('audit_events')
        .columns(['actor_id', 'at'])
        .execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('response', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['device_id', 'key'])
        .execute();

      await db.schema
        .createTable('server_audit')
        .addColumn('id', serial, (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('at', time, (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text')
        .addColumn('store_id', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('counters')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('store_membership_removals')
        .addColumn('seq', time, (c) => c.primaryKey())
        .addColumn('store_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('store_membership_removals_store')
        .on('store_membership_removals')
        .columns(['store_id', 'seq'])
        .execute();
      await membershipTriggers(db, dialect);

      await db.schema
        .createTable('totp_step_uses')
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('step', time, (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('seq', time, (c) => c.notNull())
        .addColumn('at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('totp_step_uses_pk', ['person_id', 'step', 'device_id'])
        .execute();
    },
  };
}

/**
 * Store membership is what decides which accounts a store PC holds, so every change to
 * user_stores — whatever code path makes it, including the cascade when a user or a store is
 * deleted — is numbered from the 'users' counter (the pull cursor, see services/change-seq.ts):
 * - an insert moves the user's change_seq up, so the store's PCs pull the account;
 * - a delete leaves a tombstone in store_membership_removals, so they drop it.
 * Same counter row, same lock until commit: sequence order stays commit order.
 */
async function membershipTriggers(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`
      CREATE FUNCTION kh_user_stores_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE next_seq bigint;
      BEGIN
        INSERT INTO counters (name, value) VALUES ('users', 1)
          ON CONFLICT (name) DO UPDATE SET value = counters.value + 1
          RETURNING value INTO next_seq;
        IF TG_OP = 'DELETE' THEN
          INSERT INTO store_membership_removals (seq, store_id, user_id)
            VALUES (next_seq, OLD.store_id, OLD.user_id);
          RETURN OLD;
        END IF;
        UPDATE users SET change_seq = next_seq WHERE id = NEW.user_id;
        RETURN NEW;
      END $$`.execute(db);
    await sql`
      CREATE TRIGGER user_stores_changed AFTER INSERT OR DELETE ON user_stores
        FOR EACH ROW EXECUTE FUNCTION kh_user_stores_changed()`.execute(db);
    return;
  }
  const bump = sql.raw(`
      INSERT OR IGNORE INTO counters (name, value) VALUES ('users', 0);
      UPDATE counters SET value = value + 1 WHERE name = 'users';`);
  await sql`
    CREATE TRIGGER user_stores_added AFTER INSERT ON user_stores BEGIN ${bump}
      UPDATE users SET change_seq = (SELECT value FROM counters WHERE name = 'users')
        WHERE id = NEW.user_id;
    END`.execute(db);
  await sql`
    CREATE TRIGGER user_stores_removed AFTER DELETE ON user_stores BEGIN ${bump}
      INSERT INTO store_membership_removals (seq, store_id, user_id)
        SELECT value, OLD.store_id, OLD.user_id FROM counters WHERE name = 'users';
    END`.execute(db);
}
