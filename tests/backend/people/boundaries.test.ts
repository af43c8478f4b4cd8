import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, canManage, PERMISSION_MATRIX } from '../../../common/rbac/permissions';
import { describeEachDialect } from '../support/server-harness';
import { expectGenericError } from '../auth/support/auth-helpers';
import {
  adminSession,
  API,
  call,
  rowCounts,
  seedStore,
  startPeopleServer,
  type PeopleServer,
  type Session,
} from './support/people-helpers';

const GENERIC_MESSAGES = ['The request is not valid.', 'Sign in again.'];

describeEachDialect('people: request boundaries', (dialect) => {
  let server: PeopleServer;
  let admin: Session;
  let targetId: string;
  let store: string;
  beforeAll(async () => {
    server = await startPeopleServer(dialect);
    store = await seedStore(server.s, 'Downtown');
    admin = await adminSession(server);
    const r = await call(server.s, 'POST', '/users', {
      token: admin.tokens.accessToken,
      body: {
        email: 'target@example.com',
        username: 'target',
        displayName: 'Target',
        role: 'viewer',
        storeIds: [store],
      },
    });
    targetId = r.json().id as string;
    await server.mail.next('target@example.com');
  });
  afterAll(() => server.close());

  /** Every people route with a body, with a valid example body. */
  const routes = (): {
    method: 'POST' | 'PATCH' | 'PUT';
    url: string;
    body: Record<string, unknown>;
  }[] => [
    {
      method: 'POST',
      url: '/users',
      body: {
        email: 'n@example.com',
        username: 'nnn',
        displayName: 'N',
        role: 'viewer',
        storeIds: [store],
      },
    },
    { method: 'PATCH', url: `/users/${targetId}`, body: { displayName: 'T' } },
    { method: 'PUT', url: `/users/${targetId}/role`, body: { role: 'manager' } },
    { method: 'PUT', url: `/users/${targetId}/status`, body: { status: 'disabled' } },
    {
      method: 'POST',
      url: `/users/${targetId}/erase`,
      body: { confirmEmail: 'target@example.com' },
    },
    { method: 'PATCH', url: '/profile', body: { displayName: 'Ada' } },
    {
      method: 'POST',
      url: '/profile/email',
      body: { newEmail: 'x@example.com', currentPassword: 'p' },
    },
    { method: 'POST', url: '/profile/email/confirm', body: { code: 'AAAA-AAAA' } },
    { method: 'PATCH', url: '/profile/preferences', body: { weeklyDigest: true } },
    { method: 'POST', url: '/account/verification/start', body: { token: 'a'.repeat(43) } },
    {
      method: 'POST',
      url: '/account/verification/complete',
      body: { token: 'a'.repeat(43), password: 'pw' },
    },
    { method: 'POST', url: '/account/password-reset', body: { email: 'target@example.com' } },
    {
      method: 'POST',
      url: '/account/password-reset/check',
      body: { email: 'a@b.example', code: 'x' },
    },
    {
      method: 'POST',
      url: '/account/password-reset/complete',
      body: { token: 'a'.repeat(43), newPassword: 'pw' },
    },
    {
      method: 'POST',
      url: '/account/find',
      body: { displayName: 'Target', storeName: 'Downtown' },
    },
    { method: 'POST', url: '/account/email/confirm', body: { token: 'a'.repeat(43) } },
  ];

  function badBodies(
    base: Record<string, unknown>,
  ): { name: string; body: string; type?: string }[] {
    const [firstKey] = Object.keys(base);
    const json = (v: unknown) => JSON.stringify(v);
    const mib = 1024 * 1024;
    const prefix = `{"${firstKey}":"`;
    const suffix = '"}';
    return [
      { name: 'wrong type', body: json({ ...base, [firstKey!]: 12345 }) },
      { name: 'null field', body: json({ ...base, [firstKey!]: null }) },
      { name: 'unknown field', body: json({ ...base, isAdmin: true }) },
      { name: '__proto__ key', body: `${json(base).slice(0, -1)},"__proto__":{"role":"admin"}}` },
      {
        name: 'constructor.prototype',
        body: `${json(base).slice(0, -1)},"constructor":{"prototype":{"role":"admin"}}}`,
      },
      { name: 'array', body: json([base]) },
      { name: 'string', body: json('hello') },
      { name: 'broken JSON', body: '{"email": ' },
      { name: 'empty JSON', body: '' },
      {
        name: '1 MiB + 1 bytes',
        body: prefix + 'a'.repeat(mib + 1 - prefix.length - suffix.length) + suffix,
      },
      { name: 'text/plain', body: json(base), type: 'text/plain' },
      { name: 'form', body: 'email=a%40b.example', type: 'application/x-www-form-urlencoded' },
      { name: 'over-long string', body: json({ ...base, [firstKey!]: 'x'.repeat(5000) }) },
    ];
  }

  it('answers bad bodies with a generic 4xx, never a 500, and writes nothing', async () => {
    const { s } = server;
    const before = await rowCounts(s);
    for (const route of routes()) {
      for (const bad of badBodies(route.body)) {
        const r = await s.app.inject({
          method: route.method,
          url: `${API}${route.url}`,
          payload: bad.body,
          headers: {
            'content-type': bad.type ?? 'application/json',
            authorization: `Bearer ${admin.tokens.accessToken}`,
          },
        });
        const label = `${route.method} ${route.url} ${bad.name} → ${r.statusCode} ${r.body.slice(0, 200)}`;
        expect(r.statusCode, label).toBeGreaterThanOrEqual(400);
        expect(r.statusCode, label).toBeLessThan(500);
        expectGenericError(r, r.statusCode);
        expect(GENERIC_MESSAGES, label).toContain(r.json().error.message);
        if (bad.name === '1 MiB + 1 bytes') expect(r.statusCode, label).toBe(413);
        if (bad.type === 'text/plain') expect(r.statusCode, label).toBe(415);
      }
    }
    // Malformed ids and queries too.
    for (const url of [
      '/users/not-a-uuid',
      '/users?limit=0',
      '/users?limit=abc',
      '/users?role=owner',
      '/users?cursor=%25%25',
      '/users?extra=1',
      '/profile/sign-ins?limit=1000',
    ]) {
      const r = await call(s, 'GET', url, { token: admin.tokens.accessToken });
      expect(r.statusCode, `${url} ${r.body}`).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, url).toBeLessThan(500);
    }
    expect(await rowCounts(s)).toEqual(before);
    expect(({} as Record<string, unknown>).role).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('keeps every signed-in route closed without a session', async () => {
    const before = await rowCounts(server.s);
    for (const route of routes().filter((r) => !r.url.startsWith('/account'))) {
      const r = await call(server.s, route.method, route.url, { body: route.body });
      expectGenericError(r, 401, 'unauthorized');
    }
    for (const url of [
      '/users',
      `/users/${targetId}`,
      `/users/${targetId}/export`,
      '/profile',
      '/profile/sessions',
      '/profile/sign-ins',
      '/profile/preferences',
    ]) {
      expectGenericError(await call(server.s, 'GET', url), 401, 'unauthorized');
    }
    for (const url of [`/users/${targetId}/unlock`, `/users/${targetId}/password-reset`]) {
      expectGenericError(await call(server.s, 'POST', url), 401, 'unauthorized');
    }
    expect(await rowCounts(server.s)).toEqual(before);
  });
});

describe('people: permission matrix', () => {
  it('gives admins every people permission, managers the store-level ones, viewers none', () => {
    for (const p of [
      'staff.read',
      'staff.create',
      'staff.edit',
      'staff.disable',
      'staff.reset',
      'staff.unlock',
      'staff.change_role',
      'staff.export',
      'staff.erase',
    ] as const) {
      expect(can('admin', p), p).toBe(true);
      expect(can('viewer', p), p).toBe(false);
    }
    for (const p of [
      'staff.read',
      'staff.create',
      'staff.edit',
      'staff.disable',
      'staff.reset',
      'staff.unlock',
    ] as const) {
      expect(can('manager', p), p).toBe(true);
    }
    for (const p of ['staff.change_role', 'staff.export', 'staff.erase'] as const) {
      expect(can('manager', p), p).toBe(false);
    }
    expect(PERMISSION_MATRIX.viewer).toEqual([]);
    expect(canManage('manager', 'viewer')).toBe(true);
    expect(canManage('manager', 'manager')).toBe(false);
    expect(canManage('manager', 'admin')).toBe(false);
  });
});
