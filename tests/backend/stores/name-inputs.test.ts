import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYNC_API_PREFIX } from '../../../common/sync/protocol';
import { createAdmin } from '../../../backend-sync/auth/admin-setup-codes';
import { ServerAudit } from '../../../backend-sync/services/server-audit';
import { expectGenericError } from '../auth/support/auth-helpers';
import { describeEachDialect } from '../support/server-harness';
import { call, createStore, rowCounts, startAdminApi, type AdminApi } from './support/admin-api';

/** Names the server takes refuse what the store PC refuses (common/text/canonical-text.ts). */
const BAD_NAMES = ['Evil\u202eStore', 'Line\u2028Break', 'Tab\there', 'x\ud800', 'nul\u0000'];

describeEachDialect('server name inputs: canonical names only', (dialect) => {
  let api: AdminApi;
  let storeId: string;
  beforeAll(async () => {
    api = await startAdminApi(dialect);
    storeId = await createStore(api, 'Maple Street');
  });
  afterAll(() => api.s.close());

  const counts = () => rowCounts(api.s, ['stores', 'users', 'devices', 'server_audit']);

  it('stores: a name or brand with a control, bidi control or bad surrogate is a 400', async () => {
    const before = await counts();
    for (const bad of BAD_NAMES) {
      const create = await call(api.s, 'POST', '/api/v1/stores', api.admin, { name: bad });
      expectGenericError(create, 400, 'invalid_request');
      const brand = await call(api.s, 'POST', '/api/v1/stores', api.admin, {
        name: 'Elm Road',
        brand: bad,
      });
      expectGenericError(brand, 400, 'invalid_request');
      const rename = await call(api.s, 'PATCH', `/api/v1/stores/${storeId}`, api.admin, {
        name: bad,
      });
      expectGenericError(rename, 400, 'invalid_request');
    }
    expect(await counts()).toEqual(before);
    const fine = await call(api.s, 'POST', '/api/v1/stores', api.admin, {
      name: '  Zoë’s Café 𝄞  ',
      brand: 'Ångström',
    });
    expect(fine.statusCode, fine.body).toBe(201);
    expect(fine.json()).toMatchObject({ name: 'Zoë’s Café 𝄞', brand: 'Ångström' });
  });

  it('people and profiles: display names follow the same rule', async () => {
    const before = await counts();
    for (const bad of BAD_NAMES) {
      const person = await call(api.s, 'POST', '/api/v1/users', api.admin, {
        email: `p${randomBytes(4).toString('hex')}@example.com`,
        username: 'new.person',
        displayName: bad,
        role: 'viewer',
      });
      expectGenericError(person, 400, 'invalid_request');
      const profile = await call(api.s, 'PATCH', '/api/v1/profile', api.admin, {
        displayName: bad,
      });
      expectGenericError(profile, 400, 'invalid_request');
    }
    expect(await counts()).toEqual(before);
    const audit = new ServerAudit(api.s.database.db, { nowMs: () => Date.now() });
    const deps = { db: api.s.database.db, clock: { nowMs: () => Date.now() }, audit };
    await expect(
      createAdmin(deps, { email: 'second.admin@example.com', name: 'Ada\u202e' }),
    ).rejects.toThrow(/without control or text-direction characters/);
    expect(await counts()).toEqual(before);
  });

  it('devices: a PC connecting with such a name is refused, and its code still works', async () => {
    const issued = await call(
      api.s,
      'POST',
      `/api/v1/stores/${storeId}/enrollment-codes`,
      api.admin,
    );
    const code = issued.json<{ code: string }>().code;
    const enroll = (deviceName: string) =>
      call(api.s, 'POST', `${SYNC_API_PREFIX}/enroll`, null, {
        code,
        deviceId: randomUUID(),
        deviceName,
        appVersion: '0.1.0',
        auditMacKey: randomBytes(32).toString('base64'),
      });
    const before = await counts();
    for (const bad of BAD_NAMES) expectGenericError(await enroll(bad), 400, 'invalid_request');
    expect(await counts()).toEqual(before);
    expect((await enroll('Till 1 · 𝄞')).statusCode).toBe(200);
  });
});
