import type { Kysely } from 'kysely';
import type { Principal } from '../auth/auth.plugin';
import type { DB } from '../db/schema';
import { notFound } from '../errors';

/**
 * Which stores a signed-in person may see: admins every store, anyone else only the stores
 * they are assigned to (user_stores). Route permissions (requirePermission) decide *what* a role
 * may do; this decides *where*. A store outside the caller's scope answers exactly like a store
 * that does not exist (404), so a manager cannot even learn which store ids are real.
 */
export type StoreScope = { all: true } | { all: false; storeIds: string[] };

export async function storeScopeOf(db: Kysely<DB>, principal: Principal): Promise<StoreScope> {
  if (principal.role === 'admin') return { all: true };
  const rows = await db
    .selectFrom('user_stores')
    .select('store_id')
    .where('user_id', '=', principal.userId)
    .execute();
  return { all: false, storeIds: rows.map((r) => r.store_id) };
}

export function scopeIncludes(scope: StoreScope, storeId: string): boolean {
  return scope.all || scope.storeIds.includes(storeId);
}

/** 404 unless the store exists and is in the caller's scope. */
export async function assertStoreVisible(
  db: Kysely<DB>,
  principal: Principal,
  storeId: string,
): Promise<void> {
  const scope = await storeScopeOf(db, principal);
  if (!scopeIncludes(scope, storeId)) throw notFound();
  const store = await db
    .selectFrom('stores')
    .select('id')
    .where('id', '=', storeId)
    .executeTakeFirst();
  if (!store) throw notFound();
}

/**
 * The store ids a query may read: `requested` (after checking it is visible), or every store in
 * scope (null = no restriction, for admins).
 */
export async function readableStores(
  db: Kysely<DB>,
  principal: Principal,
  requested: string | undefined,
): Promise<string[] | null> {
  if (requested) {
    await assertStoreVisible(db, principal, requested);
    return [requested];
  }
  const scope = await storeScopeOf(db, principal);
  return scope.all ? null : scope.storeIds;
}
