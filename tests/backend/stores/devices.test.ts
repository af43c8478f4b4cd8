import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYNC_API_PREFIX } from '../../../common/sync/protocol';
import { ENROLLMENT_CODE_TTL_MS } from '../../../backend-sync/sync/enrollment.service';
import { CoreHarness } from '../../support/core-harness';
import { expectGenericError } from '../auth/support/auth-helpers';
import { describeEachDialect } from '../support/server-harness';
import {
  call,
  createPerson,
  createStore,
  refreshAdmin,
  serverEvents,
  signInAs,
  startAdminApi,
  type AdminApi,
} from './support/admin-api';

interface Device {
  id: string;
  name: string;
  appVersion: string | null;
  lastSyncAt: number | null;
  acknowledgedSeq: number;
  reportedSeq: number;
  pendingEvents: number;
  status: string;
  revokedAt: number | null;
}

describeEachDialect('device enrollment codes, device list and revocation', (dialect) => {
  let api: AdminApi;
  let pc: CoreHarness;
  let store: string;
  let otherStore: string;
  let manager: string;
  beforeAll(async () => {
    api = await startAdminApi(dialect);
    pc = new CoreHarness();
    await pc.setUp();
    store = await createStore(api, 'Maple Street');
    otherStore = await createStore(api, 'Oak Avenue');
    manager = await signInAs(api, await createPerson(api, { role: 'manager', stores: [store] }));
  });
  afterAll(async () => {
    pc.dispose();
    await api.s.close();
  });

  const devices = async (token = api.admin) => {
    const r = await call(api.s, 'GET', `/api/v1/stores/${store}/devices`, token);
    expect(r.statusCode, r.body).toBe(200);
    return r.json<{ devices: Device[] }>().devices;
  };

  it('code shown once → a store PC enrolls → listed with sync state → revoked and refused at once', async () => {
    const issued = await call(api.s, 'POST', `/api/v1/stores/${store}/enrollment-codes`, api.admin);
    expect(issued.statusCode, issued.body).toBe(201);
    expect(issued.headers['cache-control']).toBe('no-store');
    const { code, expiresAt } = issued.json<{ code: string; expiresAt: number }>();
    expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    expect(expiresAt).toBe(api.clock.nowMs() + 15 * 60_000);
    // Stored only as a hash; the audit entry does not carry it either.
    const rows = await api.s.database.db.selectFrom('enrollment_codes').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(code);
    const [event] = await serverEvents(api.s, 'device.enrollment_code');
    expect(event).toMatchObject({ actorId: api.adminId, storeId: store, details: { expiresAt } });
    expect(JSON.stringify(await serverEvents(api.s, 'device.enrollment_code'))).not.toContain(code);

    expect(await devices()).toEqual([]);
    const macKey = (await pc.secrets.get(`${pc.kh.profileId}/audit-mac-key`))!;
    const enrolled = await call(api.s, 'POST', `${SYNC_API_PREFIX}/enroll`, null, {
      code,
      deviceId: pc.kh.deviceId,
      deviceName: 'Till 1',
      appVersion: '0.1.0',
      auditMacKey: macKey,
    });
    expect(enrolled.statusCode, enrolled.body).toBe(200);
    const auth = { authorization: `Device ${enrolled.json<{ credential: string }>().credential}` };
    expect(await serverEvents(api.s, 'device.enroll')).toMatchObject([
      { targetId: pc.kh.deviceId, storeId: store, details: { deviceName: 'Till 1' } },
    ]);

    let [device] = await devices();
    expect(device).toEqual({
      id: pc.kh.deviceId,
      storeId: store,
      name: 'Till 1',
      appVersion: '0.1.0',
      enrolledAt: api.clock.nowMs(),
      lastSyncAt: null,
      acknowledgedSeq: 0,
      reportedSeq: 0,
      pendingEvents: 0,
      status: 'active',
      revokedAt: null,
    });
    // The manager of this store sees it too.
    expect(await devices(manager)).toEqual([device]);

    // The PC pulls (reporting its version and audit head), then uploads part of its log.
    const entries = pc.kh.audit.after(0, 1000);
    expect(entries.length).toBeGreaterThan(4);
    api.clock.advance(60_000);
    const pull = await call(
      api.s,
      'GET',
      `${SYNC_API_PREFIX}/pull?since=0&appVersion=0.2.0&auditHead=${entries.length}`,
      null,
      undefined,
      auth,
    );
    expect(pull.statusCode, pull.body).toBe(200);
    [device] = await devices();
    expect(device).toMatchObject({
      appVersion: '0.2.0',
      lastSyncAt: api.clock.nowMs(),
      acknowledgedSeq: 0,
      pendingEvents: entries.length,
    });
    api.clock.advance(60_000);
    const push = await call(
      api.s,
      'POST',
      `${SYNC_API_PREFIX}/audit`,
      null,
      { entries: entries.slice(0, 3) },
      { ...auth, 'idempotency-key': 'batch-0001' },
    );
    expect(push.statusCode, push.body).toBe(200);
    [device] = await devices();
    expect(device).toMatchObject({
      lastSyncAt: api.clock.nowMs(),
      acknowledgedSeq: 3,
      reportedSeq: entries.length,
      pendingEvents: entries.length - 3,
    });

    // Revoked: refused on its very next request, whatever the endpoint.
    expectGenericError(
      await call(api.s, 'POST', `/api/v1/devices/${pc.kh.deviceId}/revoke`, manager),
      403,
    );
    const revoked = await call(
      api.s,
      'POST',
      `/api/v1/devices/${pc.kh.deviceId}/revoke`,
      api.admin,
    );
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({ status: 'revoked', revokedAt: api.clock.nowMs() });
    for (const [method, url, payload, headers] of [
      ['GET', `${SYNC_API_PREFIX}/pull`, undefined, auth],
      [
        'POST',
        `${SYNC_API_PREFIX}/audit`,
        { entries: entries.slice(3, 4) },
        { ...auth, 'idempotency-key': 'batch-0002' },
      ],
    ] as const) {
      const r = await call(api.s, method, url, null, payload, headers);
      expectGenericError(r, 401, 'device_unauthorized');
    }
    // Revoking again changes nothing and records nothing new.
    const again = await call(api.s, 'POST', `/api/v1/devices/${pc.kh.deviceId}/revoke`, api.admin);
    expect(again.json()).toEqual(revoked.json());
    expect(await serverEvents(api.s, 'device.revoke')).toMatchObject([
      { actorId: api.adminId, targetId: pc.kh.deviceId, storeId: store },
    ]);
    expect((await devices())[0]).toMatchObject({ status: 'revoked', acknowledgedSeq: 3 });
    expectGenericError(
      await call(api.s, 'POST', `/api/v1/devices/${crypto.randomUUID()}/revoke`, api.admin),
      404,
    );
  });

  it('a code is for one store, one device, 15 minutes', async () => {
    const issue = async () =>
      (await call(api.s, 'POST', `/api/v1/stores/${otherStore}/enrollment-codes`, api.admin)).json<{
        code: string;
      }>().code;
    const enroll = (code: string) =>
      call(api.s, 'POST', `${SYNC_API_PREFIX}/enroll`, null, {
        code,
        deviceId: crypto.randomUUID(),
        deviceName: 'Till 9',
        appVersion: '0.1.0',
        auditMacKey: Buffer.alloc(32, 7).toString('base64'),
      });
    const code = await issue();
    expect((await enroll(code)).statusCode).toBe(200);
    expectGenericError(await enroll(code), 400, 'enrollment_refused');
    const late = await issue();
    api.clock.advance(ENROLLMENT_CODE_TTL_MS + 1);
    expectGenericError(await enroll(late), 400, 'enrollment_refused');
    await refreshAdmin(api); // the access token lived 15 minutes too
    const list = await call(api.s, 'GET', `/api/v1/stores/${otherStore}/devices`, api.admin);
    expect(list.json<{ devices: Device[] }>().devices).toHaveLength(1);
    expectGenericError(
      await call(
        api.s,
        'POST',
        `/api/v1/stores/${crypto.randomUUID()}/enrollment-codes`,
        api.admin,
      ),
      404,
    );
  });
});
