import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../../backend-sync/app';
import { principalOf, requirePermission } from '../../../backend-sync/auth/auth.plugin';
import { describeEachDialect } from '../support/server-harness';
import {
  bearer,
  expectGenericError,
  setUpAdmin,
  signIn,
  startAuthServer,
  type AuthServer,
} from './support/auth-helpers';

describeEachDialect('auth plugin for other route files', (dialect) => {
  let server: AuthServer;
  let app: FastifyInstance;
  beforeAll(async () => {
    server = await startAuthServer(dialect);
    // Another route file, as a later slice would add one, on the same database and keys.
    app = await buildApp({
      config: server.s.config,
      database: server.s.database,
      clock: server.clock,
      logger: false,
    });
    app.get(
      '/api/v1/test/policy',
      { preHandler: [app.authenticate, requirePermission('policy.edit')] },
      async (request) => ({ principal: principalOf(request) }),
    );
    app.get(
      '/api/v1/test/staff',
      { preHandler: [app.authenticate, requirePermission('staff.read')] },
      async () => ({ ok: true }),
    );
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await server.s.close();
  });

  it('sets request.principal and enforces the permission matrix with the current role', async () => {
    const { userId, secret } = await setUpAdmin(server, 'rbac@example.com');
    const { accessToken } = await signIn(server, 'rbac@example.com', secret);
    const get = (url: string) => app.inject({ url, headers: bearer(accessToken) });

    const admin = await get('/api/v1/test/policy');
    expect(admin.statusCode).toBe(200);
    expect(admin.json().principal).toMatchObject({ userId, role: 'admin' });
    expect((await get('/api/v1/test/staff')).statusCode).toBe(200);

    // A role change applies to the very next request, whatever the token says.
    const setRole = (role: 'manager' | 'viewer') =>
      server.s.database.db.updateTable('users').set({ role }).where('id', '=', userId).execute();
    await setRole('manager');
    expectGenericError(await get('/api/v1/test/policy'), 403, 'forbidden');
    expect((await get('/api/v1/test/staff')).statusCode).toBe(200);
    await setRole('viewer');
    expectGenericError(await get('/api/v1/test/staff'), 403, 'forbidden');

    expectGenericError(await app.inject({ url: '/api/v1/test/staff' }), 401, 'unauthorized');
  });
});
