import type { Kysely } from 'kysely';
import type { Dialect } from '../database';

/**
 * 003 — rate-limit counters in the database. FROZEN once released: add a new migration.
 *
 * With RATE_LIMIT_STORE=database, every instance of the server counts requests in this table
 * (plugins/rate-limit-store.ts), so several instances behind one address enforce one limit
 * instead of one each. `key` is a SHA-256 of the limiter's key (a route and a client address or
 * an account), never the address or email itself; `reset_at` ends the counter's window.
 */
export function migration003(dialect: Dialect) {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('rate_limit_counters')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('reset_at', time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('rate_limit_counters_reset')
        .on('rate_limit_counters')
        .column('reset_at')
        .execute();
    },
  };
}
