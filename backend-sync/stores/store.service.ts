import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/auth.plugin';
import type { ServerClock } from '../clock';
import type { DB } from '../db/schema';
import { conflict, notFound } from '../errors';
import type { ServerAudit } from '../services/server-audit';
import { storeScopeOf } from './store-access';

export interface StoreView {
  id: string;
  name: string;
  brand: string;
  createdAt: number;
  updatedAt: number;
  /** Enrolled devices that are not revoked. */
  activeDevices: number;
  /** People assigned to the store. */
  people: number;
}

/**
 * Stores CRUD (admins), and the list each person may see (managers: their stores only).
 * Every change is written to server_audit with who did it and before/after.
 */
export class StoreService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: ServerClock,
    private readonly audit: ServerAudit,
  ) {}

  async list(principal: Principal): Promise<StoreView[]> {
    const scope = await storeScopeOf(this.db, principal);
    if (!scope.all && scope.storeIds.length === 0) return [];
    return this.query(scope.all ? null : scope.storeIds);
  }

  /** The store, or 404; callers check visibility first (assertStoreVisible). */
  async get(storeId: string): Promise<StoreView> {
    const [store] = await this.query([storeId]);
    if (!store) throw notFound();
    return store;
  }

  async create(actor: Principal, input: { name: string; brand?: string }): Promise<StoreView> {
    const now = this.clock.nowMs();
    const id = randomUUID();
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('stores')
        .values({
          id,
          name: input.name,
          brand: input.brand ?? '',
          created_at: now,
          updated_at: now,
        })
        .execute();
      await this.audit.write(
        {
          action: 'store.create',
          outcome: 'success',
          actorId: actor.userId,
          storeId: id,
          targetId: id,
          details: { name: input.name, brand: input.brand ?? '' },
        },
        tx,
      );
    });
    return this.get(id);
  }

  async update(
    actor: Principal,
    storeId: string,
    patch: { name?: string | undefined; brand?: string | undefined },
  ): Promise<StoreView> {
    await this.db.transaction().execute(async (tx) => {
      const before = await tx
        .selectFrom('stores')
        .select(['name', 'brand'])
        .where('id', '=', storeId)
        .executeTakeFirst();
      if (!before) throw notFound();
      const after = { name: patch.name ?? before.name, brand: patch.brand ?? before.brand };
      await tx
        .updateTable('stores')
        .set({ ...after, updated_at: this.clock.nowMs() })
        .where('id', '=', storeId)
        .execute();
      await this.audit.write(
        {
          action: 'store.update',
          outcome: 'success',
          actorId: actor.userId,
          storeId,
          targetId: storeId,
          details: { before, after },
        },
        tx,
      );
    });
    return this.get(storeId);
  }

  /**
   * Deletes a store that never had a device. A store with devices (even revoked) keeps its row:
   * its audit trail refers to it and must stay readable (invariant 7).
   */
  async remove(actor: Principal, storeId: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const store = await tx
        .selectFrom('stores')
        .select(['name', 'brand'])
        .where('id', '=', storeId)
        .executeTakeFirst();
      if (!store) throw notFound();
      const used = await tx
        .selectFrom('devices')
        .select('id')
        .where('store_id', '=', storeId)
        .limit(1)
        .executeTakeFirst();
      const audited = await tx
        .selectFrom('audit_events')
        .select('seq')
        .where('store_id', '=', storeId)
        .limit(1)
        .executeTakeFirst();
      if (used || audited) {
        throw conflict(
          'store_in_use',
          'This store has devices or audit history, so it is kept. Revoke its devices instead.',
        );
      }
      await tx.deleteFrom('enrollment_codes').where('store_id', '=', storeId).execute();
      await tx.deleteFrom('stores').where('id', '=', storeId).execute();
      await this.audit.write(
        {
          action: 'store.delete',
          outcome: 'success',
          actorId: actor.userId,
          storeId,
          targetId: storeId,
          details: { before: store },
        },
        tx,
      );
    });
  }

  private async query(storeIds: string[] | null): Promise<StoreView[]> {
    const rows = await this.db
      .selectFrom('stores as s')
      .select((eb) => [
        's.id',
        's.name',
        's.brand',
        's.created_at',
        's.updated_at',
        eb
          .selectFrom('devices as d')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('d.store_id', '=', 's.id')
          .where('d.revoked_at', 'is', null)
          .as('active_devices'),
        eb
          .selectFrom('user_stores as us')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('us.store_id', '=', 's.id')
          .as('people'),
      ])
      .$if(storeIds !== null, (q) => q.where('s.id', 'in', storeIds!))
      .orderBy('s.name')
      .orderBy('s.id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      brand: r.brand,
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
      activeDevices: Number(r.active_devices ?? 0),
      people: Number(r.people ?? 0),
    }));
  }
}
