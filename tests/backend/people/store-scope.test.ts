import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../support/server-harness';
import { expectGenericError, signIn } from '../auth/support/auth-helpers';
import {
  activeSession,
  adminSession,
  call,
  rowCounts,
  seedStore,
  startPeopleServer,
  type PeopleServer,
  type Session,
} from './support/people-helpers';

/**
 * A manager of store A can never read or write store B's people. The rule the server keeps:
 * a person outside the caller's scope is 404 (as if unknown), a value outside it (a role above
 * the caller's, a store not theirs) is 403, a role without the permission is 403.
 */
describeEachDialect('people: store scope of managers', (dialect) => {
  let server: PeopleServer;
  let admin: Session;
  let managerA: Session;
  let viewerA: Session;
  let storeA: string;
  let storeB: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await startPeopleServer(dialect);
    storeA = await seedStore(server.s, 'Downtown');
    storeB = await seedStore(server.s, 'Airport');
    admin = await adminSession(server);
    const t = admin.tokens.accessToken;
    const person = (username: string, role: 'manager' | 'viewer', storeIds: string[]) => ({
      email: `${username}@example.com`,
      username,
      displayName: username,
      role,
      storeIds,
    });
    managerA = await activeSession(server, t, person('manager-a', 'manager', [storeA]));
    viewerA = await activeSession(server, t, person('viewer-a', 'viewer', [storeA]));
    for (const [name, role, stores] of [
      ['manager-a2', 'manager', [storeA]],
      ['manager-b', 'manager', [storeB]],
      ['viewer-b', 'viewer', [storeB]],
      ['viewer-ab', 'viewer', [storeA, storeB]],
    ] as const) {
      const r = await call(server.s, 'POST', '/users', {
        token: t,
        body: person(name, role, [...stores]),
      });
      expect(r.statusCode, r.body).toBe(201);
      ids[name] = r.json().id as string;
    }
    ids['viewer-a'] = viewerA.userId;
    ids['manager-a'] = managerA.userId;
  });
  afterAll(() => server.close());

  const asManager = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
  ) => call(server.s, method, url, { token: managerA.tokens.accessToken, body });

  it('lists only the viewers of the manager’s stores, and only those stores', async () => {
    const r = await asManager('GET', '/users');
    expect(r.statusCode, r.body).toBe(200);
    const users = r.json().users as { username: string; stores: { id: string }[] }[];
    expect(users.map((u) => u.username).sort()).toEqual(['viewer-a', 'viewer-ab']);
    // The shared viewer's store B assignment is not shown to store A's manager.
    expect(users.find((u) => u.username === 'viewer-ab')!.stores.map((s) => s.id)).toEqual([
      storeA,
    ]);
    expect(r.body).not.toContain(storeB);
    expect(r.body).not.toContain('Airport');
    expectGenericError(await asManager('GET', `/users?store=${storeB}`), 403, 'forbidden');
    expect((await asManager('GET', `/users?store=${storeA}`)).json().users).toHaveLength(2);
  });

  it('answers 404 for every person outside the scope, on every route, and changes nothing', async () => {
    const before = await rowCounts(server.s);
    for (const name of ['viewer-b', 'manager-a2', 'manager-b', 'admin']) {
      const id = name === 'admin' ? admin.userId : ids[name]!;
      const attempts = [
        asManager('GET', `/users/${id}`),
        asManager('PATCH', `/users/${id}`, { displayName: 'Hacked' }),
        asManager('PATCH', `/users/${id}`, { storeIds: [storeA] }),
        asManager('PUT', `/users/${id}/status`, { status: 'disabled' }),
        asManager('POST', `/users/${id}/unlock`),
        asManager('POST', `/users/${id}/verification`),
        asManager('POST', `/users/${id}/password-reset`),
        asManager('POST', `/users/${id}/two-factor-reset`),
      ];
      for (const r of await Promise.all(attempts)) expectGenericError(r, 404, 'not_found');
    }
    expect(await rowCounts(server.s)).toEqual(before);
    expect(server.mail.unread('viewer-b@example.com')).toHaveLength(1); // only the invitation
  });

  it('refuses roles above the manager’s and stores not theirs with 403, writing nothing', async () => {
    const before = await rowCounts(server.s);
    const person = (role: string, storeIds: string[]) => ({
      email: `new-${role}-${storeIds.length}@example.com`,
      username: `new-${role}-${storeIds.length}`,
      displayName: 'New',
      role,
      storeIds,
    });
    for (const body of [
      person('viewer', [storeB]),
      person('viewer', [storeA, storeB]),
      person('manager', [storeA]),
      person('admin', [storeA]),
    ]) {
      expectGenericError(await asManager('POST', '/users', body), 403, 'forbidden');
    }
    expectGenericError(
      await asManager('PATCH', `/users/${ids['viewer-a']}`, { storeIds: [storeA, storeB] }),
      403,
      'forbidden',
    );
    // Role changes, export and erasure are admin-only routes.
    expectGenericError(
      await asManager('PUT', `/users/${ids['viewer-a']}/role`, { role: 'manager' }),
      403,
      'forbidden',
    );
    expectGenericError(
      await asManager('GET', `/users/${ids['viewer-a']}/export`),
      403,
      'forbidden',
    );
    expectGenericError(
      await asManager('POST', `/users/${ids['viewer-a']}/erase`, {
        confirmEmail: 'viewer-a@example.com',
      }),
      403,
      'forbidden',
    );
    expect(await rowCounts(server.s)).toEqual(before);
  });

  it('lets the manager manage their own store’s viewers', async () => {
    const created = await asManager('POST', '/users', {
      email: 'crew@example.com',
      username: 'crew',
      displayName: 'Crew Member',
      role: 'viewer',
      storeIds: [storeA],
    });
    expect(created.statusCode, created.body).toBe(201);
    await server.mail.next('crew@example.com');
    const id = created.json().id as string;
    expect((await asManager('GET', `/users/${id}`)).statusCode).toBe(200);
    const renamed = await asManager('PATCH', `/users/${id}`, { displayName: 'Crew Lead' });
    expect(renamed.json().displayName).toBe('Crew Lead');
    const disabled = await asManager('PUT', `/users/${ids['viewer-a']}/status`, {
      status: 'disabled',
    });
    expect(disabled.statusCode, disabled.body).toBe(200);
    const reset = await asManager('PUT', `/users/${ids['viewer-a']}/status`, { status: 'active' });
    expect(reset.json().status).toBe('active');
  });

  it('changes only its own store in a shared viewer’s assignments', async () => {
    const shared = ids['viewer-ab']!;
    const r = await asManager('PATCH', `/users/${shared}`, { storeIds: [] });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().stores).toEqual([]); // store B stays, unseen by store A's manager
    const stores = await server.s.database.db
      .selectFrom('user_stores')
      .select('store_id')
      .where('user_id', '=', shared)
      .execute();
    expect(stores.map((s) => s.store_id)).toEqual([storeB]);
    expectGenericError(await asManager('GET', `/users/${shared}`), 404, 'not_found');
    // An only-store-A viewer cannot be left without a store.
    expectGenericError(
      await asManager('PATCH', `/users/${ids['viewer-a']}`, { storeIds: [] }),
      400,
      'stores_required',
    );
  });

  it('gives viewers no access to people at all', async () => {
    const token = (await signIn(server, 'viewer-a@example.com', viewerA.secret)).accessToken;
    for (const r of [
      await call(server.s, 'GET', '/users', { token }),
      await call(server.s, 'GET', `/users/${viewerA.userId}`, { token }),
      await call(server.s, 'POST', '/users', {
        token,
        body: {
          email: 'v@example.com',
          username: 'vvv',
          displayName: 'V',
          role: 'viewer',
          storeIds: [storeA],
        },
      }),
    ]) {
      expectGenericError(r, 403, 'forbidden');
    }
  });
});
