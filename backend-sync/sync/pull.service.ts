import type { ServerClock } from '../clock';
import type { Kysely } from 'kysely';
import type { PullQuery, PullResponse, SyncedAccount } from '../../common/sync/protocol';
import type { HeldAccount, SyncReceipt } from '../../common/sync/signed-records';
import { statement } from '../db/compiled';
import type { Dialect } from '../db/dialect';
import type { DB } from '../db/schema';
import type { PolicyService } from '../policies/policy.service';
import type { TotpSecretBox } from '../auth/totp-secret-box';
import { recordChainBreak } from './chain-breaks';
import type { DevicePrincipal } from './device-auth';
import { accountsDigest, type RecordSigner } from './record-signer';

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
 * A page is a keyset read: user_stores carries each membership's change_seq and whether the
 * person is active (kept by a trigger, migration 008), indexed (store_id, active, change_seq,
 * user_id), so a page reads the rows after the cursor and no more, whatever the store's size.
 * Only the receipt's digest needs every member; it is computed once per head of the store
 * (the highest number any of its memberships or removals took) and cached.
 *
 * Every account appears once, in its current state: active → `accounts` (paged, oldest change
 * first); disabled → `revocations.disabledAccountIds`; erased, pending or no longer assigned →
 * `revocations.removedAccountIds`. Revocations are few and come whole in every page, so a PC
 * applies all of them before anything else, even mid-way through a long catch-up.
 *
 * Most pulls find nothing new. Every pull first records itself on the device (last sync, app
 * version, audit head) in one UPDATE that also returns the sequence's head, the store's head
 * and the current policy version; when nothing of the store is numbered after the cursor, the
 * answer is known without the snapshot queries (no accounts, no revocations, the sequence's
 * head as the cursor; the policy only if the PC's is older)
 * and is sent from there (tests/backend/sync/pull-unchanged.test.ts compares it with the full
 * path's).
 */
export class PullService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
    private readonly clock: ServerClock,
    private readonly policies: PolicyService,
    /** Opens the sealed TOTP secrets: a store PC needs them to check codes offline. */
    private readonly totpSecrets: TotpSecretBox,
    /** Signs account records and receipts with the key the PCs pinned. */
    private readonly signer: RecordSigner,
  ) {}

  /** storeId → the accounts digest at one head of the store (`storeHead`). */
  private readonly digests = new Map<string, { head: number; digest: string }>();

  async pull(
    device: DevicePrincipal,
    query: PullQuery,
  ): Promise<PullResponse & { store: StoreInfo }> {
    const now = this.clock.nowMs();
    // The device's sync time and what it reports, and where the sequence and the policy stand,
    // in one statement (one commit).
    const reported = query.auditHead ?? null;
    const { rows } = await this.db.executeQuery<
      StoreHeads & {
        head: number | string | null;
        policy: number | string | null;
        reported_seq: number | string;
      }
    >(
      touchDevice(this.dialect, [
        now,
        query.appVersion ?? null,
        reported,
        reported,
        reported,
        device.deviceId,
        ...storeHeadParams(device.storeId),
      ]),
    );
    const mark = rows[0];
    if (mark && reported !== null && Number(mark.reported_seq) > reported) {
      await recordChainBreak(this.db, now, device, {
        reason: 'head_went_back',
        reportedSeq: Number(mark.reported_seq),
        nowSeq: reported,
      });
    }
    const head = Number(mark?.head ?? 0);
    const unchanged = mark && query.since <= head && storeHead(mark) <= query.since;
    const digest = unchanged ? this.cachedDigest(device.storeId, storeHead(mark)) : null;
    if (mark && device.store && digest) {
      // Nothing of this store was numbered after the cursor: none of its accounts changed and
      // no revocation or removal happened since (all of them take a number of the 'users'
      // sequence, and a number is only visible once the change that took it has committed).
      // The full path below would find nothing either and move the cursor to the head; so
      // does this answer.
      const policy = await this.policies.bundleAt(Number(mark.policy ?? 0));
      return {
        cursor: head,
        serverTime: now,
        fullSync: query.since === 0,
        store: device.store,
        revocations: { disabledAccountIds: [], disabledAccounts: [], removedAccountIds: [] },
        accounts: [],
        policy:
          query.policyVersion === undefined || policy.version > query.policyVersion ? policy : null,
        more: false,
        receipt: this.receipt(device, query, now, head, policy.version, digest),
      };
    }
    return this.fullPull(device, query, now);
  }

  private cachedDigest(storeId: string, head: number): string | null {
    const cached = this.digests.get(storeId);
    return cached?.head === head ? cached.digest : null;
  }

  private receipt(
    device: DevicePrincipal,
    query: PullQuery,
    now: number,
    cursor: number,
    policyVersion: number,
    digest: string,
  ): SyncReceipt {
    return this.signer.receipt({
      deviceId: device.deviceId,
      storeId: device.storeId,
      serverTime: now,
      auditHead: query.auditHead ?? 0,
      cursor,
      policyVersion,
      accountsDigest: digest,
    });
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
        const heads = (await tx.executeQuery<StoreHeads>(storeHeads(this.dialect, storeId)))
          .rows[0];
        const digestHead = heads ? storeHead(heads) : 0;
        // A cursor the server never issued (its data was restored from a backup): start over.
        const since = query.since > head ? 0 : query.since;
        // Revocations and accounts are ranges of the index (store_id, active, change_seq).
        const revoked = await tx
          .selectFrom('user_stores as us')
          .innerJoin('users as u', 'u.id', 'us.user_id')
          .select([
            'u.id',
            'u.status',
            'u.erased_at',
            'u.username',
            'u.display_name',
            'u.email',
            'u.role',
            'u.change_seq',
          ])
          .where('us.store_id', '=', storeId)
          .where('us.active', '=', 0)
          .where('us.change_seq', '>', since)
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
          .selectFrom('user_stores as us')
          .innerJoin('users as u', 'u.id', 'us.user_id')
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
            'u.credential_salt',
            'u.credential_key',
            'u.credential_box',
            'u.change_seq',
          ])
          .where('us.store_id', '=', storeId)
          .where('us.active', '=', 1)
          .where('us.change_seq', '>', since)
          .orderBy('us.change_seq')
          .orderBy('us.user_id')
          .limit(query.limit + 1)
          .execute();
        const store = await tx
          .selectFrom('stores')
          .select(['id', 'name', 'brand'])
          .where('id', '=', storeId)
          .executeTakeFirstOrThrow();
        // The last page's receipt names every account the PC then holds, as of this snapshot:
        // the one read of the whole membership, once per head of the store.
        const cached = this.cachedDigest(storeId, digestHead);
        const members =
          accounts.length > query.limit || cached
            ? null
            : await tx
                .selectFrom('users as u')
                .innerJoin('user_stores as us', 'us.user_id', 'u.id')
                .select(['u.id', 'u.change_seq', 'u.status'])
                .where('us.store_id', '=', storeId)
                .where('u.erased_at', 'is', null)
                .where('u.status', 'in', ['active', 'disabled'])
                .execute();
        return { head, since, revoked, removed, accounts, store, members, digestHead, cached };
      });

    const more = page.accounts.length > query.limit;
    const accounts = page.accounts.slice(0, query.limit).map((u): SyncedAccount =>
      this.signer.account(storeId, {
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
        credential:
          u.credential_salt && u.credential_key && u.credential_box
            ? { salt: u.credential_salt, key: u.credential_key, box: u.credential_box }
            : null,
        version: Number(u.change_seq),
      }),
    );
    // Disabled people travel as signed tombstones: no password, no TOTP secret.
    const tombstones = page.revoked
      .filter((u) => u.status === 'disabled' && u.erased_at === null)
      .map((u) =>
        this.signer.account(storeId, {
          id: u.id,
          username: u.username,
          displayName: u.display_name,
          email: u.email,
          role: u.role,
          status: 'disabled',
          passwordHash: null,
          passwordChangedAt: null,
          mustChangePassword: false,
          temporaryPasswordExpiresAt: null,
          totpSecret: null,
          credential: null,
          version: Number(u.change_seq),
        }),
      );
    const disabled = tombstones.map((u) => u.id);
    const removedIds = new Set([
      ...page.revoked.filter((u) => !disabled.includes(u.id)).map((u) => u.id),
      ...page.removed.map((r) => r.user_id),
    ]);
    // With more pages, the next one starts after the last account sent; otherwise the cursor
    // moves to the head of the sequence as this snapshot saw it (everything up to it is here).
    const cursor = more ? accounts[accounts.length - 1]!.version : Math.max(page.head, page.since);

    const policy = await this.policies.currentBundle();
    let receipt: SyncReceipt | null = null;
    if (!more) {
      let digest = page.cached;
      if (page.members) {
        const held = page.members.map((m): HeldAccount => ({
          id: m.id,
          version: Number(m.change_seq),
          status: m.status === 'disabled' ? 'disabled' : 'active',
        }));
        digest = accountsDigest(held);
        this.digests.set(storeId, { head: page.digestHead, digest });
      }
      receipt = this.receipt(device, query, now, cursor, policy.version, digest!);
    }

    return {
      cursor,
      serverTime: now,
      fullSync: page.since === 0,
      store: page.store,
      revocations: {
        disabledAccountIds: disabled,
        disabledAccounts: tombstones,
        removedAccountIds: [...removedIds].sort(),
      },
      accounts,
      policy:
        query.policyVersion === undefined || policy.version > query.policyVersion ? policy : null,
      more,
      receipt,
    };
  }
}

/**
 * The highest numbers a store's memberships (active and not: two probes of the index, each
 * one row) and its removals took: nothing of the store changed after the greatest of them.
 */
const STORE_HEADS = `(select max(change_seq) from user_stores where store_id = ? and active = 1)
      as active_head,
    (select max(change_seq) from user_stores where store_id = ? and active = 0) as revoked_head,
    (select max(seq) from store_membership_removals where store_id = ?) as removed_head`;
const storeHeadParams = (storeId: string) => [storeId, storeId, storeId];
const storeHeadsQuery = statement(`select ${STORE_HEADS}`);
const storeHeads = (dialect: Dialect, storeId: string) =>
  storeHeadsQuery(dialect, storeHeadParams(storeId));

interface StoreHeads {
  active_head: number | string | null;
  revoked_head: number | string | null;
  removed_head: number | string | null;
}

/** The store's head: the highest number of the 'users' sequence any change to it took. */
function storeHead(heads: StoreHeads): number {
  return Math.max(
    Number(heads.active_head ?? 0),
    Number(heads.revoked_head ?? 0),
    Number(heads.removed_head ?? 0),
  );
}

/**
 * Records the pull on the device (last sync, and the app version and audit head it reports
 * when it does; the head never goes down) and returns the head of the 'users' sequence, the
 * store's heads, the current policy version and the highest audit head the device ever
 * reported.
 */
const touchDevice = statement(`update devices set last_sync_at = ?,
    app_version = coalesce(cast(? as text), app_version),
    reported_seq = case when cast(? as bigint) is null or reported_seq > cast(? as bigint)
      then reported_seq else cast(? as bigint) end
  where id = ?
  returning (select value from counters where name = 'users') as head,
    ${STORE_HEADS},
    (select max(version) from policies) as policy, reported_seq`);
