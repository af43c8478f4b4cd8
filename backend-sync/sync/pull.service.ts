import type { Kysely } from 'kysely';
import type { PullQuery, PullResponse, SyncedAccount } from '../../common/sync/protocol';
import { statement } from '../db/compiled';
import type { Dialect } from '../db/database';
import type { DB } from '../db/schema';
import type { PolicyService } from '../policies/policy.service';
import type { TotpSecretBox } from '../auth/totp-secret-box';
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
 *
 * Most pulls find nothing new. Every pull first records itself on the device (last sync, app
 * version, audit head) in one UPDATE that also returns the sequence's head and the current
 * policy version; when the cursor is that head, the answer is known without the snapshot
 * queries (no accounts, no revocations, the same cursor; the policy only if the PC's is older)
 * and is sent from there (tests/backend/sync/pull-unchanged.test.ts compares it with the full
 * path's).
 */
export class PullService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
    private readonly now: () => number,
    private readonly policies: PolicyService,
    /** Opens the sealed TOTP secrets: a store PC needs them to check codes offline. */
    private readonly totpSecrets: TotpSecretBox,
  ) {}

  async pull(
    device: DevicePrincipal,
    query: PullQuery,
  ): Promise<PullResponse & { store: StoreInfo }> {
    const now = this.now();
    // The device's sync time and what it reports, and where the sequence and the policy stand,
    // in one statement (one commit).
    const { rows } = await this.db.executeQuery<{
      head: number | string | null;
      policy: number | string | null;
    }>(
      touchDevice(this.dialect, [
        now,
        query.appVersion ?? null,
        query.auditHead ?? null,
        device.deviceId,
      ]),
    );
    const mark = rows[0];
    if (mark && device.store && Number(mark.head ?? 0) === query.since) {
      // Nothing was numbered after the cursor: no account changed and no revocation or removal
      // happened since (all of them take a number of the 'users' sequence, and a number is
      // only visible once the change that took it has committed). The full path below would
      // find nothing either; answer from here, with the same cursor.
      const policy = await this.policies.bundleAt(Number(mark.policy ?? 0));
      return {
        cursor: query.since,
        serverTime: now,
        fullSync: query.since === 0,
        store: device.store,
        revocations: { disabledAccountIds: [], removedAccountIds: [] },
        accounts: [],
        policy:
          query.policyVersion === undefined || policy.version > query.policyVersion ? policy : null,
        more: false,
      };
    }
    return this.fullPull(device, query, now);
  }

  private async fullPull(
    device: DevicePrincipal,
    query: PullQuery,
    now: number,
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
            'u.temp_password_expires_at',
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
      temporaryPasswordExpiresAt:
        u.temp_password_expires_at === null ? null : Number(u.temp_password_expires_at),
      totpSecret: this.totpSecrets.openOrNull(u.totp_secret),
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

/**
 * Records the pull on the device (last sync, and the app version and audit head it reports
 * when it does) and returns the head of the 'users' sequence and the current policy version.
 */
const touchDevice = statement(`update devices set last_sync_at = ?,
    app_version = coalesce(cast(? as text), app_version),
    reported_seq = coalesce(cast(? as bigint), reported_seq)
  where id = ?
  returning (select value from counters where name = 'users') as head,
    (select max(version) from policies) as policy`);
