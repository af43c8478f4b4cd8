import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectGenericError } from '../auth/support/auth-helpers';
import { describeEachDialect } from '../support/server-harness';
import {
  call,
  createPerson,
  createStore,
  enrollPc,
  rowCounts,
  serverEvents,
  signInAs,
  startAdminApi,
  type AdminApi,
} from './support/admin-api';

describeEachDialect('stores', (dialect) => {
  let api: AdminApi;
  let storeA: string;
  let storeB: string;
  let manager: string;
  let crew: string;
  beforeAll(async () => {
    api = await startAdminApi(dialect);
    storeA = await createStore(api, 'Maple Street');
    storeB = await createStore(api, 'Oak Avenue');
    manager = await signInAs(api, await createPerson(api, { role: 'manager', stores: [storeA] }));
    crew = await signInAs(api, await createPerson(api, { role: 'viewer', stores: [storeA] }));
  });
  afterAll(() => api.s.close());

  it('admins create, read, rename and delete stores; every change is audited', async () => {
    const created = await call(api.s, 'POST', '/api/v1/stores', api.admin, {
      name: '  Birch Lane ',
      brand: 'Northwind',
    });
    expect(created.statusCode, created.body).toBe(201);
    const store = created.json<{ id: string }>();
    expect(store).toEqual({
      id: expect.any(String),
      name: 'Birch Lane',
      brand: 'Northwind',
      createdAt: api.clock.nowMs(),
      updatedAt: api.clock.nowMs(),
      activeDevices: 0,
      people: 0,
    });

    const list = await call(api.s, 'GET', '/api/v1/stores', api.admin);
    expect(list.json<{ stores: { name: string }[] }>().stores.map((s) => s.name)).toEqual([
      'Birch Lane',
      'Maple Street',
      'Oak Avenue',
    ]);

    api.clock.advance(1000);
    const renamed = await call(api.s, 'PATCH', `/api/v1/stores/${store.id}`, api.admin, {
      name: 'Birch Lane North',
    });
    expect(renamed.json()).toMatchObject({ name: 'Birch Lane North', brand: 'Northwind' });
    expect(renamed.json<{ updatedAt: number }>().updatedAt).toBe(api.clock.nowMs());
    expect((await call(api.s, 'GET', `/api/v1/stores/${store.id}`, api.admin)).json()).toEqual(
      renamed.json(),
    );

    const removed = await call(api.s, 'DELETE', `/api/v1/stores/${store.id}`, api.admin);
    expect(removed.statusCode).toBe(204);
    expectGenericError(await call(api.s, 'GET', `/api/v1/stores/${store.id}`, api.admin), 404);
    expectGenericError(await call(api.s, 'DELETE', `/api/v1/stores/${store.id}`, api.admin), 404);

    const events = await serverEvents(api.s, 'store.update');
    expect(events.at(-1)).toMatchObject({
      actorId: api.adminId,
      targetId: store.id,
      details: {
        before: { name: 'Birch Lane', brand: 'Northwind' },
        after: { name: 'Birch Lane North', brand: 'Northwind' },
      },
    });
    expect((await serverEvents(api.s, 'store.create')).length).toBeGreaterThanOrEqual(3);
    expect(await serverEvents(api.s, 'store.delete')).toHaveLength(1);
  });

  it('keeps a store that has devices: its audit trail refers to it', async () => {
    const store = await createStore(api, 'Elm Court');
    await enrollPc(api, store);
    const r = await call(api.s, 'DELETE', `/api/v1/stores/${store}`, api.admin);
    expectGenericError(r, 409, 'store_in_use');
    expect((await call(api.s, 'GET', `/api/v1/stores/${store}`, api.admin)).json()).toMatchObject({
      activeDevices: 1,
    });
  });

  it('a manager sees only their stores; any other store answers like one that does not exist', async () => {
    const list = await call(api.s, 'GET', '/api/v1/stores', manager);
    expect(list.statusCode).toBe(200);
    expect(list.json<{ stores: { id: string }[] }>().stores.map((s) => s.id)).toEqual([storeA]);
    expect((await call(api.s, 'GET', `/api/v1/stores/${storeA}`, manager)).statusCode).toBe(200);

    const elsewhere = [
      `/api/v1/stores/${storeB}`,
      `/api/v1/stores/${randomUUID()}`,
      `/api/v1/stores/${storeB}/devices`,
      `/api/v1/stores/${randomUUID()}/devices`,
      `/api/v1/audit?store=${storeB}`,
      `/api/v1/audit/export?format=csv&store=${storeB}`,
      `/api/v1/audit/server-events?store=${storeB}`,
    ];
    const answers = [];
    for (const url of elsewhere) {
      const r = await call(api.s, 'GET', url, manager);
      expectGenericError(r, 404, 'not_found');
      answers.push(r.json<{ error: { message: string } }>().error.message);
    }
    // Same answer whether the store exists or not.
    expect(new Set(answers).size).toBe(1);

    // Admin-only actions are 403 for a manager, even on their own store.
    const adminOnly: [Parameters<typeof call>[1], string, unknown?][] = [
      ['POST', '/api/v1/stores', { name: 'Mine' }],
      ['PATCH', `/api/v1/stores/${storeA}`, { name: 'Renamed' }],
      ['DELETE', `/api/v1/stores/${storeA}`],
      ['POST', `/api/v1/stores/${storeA}/enrollment-codes`],
      ['POST', `/api/v1/devices/${randomUUID()}/revoke`],
      [
        'PUT',
        '/api/v1/policies',
        {
          roles: {
            admin: { profile: 'standard' },
            manager: { profile: 'standard' },
            viewer: { profile: 'classic' },
          },
        },
      ],
      ['GET', '/api/v1/analytics/sign-ins'],
      ['GET', '/api/v1/analytics/dormant-accounts'],
    ];
    for (const [method, url, body] of adminOnly) {
      expectGenericError(await call(api.s, method, url, manager, body), 403, 'forbidden');
    }
    // Crew have no admin API at all; without a token, nothing.
    expectGenericError(await call(api.s, 'GET', '/api/v1/stores', crew), 403, 'forbidden');
    expectGenericError(await call(api.s, 'GET', '/api/v1/audit', crew), 403, 'forbidden');
    expectGenericError(await call(api.s, 'GET', '/api/v1/stores', null), 401, 'unauthorized');
    expect((await call(api.s, 'GET', `/api/v1/stores/${storeA}`, api.admin)).json()).toMatchObject({
      name: 'Maple Street',
    });
  });

  describe('request boundaries', () => {
    it('answers bad bodies, params and queries with a generic 4xx and writes nothing', async () => {
      const before = await rowCounts(api.s, [
        'stores',
        'policies',
        'enrollment_codes',
        'server_audit',
        'devices',
      ]);
      const mib = 1024 * 1024;
      const bad: [Parameters<typeof call>[1], string, unknown, Record<string, string>?][] = [
        ['POST', '/api/v1/stores', { name: '' }],
        ['POST', '/api/v1/stores', { name: 12 }],
        ['POST', '/api/v1/stores', { name: 'x'.repeat(101) }],
        ['POST', '/api/v1/stores', { name: 'Ok', id: randomUUID() }],
        ['POST', '/api/v1/stores', '{"name":"Ok","__proto__":{"admin":true}}'],
        ['POST', '/api/v1/stores', [{ name: 'Ok' }]],
        ['POST', '/api/v1/stores', '{"name": '],
        ['POST', '/api/v1/stores', `{"name":"${'a'.repeat(mib)}"}`],
        ['POST', '/api/v1/stores', 'name=Ok', { 'content-type': 'text/plain' }],
        ['PATCH', `/api/v1/stores/${storeA}`, {}],
        ['PATCH', `/api/v1/stores/${storeA}`, { name: 'Ok', brand: null }],
        ['PATCH', '/api/v1/stores/not-a-uuid', { name: 'Ok' }],
        ['PUT', '/api/v1/policies', { roles: { admin: { profile: 'lax' } } }],
        ['POST', '/api/v1/stores/not-a-uuid/enrollment-codes', undefined],
        ['GET', '/api/v1/audit?limit=0', undefined],
        ['GET', '/api/v1/audit?limit=501', undefined],
        ['GET', '/api/v1/audit?offset=-1', undefined],
        ['GET', '/api/v1/audit?from=yesterday', undefined],
        ['GET', '/api/v1/audit?from=2026-12-01&to=2026-11-01', undefined],
        ['GET', '/api/v1/audit?action=auth.everything', undefined],
        ['GET', '/api/v1/audit?store=not-a-uuid', undefined],
        ['GET', '/api/v1/audit?sort=at', undefined],
        ['GET', '/api/v1/audit/export', undefined],
        ['GET', '/api/v1/audit/export?format=xlsx', undefined],
        ['GET', '/api/v1/analytics/sign-ins?from=0&to=99999999999999', undefined],
        ['GET', '/api/v1/analytics/devices-out-of-sync?hours=0', undefined],
        ['GET', '/api/v1/analytics/dormant-accounts?days=abc', undefined],
      ];
      for (const [method, url, payload, headers] of bad) {
        const r = await call(api.s, method, url, api.admin, payload, {
          'content-type': 'application/json',
          ...headers,
        });
        const label = `${method} ${url} → ${r.statusCode} ${r.body.slice(0, 160)}`;
        expect(r.statusCode, label).toBeGreaterThanOrEqual(400);
        expect(r.statusCode, label).toBeLessThan(500);
        expectGenericError(r, r.statusCode);
      }
      expect(
        await rowCounts(api.s, [
          'stores',
          'policies',
          'enrollment_codes',
          'server_audit',
          'devices',
        ]),
      ).toEqual(before);
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
    });
  });
});
