import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_PREFERENCES,
  inQuietHours,
  readPreferences,
} from '../../../backend-sync/people/preferences';
import { describeEachDialect } from '../support/server-harness';
import {
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
  waitFor,
  type PeopleServer,
  type Session,
} from './support/people-helpers';

describeEachDialect('people: profile', (dialect) => {
  let server: PeopleServer;
  let admin: Session;
  let pat: Session;
  let store: string;
  beforeAll(async () => {
    server = await startPeopleServer(dialect);
    store = await seedStore(server.s, 'Downtown');
    admin = await adminSession(server);
    pat = await activeSession(server, admin.tokens.accessToken, {
      email: 'pat@example.com',
      username: 'pat',
      displayName: 'Pat Doe',
      role: 'manager',
      storeIds: [store],
    });
  });
  afterAll(() => server.close());

  const fresh = async () => {
    pat.tokens = await signIn(server, pat.email, pat.secret);
    return pat.tokens.accessToken;
  };

  it('shows the person their own account, without secrets', async () => {
    const r = await call(server.s, 'GET', '/profile', { token: await fresh() });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({
      id: pat.userId,
      email: 'pat@example.com',
      username: 'pat',
      displayName: 'Pat Doe',
      role: 'manager',
      totpEnabled: true,
      stores: [{ id: store, name: 'Downtown' }],
      preferences: { securityAlerts: true, weeklyDigest: false, quietHours: null },
      pendingEmail: null,
    });
    expectGenericError(await call(server.s, 'GET', '/profile'), 401, 'unauthorized');
  });

  it('changes the display name (synced to store PCs, audited)', async () => {
    const token = await fresh();
    const seq = await changeSeqOf(server.s, pat.userId);
    const r = await call(server.s, 'PATCH', '/profile', {
      token,
      body: { displayName: '  Pat Smith ' },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().displayName).toBe('Pat Smith');
    expect(await changeSeqOf(server.s, pat.userId)).toBeGreaterThan(seq);
    expect((await auditOf(server.s, 'profile.update', pat.userId))[0]?.details).toMatchObject({
      before: { displayName: 'Pat Doe' },
      after: { displayName: 'Pat Smith' },
    });
    for (const body of [{ displayName: '' }, { displayName: 'x'.repeat(101) }, { role: 'admin' }]) {
      expectGenericError(await call(server.s, 'PATCH', '/profile', { token, body }), 400);
    }
  });

  it('stores notification preferences; security alerts cannot be turned off', async () => {
    const token = await fresh();
    const set = await call(server.s, 'PATCH', '/profile/preferences', {
      token,
      body: {
        weeklyDigest: true,
        quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Paris' },
      },
    });
    expect(set.statusCode, set.body).toBe(200);
    const expected = {
      securityAlerts: true,
      weeklyDigest: true,
      quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Paris' },
    };
    expect(set.json()).toEqual(expected);
    expect((await call(server.s, 'GET', '/profile/preferences', { token })).json()).toEqual(
      expected,
    );
    const partial = await call(server.s, 'PATCH', '/profile/preferences', {
      token,
      body: { securityAlerts: true, quietHours: null },
    });
    expect(partial.json()).toEqual({ ...expected, quietHours: null });
    for (const body of [
      { securityAlerts: false },
      { weeklyDigest: 'yes' },
      { quietHours: { start: '25:00', end: '07:00' } },
      { quietHours: { start: '7:00', end: '08:00' } },
      { quietHours: { start: '08:00', end: '08:00' } },
      { quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' } },
      { quietHours: { start: '22:00', end: '07:00', extra: 1 } },
      {},
      { weeklyDigest: true, marketing: true },
    ]) {
      const r = await call(server.s, 'PATCH', '/profile/preferences', { token, body });
      expectGenericError(r, 400, 'invalid_request');
    }
    const stored = await server.s.database.db
      .selectFrom('users')
      .select('preferences')
      .where('id', '=', pat.userId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(stored.preferences)).toEqual({ ...expected, quietHours: null });
  });

  it('changes the email only after the new address confirms; the old address is told', async () => {
    const { s } = server;
    const token = await fresh();
    expectGenericError(
      await call(s, 'POST', '/profile/email', {
        token,
        body: { newEmail: 'pat.new@example.com', currentPassword: 'not my password' },
      }),
      400,
      'invalid_current_password',
    );
    // Another account's address: the same answer, but nothing is sent anywhere.
    const taken = await call(s, 'POST', '/profile/email', {
      token,
      body: { newEmail: 'ada@example.com', currentPassword: PASSWORD },
    });
    expect(taken.statusCode).toBe(202);
    expect(taken.json()).toEqual({ status: 'verification_sent', sentTo: 'a***@e***.com' });

    const r = await call(s, 'POST', '/profile/email', {
      token,
      body: { newEmail: 'Pat.New@Example.com', currentPassword: PASSWORD },
    });
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json()).toEqual({ status: 'verification_sent', sentTo: 'p***@e***.com' });
    const mail = await server.mail.next('pat.new@example.com');
    expect(mail.subject).toBe('Confirm your new email address for Keyholder');
    const { token: link, path } = secretsOf(mail);
    expect(path).toBe('/account/confirm-email');
    expect(server.mail.unread('ada@example.com')).toHaveLength(0);

    // Not switched yet: the profile shows the pending address, the old one still signs in.
    const pending = await call(s, 'GET', '/profile', { token });
    expect(pending.json()).toMatchObject({
      email: 'pat@example.com',
      pendingEmail: 'p***@e***.com',
    });
    await signIn(server, 'pat@example.com', pat.secret);

    const seq = await changeSeqOf(s, pat.userId);
    const confirm = await call(s, 'POST', '/account/email/confirm', { body: { token: link } });
    expect(confirm.statusCode, confirm.body).toBe(200);
    expect(confirm.json()).toEqual({ status: 'email_changed', email: 'p***@e***.com' });
    expect(await changeSeqOf(s, pat.userId)).toBeGreaterThan(seq);
    expectGenericError(
      await call(s, 'POST', '/account/email/confirm', { body: { token: link } }),
      400,
      'invalid_code',
    );
    const notice = await server.mail.next('pat@example.com');
    expect(notice.subject).toBe('The email address of your Keyholder account was changed');
    expect(notice.text).toContain('p***@e***.com');
    nextStep(server.clock);
    expectGenericError(
      await post(s, '/sign-in', {
        email: 'pat@example.com',
        password: PASSWORD,
        totpCode: totp(pat.secret, server.clock),
      }),
      401,
      'invalid_credentials',
    );
    pat.email = 'pat.new@example.com';
    await fresh();
    expect((await auditOf(s, 'profile.email_change', pat.userId)).at(-1)?.details).toMatchObject({
      before: { email: 'pat@example.com' },
      after: { email: 'pat.new@example.com' },
      via: 'link',
    });
  });

  it('confirms an email change with the typed code while signed in', async () => {
    const { s } = server;
    const token = await fresh();
    await call(s, 'POST', '/profile/email', {
      token,
      body: { newEmail: 'pat3@example.com', currentPassword: PASSWORD },
    });
    const { code } = secretsOf(await server.mail.next('pat3@example.com'));
    expectGenericError(
      await call(s, 'POST', '/profile/email/confirm', { token, body: { code: 'AAAA-AAAA' } }),
      400,
      'invalid_code',
    );
    // The code is bound to its person: someone else's session cannot use it.
    const adminToken = (await signIn(server, admin.email, admin.secret)).accessToken;
    expectGenericError(
      await call(s, 'POST', '/profile/email/confirm', { token: adminToken, body: { code } }),
      400,
      'invalid_code',
    );
    const ok = await call(s, 'POST', '/profile/email/confirm', { token, body: { code } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await call(s, 'GET', '/profile', { token })).json().email).toBe('pat3@example.com');
    await server.mail.next('pat.new@example.com'); // the notice to the previous address
    pat.email = 'pat3@example.com';
  });

  it('lists sign-in history, newest first, with paging', async () => {
    const { s, clock } = server;
    nextStep(clock);
    await post(s, '/sign-in', {
      email: pat.email,
      password: 'wrong password 999',
      totpCode: '000000',
    });
    const token = await fresh();
    const r = await call(s, 'GET', '/profile/sign-ins?limit=2', { token, headers: {} });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json() as {
      entries: { outcome: string; reason: string | null; ip: string | null }[];
      nextBefore: number | null;
    };
    expect(body.entries.map((e) => e.outcome)).toEqual(['success', 'failure']);
    expect(body.entries[1]).toMatchObject({ reason: 'bad_password', ip: '127.0.0.1' });
    expect(body.nextBefore).not.toBeNull();
    const more = await call(s, 'GET', `/profile/sign-ins?limit=100&before=${body.nextBefore}`, {
      token,
    });
    expect(more.json().entries.length).toBeGreaterThanOrEqual(3);
    expect(more.json().entries.every((e: { outcome: string }) => e.outcome === 'success')).toBe(
      true,
    );
    // Only the caller's own history.
    const adminToken = (await signIn(server, admin.email, admin.secret)).accessToken;
    const adminHistory = await call(s, 'GET', '/profile/sign-ins', { token: adminToken });
    expect(adminHistory.body).not.toContain('bad_password');
  });

  it('lists sessions and revokes one or all the others', async () => {
    const { s } = server;
    await server.s.database.db
      .updateTable('refresh_families')
      .set({ revoked_at: 1, revoked_reason: 'sign_out' })
      .where('user_id', '=', pat.userId)
      .execute();
    const a = await signIn(server, pat.email, pat.secret);
    const b = await signIn(server, pat.email, pat.secret);
    const c = await signIn(server, pat.email, pat.secret);
    const list = await call(s, 'GET', '/profile/sessions', { token: a.accessToken });
    const sessions = list.json().sessions as { id: string; current: boolean }[];
    expect(sessions).toHaveLength(3);
    expect(sessions.filter((x) => x.current)).toHaveLength(1);
    const others = sessions.filter((x) => !x.current);

    const del = await call(s, 'DELETE', `/profile/sessions/${others[0]!.id}`, {
      token: a.accessToken,
    });
    expect(del.statusCode).toBe(204);
    expect([await me(s, b.accessToken), await me(s, c.accessToken)].sort()).toEqual([200, 401]);
    expectGenericError(
      await call(s, 'DELETE', `/profile/sessions/${others[0]!.id}`, { token: a.accessToken }),
      404,
      'not_found',
    );
    // Someone else's session is not found either.
    const adminToken = (await signIn(server, admin.email, admin.secret)).accessToken;
    expectGenericError(
      await call(s, 'DELETE', `/profile/sessions/${others[1]!.id}`, { token: adminToken }),
      404,
      'not_found',
    );
    const revoked = await call(s, 'POST', '/profile/sessions/revoke-others', {
      token: a.accessToken,
    });
    expect(revoked.json()).toEqual({ revoked: 1 });
    expect(await me(s, b.accessToken)).toBe(401);
    expect(await me(s, c.accessToken)).toBe(401);
    expect(await me(s, a.accessToken)).toBe(200);
    expect(
      (await call(s, 'GET', '/profile/sessions', { token: a.accessToken })).json().sessions,
    ).toHaveLength(1);
    await waitFor(async () => (await auditOf(s, 'session.revoke', pat.userId)).length === 2);
  });
});

describe('people: notification preferences', () => {
  it('reads stored preferences tolerantly and always with security alerts on', () => {
    expect(readPreferences('{}')).toEqual(DEFAULT_PREFERENCES);
    expect(readPreferences('not json')).toEqual(DEFAULT_PREFERENCES);
    expect(readPreferences('{"securityAlerts":false,"weeklyDigest":true}')).toEqual({
      securityAlerts: true,
      weeklyDigest: true,
      quietHours: null,
    });
  });

  it('tells quiet hours in the person’s time zone, across midnight', () => {
    const prefs = {
      securityAlerts: true as const,
      weeklyDigest: true,
      quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Paris' },
    };
    // 2026-01-15 21:30 UTC = 22:30 in Paris (winter).
    expect(inQuietHours(prefs, Date.UTC(2026, 0, 15, 21, 30))).toBe(true);
    expect(inQuietHours(prefs, Date.UTC(2026, 0, 15, 5, 59))).toBe(true);
    expect(inQuietHours(prefs, Date.UTC(2026, 0, 15, 6, 0))).toBe(false);
    expect(inQuietHours(prefs, Date.UTC(2026, 0, 15, 12, 0))).toBe(false);
    const day = { ...prefs, quietHours: { start: '12:00', end: '13:00', timeZone: 'UTC' } };
    expect(inQuietHours(day, Date.UTC(2026, 0, 15, 12, 30))).toBe(true);
    expect(inQuietHours(day, Date.UTC(2026, 0, 15, 13, 0))).toBe(false);
    expect(inQuietHours({ ...prefs, quietHours: null }, Date.UTC(2026, 0, 15, 23, 0))).toBe(false);
  });
});
