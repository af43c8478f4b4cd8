import type { Kysely } from 'kysely';
import type { PullQuery, PullResponse, SyncedAccount } from '../../common/sync/protocol';
import type { DB } from '../db/schema';
import type { PolicyService } from '../policies/policy.service';
import type { DevicePrincipal } from './device-auth';

export interface StoreInfo {
  id: string;
  name: string;
  brand: string;
}

/**
 * `GET /pull` (invariant 6). Which accounts a store PC holds: the people assigned to its store
 * (user_stores), whatever their role — an admin who works at a till is assigned to that store
 * like anyone else. Not every admin of the franchise: each PC holding every admin's password
 * hash and TOTP secret would make any stolen PC a key to the whole franchise.
 *
 * One numbering orders everything: users.change_seq and the tombstones of
 * store_membership_removals both come from the 'users' counter, and the cursor is a number of
 * that sequence. All reads run in one snapshot (REPEATABLE READ on PostgreSQL, one read
 * transaction on SQLite), so the cursor never passes a change the page did not see.
 *
 * Every account appears once, in its current state: active → `accounts` (paged, oldest change
 * first); disabled → `revocations.disabledAccountIds`; erased, pending or no longer assigned →
 * `revocations.removedAccountIds`. Revocations are few and come whole in every page, so a PC
 * applies all of them before anything else, even mid-way through a long catch-up.
 */
export class PullService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly now: () => number,
    private readonly policies: PolicyService,
  ) {}

  async pull(
    device: DevicePrincipal,
    query: PullQuery,
  ): Promise<PullResponse & { store: StoreInfo }> {
    const storeId = device.storeId;
    const page = await this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (tx) => {
        const counter = await tx
          .selectFrom('counters')
          .select('value')
          .where('name', '=', 'users')
          .executeTakeFirst();
        const head = Number(counter?.value ?? 0);
        // A cursor the server never issued (its data was restored from a backup): start over.
        const since = query.since > head ? 0 : query.since;
        const revoked = await tx
          .selectFrom('users as u')
          .innerJoin('user_stores as us', 'us.user_id', 'u.id')
          .select(['u.id', 'u.status', 'u.erased_at'])
          .where('us.store_id', '=', storeId)
          .where('u.change_seq', '>', since)
          .where((eb) => eb.or([eb('u.status', '!=', 'active'), eb('u.erased_at', 'is not', null)]))
          .execute();
        const removed = await tx
          .selectFrom('store_membership_removals as r')
          .select('r.user_id')
          .distinct()
          .where('r.store_id', '=', storeId)
          .where('r.seq', '>', since)
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('user_stores as us')
                  .select('us.user_id')
                  .whereRef('us.user_id', '=', 'r.user_id')
                  .where('us.store_id', '=', storeId),
              ),
            ),
          )
          .execute();
        const accounts = await tx
          .selectFrom('users as u')
          .innerJoin('user_stores as us', 'us.user_id', 'u.id')
          .select([
            'u.id',
            'u.username',
            'u.display_name',
            'u.email',
            'u.role',
            'u.password_hash',
            'u.password_changed_at',
            'u.must_change_password',
            'u.totp_secret',
            'u.change_seq',
          ])
          .where('us.store_id', '=', storeId)
          .where('u.change_seq', '>', since)
          .where('u.status', '=', 'active')
          .where('u.erased_at', 'is', null)
          .orderBy('u.change_seq')
          .orderBy('u.id')
          .limit(query.limit + 1)
          .execute();
        const store = await tx
          .selectFrom('stores')
          .select(['id', 'name', 'brand'])
          .where('id', '=', storeId)
          .executeTakeFirstOrThrow();
        return { head, since, revoked, removed, accounts, store };
      });

    const more = page.accounts.length > query.limit;
    const accounts = page.accounts.slice(0, query.limit).map((u): SyncedAccount => ({
      id: u.id,
      username: u.username,
      displayName: u.display_name,
      email: u.email,
      role: u.role,
      status: 'active',
      passwordHash: u.password_hash,
      passwordChangedAt: u.password_changed_at === null ? null : Number(u.password_changed_at),
      mustChangePassword: Number(u.must_change_password) === 1,
      totpSecret: u.totp_secret,
      version: Number(u.change_seq),
    }));
    const disabled = page.revoked
      .filter((u) => u.status === 'disabled' && u.erased_at === null)
      .map((u) => u.id);
    const removedIds = new Set([
      ...page.revoked.filter((u) => !disabled.includes(u.id)).map((u) => u.id),
      ...page.removed.map((r) => r.user_id),
    ]);
    // With more pages, the next one starts after the last account sent; otherwise the cursor
    // moves to the head of the sequence as this snapshot saw it (everything up to it is here).
    const cursor = more ? accounts[accounts.length - 1]!.version : Math.max(page.head, page.since);

    const policy = await this.policies.currentBundle();
    const now = this.now();
    await this.db
      .updateTable('devices')
      .set({
        last_sync_at: now,
        ...(query.appVersion !== undefined ? { app_version: query.appVersion } : {}),
        ...(query.auditHead !== undefined ? { reported_seq: query.auditHead } : {}),
      })
      .where('id', '=', device.deviceId)
      .execute();

    return {
      cursor,
      serverTime: now,
      fullSync: page.since === 0,
      store: page.store,
      revocations: { disabledAccountIds: disabled, removedAccountIds: [...removedIds].sort() },
      accounts,
      policy:
        query.policyVersion === undefined || policy.version > query.policyVersion ? policy : null,
      more,
    };
  }
}
