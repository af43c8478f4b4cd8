import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYNC_API_PREFIX } from '../../../common/sync/protocol';
import { expectGenericError } from '../auth/support/auth-helpers';
import {
  call,
  createPerson,
  enrollPc,
  refreshAdmin,
  setStatus,
  startAdminApi,
  type AdminApi,
  type Person,
} from '../stores/support/admin-api';
import { describeEachDialect } from '../support/server-harness';
import {
  buildTwoStores,
  DAY,
  DAY1,
  EVIL_STORE,
  uploadTwoStores,
  type TwoStores,
  type UploadedStores,
} from './support/two-stores';

let data: TwoStores;
beforeAll(async () => {
  data = await buildTwoStores();
});
afterAll(() => data.dispose());

describeEachDialect('analytics', (dialect) => {
  let api: AdminApi;
  let stores: UploadedStores;
  let neverSignedIn: Person;
  let uploadedAt: number;
  let silentPc: string;
  beforeAll(async () => {
    api = await startAdminApi(dialect);
    stores = await uploadTwoStores(api, data);
    uploadedAt = api.clock.nowMs();
    // Ada's account as the server knows it (the PCs hold it under the same id).
    await createPerson(api, { role: 'admin', stores: [stores.northId], id: data.adaId });
    neverSignedIn = await createPerson(api, { role: 'viewer', stores: [stores.southId] });
    await createPerson(api, { role: 'viewer', stores: [stores.southId], status: 'disabled' });
    silentPc = (await enrollPc(api, stores.northId, { name: 'Never synced' })).deviceId;
    const revoked = await enrollPc(api, stores.southId, { name: 'Stolen' });
    const r = await call(api.s, 'POST', `/api/v1/devices/${revoked.deviceId}/revoke`, api.admin);
    expect(r.statusCode).toBe(200);
  });
  afterAll(() => api.s.close());

  const get = async <T>(path: string): Promise<T> => {
    const r = await call(api.s, 'GET', `/api/v1/analytics/${path}`, api.admin);
    expect(r.statusCode, r.body).toBe(200);
    return r.json<T>();
  };

  it('sign-ins, failures and lockouts per store per day', async () => {
    const body = await get<{ days: unknown[]; totals: unknown; range: unknown }>(
      `sign-ins?from=2026-11-28&to=2026-12-01`,
    );
    expect(body.range).toEqual({ from: DAY1 - DAY, to: DAY1 + 2 * DAY });
    expect(body.days).toEqual(
      [
        {
          storeId: stores.southId,
          storeName: EVIL_STORE,
          day: '2026-11-29',
          signIns: 1,
          failures: 11,
          lockouts: 1,
        },
        {
          storeId: stores.northId,
          storeName: 'North',
          day: '2026-11-29',
          signIns: 1,
          failures: 2,
          lockouts: 0,
        },
        {
          storeId: stores.northId,
          storeName: 'North',
          day: '2026-11-30',
          signIns: 1,
          failures: 1,
          lockouts: 0,
        },
      ].sort((a, b) => a.day.localeCompare(b.day) || a.storeName.localeCompare(b.storeName)),
    );
    expect(body.totals).toEqual({ signIns: 3, failures: 14, lockouts: 1 });

    // One store; and days counted in a time zone ten hours behind UTC (09:00 UTC is 23:00 the
    // day before there).
    const north = await get<{ days: { day: string }[] }>(
      `sign-ins?from=2026-11-28&to=2026-12-01&store=${stores.northId}&utcOffsetMinutes=-600`,
    );
    expect(north.days).toMatchObject([
      { day: '2026-11-28', signIns: 1, failures: 2 },
      { day: '2026-11-29', signIns: 1, failures: 1 },
    ]);
    // Default range: the 30 days before now.
    expect((await get<{ range: unknown }>('sign-ins')).range).toEqual({
      from: api.clock.nowMs() - 30 * DAY,
      to: api.clock.nowMs(),
    });
    // Outside the range: nothing.
    expect((await get<{ days: unknown[] }>('sign-ins?from=2026-12-01&to=2026-12-31')).days).toEqual(
      [],
    );
  });

  it('lockouts per account', async () => {
    const body = await get<{ lockouts: unknown[] }>('lockouts?from=2026-11-01&to=2026-12-31');
    expect(body.lockouts).toEqual([
      {
        storeId: stores.southId,
        storeName: EVIL_STORE,
        accountId: null,
        accountName: '@intruder',
        lockouts: 1,
        lastAt: data.chainSouth.find((e) => e.action === 'auth.lockout')!.at,
      },
    ]);
    expect(
      (await get<{ lockouts: unknown[] }>(`lockouts?store=${stores.northId}&from=2026-11-01`))
        .lockouts,
    ).toEqual([]);
  });

  it('devices out of sync: not heard from for more than N hours, or never', async () => {
    const fresh = await get<{ devices: { id: string }[] }>('devices-out-of-sync?hours=1');
    expect(fresh.devices.map((d) => d.id)).toEqual([silentPc]);

    api.clock.advance(48 * 3_600_000);
    // South pulls now; North last uploaded two days ago.
    const pulled = await call(
      api.s,
      'GET',
      `${SYNC_API_PREFIX}/pull`,
      null,
      undefined,
      stores.southPc.auth,
    );
    expect(pulled.statusCode).toBe(200);
    await refreshAdmin(api);
    const late = await get<{ hours: number; devices: unknown[] }>('devices-out-of-sync');
    expect(late.hours).toBe(24);
    expect(late.devices).toMatchObject([
      {
        id: silentPc,
        name: 'Never synced',
        lastSyncAt: null,
        hoursSinceSync: null,
        storeName: 'North',
      },
      {
        id: stores.northPc.deviceId,
        lastSyncAt: uploadedAt,
        hoursSinceSync: 48,
        storeName: 'North',
        pendingEvents: 0,
      },
    ]);
    expect(
      (await get<{ devices: unknown[] }>('devices-out-of-sync?hours=49')).devices,
    ).toHaveLength(1);
    expect(
      (await get<{ devices: unknown[] }>(`devices-out-of-sync?store=${stores.southId}`)).devices,
    ).toEqual([]);
  });

  it('dormant accounts: no sign-in on any PC or on the server for N days', async () => {
    // 45 days after Ada's last sign-in on a till (2026-11-30).
    api.clock.advance(45 * DAY);
    await refreshAdmin(api); // the admin signs in today: not dormant
    const lastAda = Math.max(
      ...data.chainNorth
        .filter(
          (e) => e.action === 'auth.sign_in' && e.outcome === 'success' && e.actorId === data.adaId,
        )
        .map((e) => e.at),
    );
    const body = await get<{ days: number; accounts: unknown[] }>('dormant-accounts?days=30');
    expect(body.accounts).toEqual([
      {
        id: neverSignedIn.id,
        username: neverSignedIn.username,
        displayName: expect.any(String),
        role: 'viewer',
        createdAt: uploadedAt,
        lastSignInAt: null,
        daysInactive: Math.floor((api.clock.nowMs() - uploadedAt) / DAY),
      },
      {
        id: data.adaId,
        username: expect.any(String),
        displayName: expect.any(String),
        role: 'admin',
        createdAt: expect.any(Number),
        lastSignInAt: lastAda,
        daysInactive: Math.floor((api.clock.nowMs() - lastAda) / DAY),
      },
    ]);
    expect(
      (
        await get<{ accounts: { id: string }[] }>(
          `dormant-accounts?days=30&store=${stores.northId}`,
        )
      ).accounts.map((a) => a.id),
    ).toEqual([data.adaId]);
    expect((await get<{ accounts: unknown[] }>('dormant-accounts?days=60')).accounts).toEqual([]);
    // Disabled accounts are not "dormant": they cannot sign in anyway.
    await setStatus(api, neverSignedIn.id, 'disabled');
    expect((await get<{ accounts: unknown[] }>('dormant-accounts?days=30')).accounts).toHaveLength(
      1,
    );
    expectGenericError(
      await call(api.s, 'GET', '/api/v1/analytics/dormant-accounts?days=0', api.admin),
      400,
    );
  });
});
