import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';

export interface ServerEventView {
  id: number;
  at: number;
  actorId: string | null;
  action: string;
  targetId: string | null;
  storeId: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

/**
 * The server's own security events (server_audit): sign-ins to the admin API, store and device
 * changes, policy versions, sync conflicts, chain breaks, TOTP codes used on two PCs.
 * `storeIds` null: everything (admins); otherwise only events of those stores.
 */
export async function searchServerEvents(
  db: Kysely<DB>,
  f: {
    storeIds: string[] | null;
    action?: string | undefined;
    outcome?: string | undefined;
    from?: number | undefined;
    to?: number | undefined;
  },
  page: { limit: number; offset: number },
): Promise<{ total: number; events: ServerEventView[] }> {
  if (f.storeIds?.length === 0) return { total: 0, events: [] };
  const base = db
    .selectFrom('server_audit as a')
    .$if(f.storeIds !== null, (q) => q.where('a.store_id', 'in', f.storeIds!))
    .$if(f.action !== undefined, (q) => q.where('a.action', '=', f.action!))
    .$if(f.outcome !== undefined, (q) => q.where('a.outcome', '=', f.outcome!))
    .$if(f.from !== undefined, (q) => q.where('a.at', '>=', f.from!))
    .$if(f.to !== undefined, (q) => q.where('a.at', '<', f.to!));
  const counted = await base
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await base
    .selectAll('a')
    .orderBy('a.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return {
    total: Number(counted.n),
    events: rows.map((r) => ({
      id: Number(r.id),
      at: Number(r.at),
      actorId: r.actor_id,
      action: r.action,
      targetId: r.target_id,
      storeId: r.store_id,
      outcome: r.outcome,
      details: JSON.parse(r.details) as Record<string, unknown>,
    })),
  };
}
