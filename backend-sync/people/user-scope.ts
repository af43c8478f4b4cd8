import type { Kysely } from 'kysely';
import { canManage } from '../../common/rbac/permissions';
import type { DB, UsersTable } from '../db/schema';
import { conflict, HttpError, notFound } from '../errors';
import { storesOf, type Actor, type PeopleDeps, type StoreRef } from './people-deps';
import type { UserView } from './people.schemas';

/*
 * People across stores, for admins and managers (routes/users.routes.ts), served by
 * user-directory, users, user-access and user-recovery services; this file holds the scope
 * they share.
 *
 * Scope (on top of the route's permission): an admin sees and manages everyone; a manager only
 * viewers who share at least one of the manager's stores, and of their stores sees only the
 * manager's own. Anyone else does not exist for the caller: 404, the same as an unknown id, so
 * a manager cannot even learn that store B's people exist. Using something out of scope as a
 * value (granting a role above your own, assigning a store not yours) is a 403.
 *
 * Every change bumps `users.change_seq` in its transaction so store PCs pull it; role, status and
 * 2FA resets are audited with before and after; disabling and a 2FA reset revoke every session
 * at once. Passwords
 * are never chosen, seen or set here: new accounts get a verification mail, and a reset sends
 * the person a reset mail.
 */

export type Role = UsersTable['role'];

export const VIEW_COLUMNS = [
  'id',
  'email',
  'username',
  'display_name',
  'role',
  'status',
  'email_verified_at',
  'totp_secret',
  'created_at',
  'updated_at',
] as const;

export type ViewRow = Pick<UsersTable, (typeof VIEW_COLUMNS)[number]>;

export interface Target extends ViewRow {
  storeIds: string[];
}

export const storesRequired = () =>
  new HttpError(400, 'stores_required', 'Assign managers and viewers to at least one store.');
export const notVerified = () =>
  conflict(
    'not_verified',
    'This person has not confirmed their email address yet: resend the verification instead.',
  );
export const accountDisabled = () =>
  conflict('account_disabled', 'This account is disabled: enable it first.');

/** The target as the caller may see it, or 404. Erased people do not exist. */
export async function visibleTarget(
  d: Pick<PeopleDeps, 'dialect'>,
  actor: Actor,
  executor: Kysely<DB>,
  id: string,
  options: { lock?: boolean } = {},
): Promise<Target> {
  let q = executor
    .selectFrom('users')
    .select(VIEW_COLUMNS)
    .where('id', '=', id)
    .where('erased_at', 'is', null);
  // PostgreSQL: concurrent changes of one person queue up behind this row lock.
  if (options.lock && d.dialect === 'postgres') q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound();
  const stores = await executor
    .selectFrom('user_stores')
    .select('store_id')
    .where('user_id', '=', id)
    .execute();
  const target: Target = { ...row, storeIds: stores.map((s) => s.store_id) };
  if (!isVisible(actor, target)) throw notFound();
  return target;
}

/**
 * The person as the caller sees them now. `afterOwnChange`: checked in an admin's scope, for the
 * result of a change the caller just made (see UsersService.update).
 */
export async function userView(
  d: Pick<PeopleDeps, 'db' | 'dialect'>,
  actor: Actor,
  id: string,
  options: { afterOwnChange?: boolean } = {},
): Promise<UserView> {
  const target = await visibleTarget(
    d,
    options.afterOwnChange ? { ...actor, role: 'admin' } : actor,
    d.db,
    id,
  );
  const [view] = await userViews(d, actor, [target]);
  return view!;
}

/** Views of rows already in scope, each with only the stores the caller may see. */
export async function userViews(
  d: Pick<PeopleDeps, 'db'>,
  actor: Actor,
  rows: ViewRow[],
): Promise<UserView[]> {
  const stores = await storesOf(
    d.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toView(r, scopeStores(actor, stores.get(r.id) ?? [])));
}

export function isVisible(actor: Actor, target: { role: Role; storeIds: string[] }): boolean {
  if (actor.role === 'admin') return true;
  return (
    canManage(actor.role, target.role) && target.storeIds.some((s) => actor.storeIds.includes(s))
  );
}

function scopeStores(actor: Actor, stores: StoreRef[]): StoreRef[] {
  return actor.role === 'admin' ? stores : stores.filter((s) => actor.storeIds.includes(s.id));
}

function toView(r: ViewRow, stores: StoreRef[]): UserView {
  return {
    id: r.id,
    email: r.email,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    status: r.status,
    emailVerified: r.email_verified_at !== null,
    totpEnabled: r.totp_secret !== null,
    stores,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
