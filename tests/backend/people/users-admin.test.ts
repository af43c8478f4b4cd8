// People: administering accounts (admin API): role and status changes audited with before and
// after, disabling revoking sessions at once, edits bumping change_seq, an address fixed with a
// fresh mail, unlock, and the list and detail without any secret, with paging and search. The
// accounts users-invite.test.ts leaves behind are seeded as invitations (support/users-setup).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../support/server-harness';
import {
  AUTH,
  expectGenericError,
  me,
  nextStep,
  PASSWORD,
  post,
  signIn,
  totp,
} from '../auth/support/auth-helpers';
import {
  activeSession,
  adminSession,
  auditOf,
  call,
  changeSeqOf,
  secretsOf,
  seedStore,
  startPeopleServer,
  type PeopleServer,
  type Session,
} from './support/people-helpers';
import { seedInvitedPeople, USER_KEYS } from './support/users-setup';

describeEachDialect('people: administering accounts', (dialect) => {
  let server: PeopleServer;
  let admin: Session;
  let storeA: string;
  let storeB: string;
  beforeAll(async () => {
    server = await startPeopleServer(dialect);
    storeA = await seedStore(server.s, 'Downtown');
    storeB = await seedStore(server.s, 'Airport');
    admin = await adminSession(server);
    await seedInvitedPeople(server, admin.tokens.accessToken, { storeA, storeB });
  });
  afterAll(() => server.close());

  const create = (body: Record<string, unknown>, token = admin.tokens.accessToken) =>
    call(server.s, 'POST', '/users', { token, body });

  it('audits role and status changes with before and after; disabling revokes sessions at once', async () => {
    const { s, clock } = server;
    const adminToken = (await signIn(server, admin.email, admin.secret)).accessToken;
    const manager = await activeSession(server, adminToken, {
      email: 'max@example.com',
      username: 'max',
      displayName: 'Max Manager',
      role: 'manager',
      storeIds: [storeA],
    });
    expect(await me(s, manager.tokens.accessToken)).toBe(200);
    const seq = await changeSeqOf(s, manager.userId);

    const disabled = await call(s, 'PUT', `/users/${manager.userId}/status`, {
      token: adminToken,
      body: { status: 'disabled' },
    });
    expect(disabled.statusCode, disabled.body).toBe(200);
    expect(disabled.json().status).toBe('disabled');
    // The very next request with the old access token fails; so does its refresh token.
    expect(await me(s, manager.tokens.accessToken)).toBe(401);
    expectGenericError(
      await post(s, '/refresh', { refreshToken: manager.tokens.refreshToken }),
      401,
    );
    const families = await s.database.db
      .selectFrom('refresh_families')
      .select(['revoked_at', 'revoked_reason'])
      .where('user_id', '=', manager.userId)
      .execute();
    expect(families.every((f) => f.revoked_reason === 'account_disabled')).toBe(true);
    expect(await changeSeqOf(s, manager.userId)).toBeGreaterThan(seq);
    // Disabled people cannot sign in (even with both factors right).
    nextStep(clock);
    const refused = await post(s, '/sign-in', {
      email: 'max@example.com',
      password: PASSWORD,
      totpCode: totp(manager.secret, clock),
    });
    expectGenericError(refused, 403, 'account_disabled');

    const seqDisabled = await changeSeqOf(s, manager.userId);
    const enabled = await call(s, 'PUT', `/users/${manager.userId}/status`, {
      token: adminToken,
      body: { status: 'active' },
    });
    expect(enabled.json().status).toBe('active');
    // Enabling moves change_seq too, so store PCs take the account back.
    expect(await changeSeqOf(s, manager.userId)).toBeGreaterThan(seqDisabled);
    expect(
      (await auditOf(s, 'user.status_change', manager.userId)).map((e) => e.details),
    ).toMatchObject([
      { before: { status: 'active' }, after: { status: 'disabled' }, revokedSessions: 1 },
      { before: { status: 'disabled' }, after: { status: 'active' }, revokedSessions: 0 },
    ]);

    const seqBeforeRole = await changeSeqOf(s, manager.userId);
    const role = await call(s, 'PUT', `/users/${manager.userId}/role`, {
      token: adminToken,
      body: { role: 'viewer' },
    });
    expect(role.statusCode, role.body).toBe(200);
    expect(role.json().role).toBe('viewer');
    expect(await changeSeqOf(s, manager.userId)).toBeGreaterThan(seqBeforeRole);
    expect(await auditOf(s, 'user.role_change', manager.userId)).toMatchObject([
      {
        actorId: admin.userId,
        outcome: 'success',
        details: { before: { role: 'manager' }, after: { role: 'viewer' } },
      },
    ]);

    // Admins cannot change their own role or status (nor lock the franchise out).
    expectGenericError(
      await call(s, 'PUT', `/users/${admin.userId}/role`, {
        token: adminToken,
        body: { role: 'viewer' },
      }),
      409,
      'own_account',
    );
    expectGenericError(
      await call(s, 'PUT', `/users/${admin.userId}/status`, {
        token: adminToken,
        body: { status: 'disabled' },
      }),
      409,
      'own_account',
    );
  });

  it('edits name, username and stores (bumping change_seq) and unlocks a locked account', async () => {
    const { s, clock } = server;
    const adminToken = (await signIn(server, admin.email, admin.secret)).accessToken;
    const created = await create(
      {
        email: 'ned@example.com',
        username: 'ned',
        displayName: 'Ned',
        role: 'viewer',
        storeIds: [storeA],
      },
      adminToken,
    );
    const id = created.json().id as string;
    const seq = await changeSeqOf(s, id);
    const edit = await call(s, 'PATCH', `/users/${id}`, {
      token: adminToken,
      body: { displayName: 'Ned Stark', username: 'ned.s', storeIds: [storeB, storeA] },
    });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(edit.json()).toMatchObject({
      displayName: 'Ned Stark',
      username: 'ned.s',
      stores: [
        { id: storeB, name: 'Airport' },
        { id: storeA, name: 'Downtown' },
      ],
    });
    expect(await changeSeqOf(s, id)).toBeGreaterThan(seq);
    expect((await auditOf(s, 'user.update', id))[0]?.details).toMatchObject({
      before: { displayName: 'Ned', username: 'ned', storeIds: [storeA] },
      after: { displayName: 'Ned Stark', username: 'ned.s' },
    });

    // A typo in a pending invitation's address can be fixed: a fresh mail goes to the new one.
    const fixed = await call(s, 'PATCH', `/users/${id}`, {
      token: adminToken,
      body: { email: 'ned.stark@example.com' },
    });
    expect(fixed.statusCode, fixed.body).toBe(200);
    const old = secretsOf(await server.mail.next('ned@example.com'));
    const fresh = secretsOf(await server.mail.next('ned.stark@example.com'));
    expectGenericError(
      await call(s, 'POST', '/account/verification/start', { body: { token: old.token } }),
      400,
      'invalid_code',
    );
    expect(
      (await call(s, 'POST', '/account/verification/start', { body: { token: fresh.token } }))
        .statusCode,
    ).toBe(200);

    // Locked by failed sign-ins → an admin unlocks.
    const max = await s.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'max@example.com')
      .executeTakeFirstOrThrow();
    for (let i = 0; i < 10; i++) {
      clock.advance(60_000);
      await post(s, '/sign-in', {
        email: 'max@example.com',
        password: 'wrong password 123',
        totpCode: '000000',
      });
    }
    const detail = await call(s, 'GET', `/users/${max.id}`, { token: adminToken });
    expect(detail.json().locked).toBe(true);
    const unlock = await call(s, 'POST', `/users/${max.id}/unlock`, { token: adminToken });
    expect(unlock.json()).toEqual({ wasLocked: true });
    expect((await call(s, 'GET', `/users/${max.id}`, { token: adminToken })).json().locked).toBe(
      false,
    );
  });

  it('lists and shows people without any secret, with paging and search', async () => {
    const { s } = server;
    const adminToken = (await signIn(server, admin.email, admin.secret)).accessToken;
    const all = await call(s, 'GET', '/users?limit=200', { token: adminToken });
    expect(all.statusCode, all.body).toBe(200);
    const list = all.json() as { users: Record<string, unknown>[]; nextCursor: string | null };
    expect(list.users.length).toBeGreaterThanOrEqual(6);
    // A list also says who is locked out of signing in (the admin area offers Unlock to them).
    for (const u of list.users)
      expect(Object.keys(u).sort()).toEqual([...USER_KEYS, 'locked'].sort());
    expect(all.body).not.toMatch(/argon2|password|secret|totp_|hash/i);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await call(s, 'GET', `/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        token: adminToken,
      });
      const body = r.json() as { users: { email: string }[]; nextCursor: string | null };
      pages.push(...body.users.map((u) => u.email));
      cursor = body.nextCursor;
    } while (cursor);
    expect(pages).toEqual(list.users.map((u) => u.email));

    const search = await call(s, 'GET', '/users?q=MIA.MAN', { token: adminToken });
    expect(search.json().users.map((u: { email: string }) => u.email)).toEqual(['mia@example.com']);
    const byStore = await call(s, 'GET', `/users?store=${storeB}&role=viewer`, {
      token: adminToken,
    });
    expect(
      byStore
        .json()
        .users.map((u: { email: string }) => u.email)
        .sort(),
    ).toEqual(['eve@example.com', 'ned.stark@example.com']);
    const one = await call(s, 'GET', `/users/${admin.userId}`, { token: adminToken });
    expect(one.statusCode).toBe(200);
    expect(one.body).not.toMatch(/argon2|secret|hash/i);
    expectGenericError(
      await call(s, 'GET', '/users/00000000-0000-4000-8000-000000000000', { token: adminToken }),
      404,
      'not_found',
    );
    expectGenericError(await call(s, 'GET', '/users'), 401, 'unauthorized');
    expect((await s.app.inject({ url: `${AUTH}/me` })).statusCode).toBe(401);
  });
});
