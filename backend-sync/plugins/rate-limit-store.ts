import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { ServerClock } from '../clock';
import { sha256Hex } from '../auth/secret-tokens';
import { statement } from '../db/compiled';
import type { Database } from '../db/database';

/**
 * Rate-limit counters in the database (RATE_LIMIT_STORE=database), for several server
 * instances behind one address: each instance's in-memory counters would let a client make N
 * times the limit; these are shared.
 *
 * - One statement per counted request: an upsert that starts a new window once the last one has
 *   ended, else adds one, and returns the count and the window's end. Concurrent requests (from
 *   any instance) each get their own count: the row is updated atomically.
 * - Keys are stored as SHA-256 hashes: the table holds no client address and no email.
 * - A route's own limit counts under the route ("POST/api/v1/auth/sign-in-" + address), as the
 *   in-memory store keeps one counter set per route. Limits made with `createRateLimit` (per
 *   account, per name) have no route: their keys carry their own prefix (`email:`, `user:`, …).
 * - Ended windows are deleted at most once a minute, by the request that finds it due.
 * - Time is the server's clock, so a window's end is the same for every instance.
 * - A database error fails the request (a generic 500), like any other request needing it.
 */
export function databaseRateLimitStore(
  database: Database,
  clock: ServerClock,
): FastifyRateLimitStoreCtor {
  // Through the statement runner: on SQLite the upserts of concurrent requests share commits.
  const { statements, dialect } = database;
  const count = statement(`insert into rate_limit_counters (key, count, reset_at) values (?, 1, ?)
    on conflict (key) do update set
      count = case when rate_limit_counters.reset_at <= ? then 1
        else rate_limit_counters.count + 1 end,
      reset_at = case when rate_limit_counters.reset_at <= ? then excluded.reset_at
        else rate_limit_counters.reset_at end
    returning count, reset_at`);
  const sweep = statement('delete from rate_limit_counters where reset_at <= ?');
  let lastSweep = 0;

  class DatabaseRateLimitStore implements FastifyRateLimitStore {
    private readonly prefix: string;

    /** `new Store(options)` from the plugin (no prefix), or a route's child (its prefix). */
    constructor(prefix?: unknown) {
      this.prefix = typeof prefix === 'string' ? prefix : '';
    }

    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      const now = clock.nowMs();
      const query = count(dialect, [sha256Hex(this.prefix + key), now + timeWindow, now, now]);
      statements.write<{ count: number | string; reset_at: number | string }>(query).then(
        ([row]) => {
          if (!row) return callback(new Error('rate-limit counter not returned'));
          callback(null, {
            current: Number(row.count),
            ttl: Math.max(0, Number(row.reset_at) - now),
          });
        },
        (error: Error) => callback(error),
      );
      if (now - lastSweep >= 60_000) {
        lastSweep = now;
        statements.write(sweep(dialect, [now])).catch(() => {
          // The next sweep takes them: an ended window never counts again anyway.
        });
      }
    }

    // At run time the plugin passes its merged limit options, with the route as `routeInfo`
    // (empty for `createRateLimit`), not what its type declarations say.
    child(options: object): FastifyRateLimitStore {
      const route = (options as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo;
      const routePrefix =
        typeof route?.method === 'string' && typeof route.url === 'string'
          ? `${route.method}${route.url}-`
          : '';
      return new DatabaseRateLimitStore(this.prefix + routePrefix);
    }
  }
  return DatabaseRateLimitStore as unknown as FastifyRateLimitStoreCtor;
}
