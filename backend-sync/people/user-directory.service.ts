import { sql } from 'kysely';
import { lockoutSubject } from '../auth/lockout.service';
import type { UsersTable } from '../db/schema';
import { badRequest, forbidden } from '../errors';
import type { Actor, PeopleDeps } from './people-deps';
import type { UserView } from './people.schemas';
import { userViews, VIEW_COLUMNS, visibleTarget, type Role } from './user-scope';

export interface ListFilters {
  store?: string | undefined;
  role?: Role | undefined;
  status?: UsersTable['status'] | undefined;
  q?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Reading people across stores, in the caller's scope (user-scope.ts). */
export class UserDirectoryService {
  constructor(private readonly d: PeopleDeps) {}

  async list(
    actor: Actor,
    f: ListFilters,
  ): Promise<{ users: Array<UserView & { locked: boolean }>; nextCursor: string | null }> {
    if (actor.role !== 'admin' && actor.storeIds.length === 0)
      return { users: [], nextCursor: null };
    if (f.store && actor.role !== 'admin' && !actor.storeIds.includes(f.store)) throw forbidden();
    let q = this.d.db
      .selectFrom('users as u')
      .select(VIEW_COLUMNS.map((c) => `u.${c}` as const))
      .where('u.erased_at', 'is', null);
    if (actor.role !== 'admin') {
      q = q
        .where('u.role', '=', 'viewer')
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('user_stores as us')
              .select('us.user_id')
              .whereRef('us.user_id', '=', 'u.id')
              .where('us.store_id', 'in', actor.storeIds),
          ),
        );
    }
    if (f.store) {
      const store = f.store;
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('user_stores as fs')
            .select('fs.user_id')
            .whereRef('fs.user_id', '=', 'u.id')
            .where('fs.store_id', '=', store),
        ),
      );
    }
    if (f.role) q = q.where('u.role', '=', f.role);
    if (f.status) q = q.where('u.status', '=', f.status);
    if (f.q) {
      const pattern = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const like = (col: string) =>
        sql<boolean>`lower(${sql.ref(col)}) like ${pattern} escape '\\'`;
      q = q.where((eb) => eb.or([like('u.email'), like('u.username'), like('u.display_name')]));
    }
    const after = f.cursor ? decodeCursor(f.cursor) : null;
    if (f.cursor && after === null) throw badRequest();
    if (after !== null) q = q.where('u.email', '>', after);
    const rows = await q
      .orderBy('u.email')
      .limit(f.limit + 1)
      .execute();
    const page = rows.slice(0, f.limit);
    // Whether each is locked out of signing in, so an admin sees whom to unlock.
    const locked = await this.d.lockout.lockedAmong(
      page.map((u) => lockoutSubject({ id: u.id }, '')),
      this.d.clock.nowMs(),
    );
    const users = (await userViews(this.d, actor, page)).map((u) => ({
      ...u,
      locked: locked.has(lockoutSubject({ id: u.id }, '')),
    }));
    const last = page.at(-1);
    return {
      users,
      nextCursor: rows.length > f.limit && last ? encodeCursor(last.email) : null,
    };
  }

  async get(actor: Actor, id: string): Promise<UserView & { locked: boolean }> {
    const target = await visibleTarget(this.d, actor, this.d.db, id);
    const state = await this.d.lockout.check(lockoutSubject({ id }, ''), this.d.clock.nowMs());
    const [view] = await userViews(this.d, actor, [target]);
    return { ...view!, locked: state.state === 'locked' };
  }
}

function encodeCursor(email: string): string {
  return Buffer.from(email, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const value = Buffer.from(cursor, 'base64url').toString('utf8');
  return value.length > 0 && value.length <= 254 ? value : null;
}
