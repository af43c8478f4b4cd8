import { sql, type Kysely } from 'kysely';
import { sha256Hex } from '../auth/secret-tokens';
import type { DB } from '../db/schema';

/**
 * A cooldown per person on a mail that anyone can make the server send (no session): whoever
 * asks, and from however many addresses, that person gets at most one such mail per window.
 * The per-address and per-name request limits bound the requests; this bounds the mail.
 *
 * One statement in the shared `rate_limit_counters` table (whatever RATE_LIMIT_STORE says), so
 * concurrent requests and several instances agree: the upsert claims the slot only when there
 * is none or the last one's window has ended, and returns a row only when it claimed. The key
 * is a hash (no person id in the table); ended windows are swept with the rate-limit counters.
 */
export async function claimMailSlot(
  db: Kysely<DB>,
  kind: string,
  userId: string,
  now: number,
  cooldownMs: number,
): Promise<boolean> {
  const key = sha256Hex(`mail-cooldown:${kind}:${userId}`);
  const claimed = await sql<{ count: number }>`
    insert into rate_limit_counters (key, count, reset_at) values (${key}, 1, ${now + cooldownMs})
    on conflict (key) do update set count = 1, reset_at = excluded.reset_at
      where rate_limit_counters.reset_at <= ${now}
    returning count`.execute(db);
  return claimed.rows.length > 0;
}
