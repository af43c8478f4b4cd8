import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  pullResponseSchema,
  SYNC_API_PREFIX,
  type PullResponse,
} from '../../../common/sync/protocol';
import { accountsDigestInput } from '../../../common/sync/signed-records';
import { createHash } from 'node:crypto';
import {
  assign,
  call,
  createStore,
  enrollPc,
  setStatus,
  startAdminApi,
  unassign,
  type AdminApi,
  type EnrolledPc,
} from '../stores/support/admin-api';
import { describeEachDialect } from '../support/server-harness';
import { insertTestUser } from '../support/user-factory';

/**
 * The pull pages on user_stores (store_id, active, change_seq): a full pull of a store that
 * changes between pages still brings everyone, each person last at their newest version; a
 * change, a revocation and a removal made between two pulls arrive in the next one; another
 * store's changes do not make a PC's pull do more than the unchanged answer.
 */
describeEachDialect('sync pull on the store change sequence', (dialect) => {
  const PEOPLE = 120;
  let api: AdminApi;
  let store: string;
  let other: string;
  let pc: EnrolledPc;
  let ids: string[] = [];
  beforeAll(async () => {
    api = await startAdminApi(dialect);
    store = await createStore(api, 'Maple Street', 'Northwind');
    other = await createStore(api, 'Oak Avenue');
    ids = await addPeople(store, PEOPLE, 'crew');
    await addPeople(other, 5, 'oak');
    pc = await enrollPc(api, store);
  });
  afterAll(() => api.s.close());

  async function addPeople(storeId: string, n: number, prefix: string): Promise<string[]> {
    return api.s.database.db.transaction().execute(async (tx) => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) {
        const user = await insertTestUser(tx, {
          role: 'viewer',
          username: `${prefix}-${storeId.slice(0, 6)}-${i}`,
          passwordHash: null,
          totpSecret: null,
          stores: [storeId],
          now: api.clock.nowMs(),
        });
        out.push(user.id);
      }
      return out;
    });
  }

  const pull = async (since: number, limit = 500): Promise<PullResponse> => {
    const q = `since=${since}&limit=${limit}`;
    const r = await call(api.s, 'GET', `${SYNC_API_PREFIX}/pull?${q}`, null, undefined, pc.auth);
    expect(r.statusCode, r.body).toBe(200);
    return pullResponseSchema.parse(r.json());
  };

  /** What a PC holds after applying pages: id → version, revoked ones dropped. */
  async function pullAll(since: number, limit: number, between?: (page: number) => Promise<void>) {
    const held = new Map<string, number>();
    const seen: string[] = [];
    let cursor = since;
    let last: PullResponse;
    for (let page = 0; ; page++) {
      last = await pull(cursor, limit);
      for (const id of last.revocations.removedAccountIds) held.delete(id);
      for (const id of last.revocations.disabledAccountIds) held.delete(id);
      for (const a of last.accounts) {
        seen.push(`${a.id}@${a.version}`);
        if ((held.get(a.id) ?? 0) < a.version) held.set(a.id, a.version);
      }
      expect(last.cursor).toBeGreaterThanOrEqual(cursor);
      cursor = last.cursor;
      if (!last.more) break;
      await between?.(page);
    }
    return { held, seen, cursor, last: last! };
  }

  const currentVersions = async (storeId: string) =>
    new Map(
      (
        await api.s.database.db
          .selectFrom('users as u')
          .innerJoin('user_stores as us', 'us.user_id', 'u.id')
          .select(['u.id', 'u.change_seq'])
          .where('us.store_id', '=', storeId)
          .where('u.status', '=', 'active')
          .execute()
      ).map((r) => [r.id, Number(r.change_seq)]),
    );

  it('a full pull in pages brings everyone, while people change between pages', async () => {
    const changed: string[] = [];
    const { held, seen, last } = await pullAll(0, 25, async (page) => {
      // One person already sent and one not yet sent change between the pages.
      const sent = ids[page]!;
      const unsent = ids[ids.length - 1 - page]!;
      await setStatus(api, sent, 'active');
      await setStatus(api, unsent, 'active');
      changed.push(sent, unsent);
    });
    expect(new Map([...held].sort())).toEqual(new Map([...(await currentVersions(store))].sort()));
    // Nobody unchanged came twice; nobody came at the same version twice.
    expect(new Set(seen).size).toBe(seen.length);
    const times = new Map<string, number>();
    for (const entry of seen) {
      const id = entry.split('@')[0]!;
      times.set(id, (times.get(id) ?? 0) + 1);
    }
    for (const [id, n] of times) if (!changed.includes(id)) expect(n).toBe(1);
    // The receipt names exactly what the PC now holds.
    const digest = createHash('sha256')
      .update(
        accountsDigestInput(
          [...held].map(([id, version]) => ({ id, version, status: 'active' as const })),
        ),
      )
      .digest('hex');
    expect(last.receipt?.accountsDigest).toBe(digest);
  });

  it('a change, a revocation and a removal between two pulls come in the next', async () => {
    const { cursor } = await pullAll(0, 500);
    const [changed, disabled, removed, erased] = ids.slice(10, 14) as [
      string,
      string,
      string,
      string,
    ];
    await setStatus(api, changed, 'active');
    await setStatus(api, disabled, 'disabled');
    await unassign(api, removed, store);
    await setStatus(api, erased, 'disabled', true);
    const next = await pull(cursor);
    expect(next.accounts.map((a) => a.id)).toEqual([changed]);
    expect(next.revocations.disabledAccountIds).toEqual([disabled]);
    expect(next.revocations.removedAccountIds).toEqual([removed, erased].sort());
    expect(next.more).toBe(false);
    // Back in the store: pulled again.
    await setStatus(api, disabled, 'active');
    await assign(api, removed, store);
    const again = await pull(next.cursor);
    expect(again.accounts.map((a) => a.id).sort()).toEqual([disabled, removed].sort());
    expect(again.revocations.removedAccountIds).toEqual([]);
  });

  it("another store's changes leave this store's pull unchanged", async () => {
    const { cursor } = await pullAll(0, 500);
    await addPeople(other, 3, 'oak-later');
    const next = await pull(cursor);
    expect(next.accounts).toEqual([]);
    expect(next.revocations.removedAccountIds).toEqual([]);
    // The cursor moves to the sequence's head, and from there nothing again.
    expect(next.cursor).toBeGreaterThan(cursor);
    expect((await pull(next.cursor)).cursor).toBe(next.cursor);
  });
});
