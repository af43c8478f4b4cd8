import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  pullResponseSchema,
  SYNC_API_PREFIX,
  type PullResponse,
} from '../../../common/sync/protocol';
import {
  call,
  createPerson,
  createStore,
  enrollPc,
  startAdminApi,
  type AdminApi,
  type EnrolledPc,
  type Person,
} from '../stores/support/admin-api';
import { describeEachDialect } from '../support/server-harness';

/**
 * What an admin or manager changes through the users API must reach the store PCs on their next
 * pull: disable (a revocation), enable (the account again), a role change, a 2FA reset (no TOTP
 * key: the PC asks for a new enrollment). Each goes through the real route, not the database.
 */
describeEachDialect('users API changes reach the store PCs', (dialect) => {
  let api: AdminApi;
  let pc: EnrolledPc;
  let crew: Person;
  let lead: Person;
  let cursor = 0;
  beforeAll(async () => {
    api = await startAdminApi(dialect);
    const store = await createStore(api, 'Maple Street');
    crew = await createPerson(api, { role: 'viewer', stores: [store] });
    lead = await createPerson(api, { role: 'manager', stores: [store] });
    pc = await enrollPc(api, store);
    cursor = (await pull()).cursor;
  });
  afterAll(() => api.s.close());

  async function pull(): Promise<PullResponse> {
    const r = await call(
      api.s,
      'GET',
      `${SYNC_API_PREFIX}/pull?since=${cursor}`,
      null,
      undefined,
      pc.auth,
    );
    expect(r.statusCode, r.body).toBe(200);
    const page = pullResponseSchema.parse(r.json());
    expect(page.cursor).toBeGreaterThanOrEqual(cursor);
    cursor = page.cursor;
    return page;
  }
  const users = (method: 'PUT' | 'POST', path: string, body?: unknown) =>
    call(api.s, method, `/api/v1/users/${path}`, api.admin, body);

  it('disable, then enable', async () => {
    const off = await users('PUT', `${crew.id}/status`, { status: 'disabled' });
    expect(off.statusCode, off.body).toBe(200);
    const page = await pull();
    expect(page.revocations.disabledAccountIds).toEqual([crew.id]);
    expect(page.accounts).toEqual([]);

    const on = await users('PUT', `${crew.id}/status`, { status: 'active' });
    expect(on.statusCode, on.body).toBe(200);
    const back = await pull();
    expect(back.revocations).toEqual({
      disabledAccountIds: [],
      disabledAccounts: [],
      removedAccountIds: [],
    });
    expect(back.accounts.map((a) => [a.id, a.status])).toEqual([[crew.id, 'active']]);
  });

  it('a role change', async () => {
    const r = await users('PUT', `${lead.id}/role`, { role: 'viewer' });
    expect(r.statusCode, r.body).toBe(200);
    const page = await pull();
    expect(page.accounts.map((a) => [a.id, a.role])).toEqual([[lead.id, 'viewer']]);
  });

  it('a 2FA reset: the account comes without a TOTP key', async () => {
    expect(crew.secret).toEqual(expect.any(String));
    const r = await users('POST', `${crew.id}/two-factor-reset`);
    expect(r.statusCode, r.body).toBe(200);
    const page = await pull();
    expect(page.accounts.map((a) => [a.id, a.totpSecret])).toEqual([[crew.id, null]]);
    // Nothing else changed for the PC.
    expect(await pull()).toMatchObject({ accounts: [], cursor });
  });
});
