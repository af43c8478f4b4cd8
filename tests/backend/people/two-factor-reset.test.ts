import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect, openTotpSecret } from '../support/server-harness';
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
  PUBLIC_URL,
  rowCounts,
  secretsOf,
  seedStore,
  sleep,
  startPeopleServer,
  waitFor,
  type PeopleServer,
  type Session,
} from './support/people-helpers';

/**
 * A lost or replaced phone: `POST /users/:id/two-factor-reset` (staff.reset_2fa). The person's
 * TOTP key goes, their sessions end, store PCs pull the change, and a security alert brings a
 * one-time link to enroll a new authenticator with the current password (which never changes).
 */
describeEachDialect('people: two-step sign-in reset', (dialect) => {
  let server: PeopleServer;
  let admin: Session;
  let manager: Session;
  let viewer: Session;
  let storeA: string;
  let storeB: string;
  const person = (username: string, role: 'manager' | 'viewer', storeIds: string[]) => ({
    email: `${username}@example.com`,
    username,
    displayName: username,
    role,
    storeIds,
  });

  beforeAll(async () => {
    server = await startPeopleServer(dialect);
    storeA = await seedStore(server.s, 'Downtown');
    storeB = await seedStore(server.s, 'Airport');
    admin = await adminSession(server);
    const t = admin.tokens.accessToken;
    manager = await activeSession(server, t, person('manager-a', 'manager', [storeA]));
    viewer = await activeSession(server, t, person('viewer-a', 'viewer', [storeA]));
  });
  afterAll(() => server.close());

  const userRow = (id: string) =>
    server.s.database.db
      .selectFrom('users')
      .select(['totp_secret', 'totp_last_step', 'password_hash'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const failuresOf = async (id: string) =>
    (
      await server.s.database.db
        .selectFrom('sign_in_failures')
        .select('failures')
        .where('subject', '=', `u:${id}`)
        .executeTakeFirst()
    )?.failures ?? 0;

  it('a manager resets a viewer of their store; the viewer sets up a new authenticator with the same password', async () => {
    const { s, clock } = server;
    const seq = await changeSeqOf(s, viewer.userId);
    const passwordHash = (await userRow(viewer.userId)).password_hash;
    const r = await call(s, 'POST', `/users/${viewer.userId}/two-factor-reset`, {
      token: manager.tokens.accessToken,
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      id: viewer.userId,
      status: 'active',
      totpEnabled: false,
      revokedSessions: 1,
      setupEmail: 'sent',
      sentTo: 'v***@e***.com',
    });
    expect(r.headers['cache-control']).toBe('no-store');

    // Secret and last step cleared; every session of the person ends at once.
    expect(await userRow(viewer.userId)).toEqual({
      totp_secret: null,
      totp_last_step: 0,
      password_hash: passwordHash,
    });
    expect(await me(s, viewer.tokens.accessToken)).toBe(401);
    expectGenericError(
      await post(s, '/refresh', { refreshToken: viewer.tokens.refreshToken }),
      401,
    );
    const families = await s.database.db
      .selectFrom('refresh_families')
      .select('revoked_reason')
      .where('user_id', '=', viewer.userId)
      .execute();
    expect(families.map((f) => f.revoked_reason)).toEqual(['two_factor_reset']);
    // Store PCs pull it (and ask for a new enrollment at the next sign-in there).
    expect(await changeSeqOf(s, viewer.userId)).toBeGreaterThan(seq);
    expect(await auditOf(s, 'user.two_factor_reset', viewer.userId)).toMatchObject([
      {
        actorId: manager.userId,
        outcome: 'success',
        details: {
          before: { totpEnabled: true },
          after: { totpEnabled: false },
          revokedSessions: 1,
        },
      },
    ]);

    // The security alert carries the way back in: a one-time link and code.
    const mail = await server.mail.next('viewer-a@example.com');
    expect(mail.subject).toBe(
      'Security alert: two-step sign-in was reset on your Keyholder account',
    );
    expect(mail.text).toContain('Your password has not changed');
    const { url, path, token, code } = secretsOf(mail);
    expect(url.startsWith(`${PUBLIC_URL}/account/two-factor#token=`)).toBe(true);

    // The server's sign-in says what to do — only after the right password — and counts nothing.
    nextStep(clock);
    const refused = await post(s, '/sign-in', {
      email: 'viewer-a@example.com',
      password: PASSWORD,
      totpCode: totp(viewer.secret, clock),
    });
    expectGenericError(refused, 403, 'two_factor_setup_required');
    expect(refused.json().error.message).toMatch(/Set up two-step sign-in again/);
    expectGenericError(
      await post(s, '/sign-in', {
        email: 'viewer-a@example.com',
        password: 'not the password 1',
        totpCode: '123456',
      }),
      401,
      'invalid_credentials',
    );
    expect(await failuresOf(viewer.userId)).toBe(1); // the wrong password only
    expect(
      (await auditOf(s, 'auth.sign_in', viewer.userId)).map((e) => e.details.reason).slice(-2),
    ).toEqual(['two_factor_not_set_up', 'bad_password']);
    // A link was mailed a moment ago: the refusal does not send another.
    await sleep(200);
    expect(server.mail.unread('viewer-a@example.com')).toHaveLength(0);

    // The page the link opens, and what its script does.
    const page = await s.app.inject({ url: path });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Set up two-step sign-in again');
    const script = await s.app.inject({ url: '/account/account.js' });
    expect(script.body).toContain('two-factor/complete');

    const start = await call(s, 'POST', '/account/two-factor/start', { body: { token } });
    expect(start.statusCode, start.body).toBe(200);
    const started = start.json();
    expect(started).toMatchObject({
      username: 'viewer-a',
      displayName: 'viewer-a',
      email: 'v***@e***.com',
    });
    const secret = started.totp.secret as string;
    expect(secret).not.toBe(viewer.secret);
    const again = await call(s, 'POST', '/account/two-factor/start', {
      body: { email: 'viewer-a@example.com', code },
    });
    expect(again.json().totp.secret).toBe(secret);

    // The current password is required (and a wrong one counts like a failed sign-in) …
    const wrongPassword = await call(s, 'POST', '/account/two-factor/complete', {
      body: { token, password: 'a brand new password 99', totpCode: totp(secret, clock) },
    });
    expectGenericError(wrongPassword, 400, 'invalid_current_password');
    expect(await failuresOf(viewer.userId)).toBe(2);
    // … and a code from the new key.
    clock.advance(60_000); // past the progressive delay
    expectGenericError(
      await call(s, 'POST', '/account/two-factor/complete', {
        body: { token, password: PASSWORD, totpCode: totp(viewer.secret, clock) },
      }),
      400,
      'invalid_totp_code',
    );
    const seqBefore = await changeSeqOf(s, viewer.userId);
    const done = await call(s, 'POST', '/account/two-factor/complete', {
      body: { token, password: PASSWORD, totpCode: totp(secret, clock) },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({ status: 'two_factor_enabled', username: 'viewer-a' });
    const row = await userRow(viewer.userId);
    expect(openTotpSecret(server.s, row.totp_secret)).toBe(secret);
    expect(row.password_hash).toBe(passwordHash); // the password did not change
    expect(await changeSeqOf(s, viewer.userId)).toBeGreaterThan(seqBefore);
    expect(await failuresOf(viewer.userId)).toBe(0);
    expect(
      (await auditOf(s, 'user.two_factor_enroll', viewer.userId)).map(
        (e) => `${e.outcome}:${String(e.details.reason ?? '')}`,
      ),
    ).toEqual(['failure:bad_password', 'failure:bad_totp', 'success:']);
    const alert = await server.mail.next('viewer-a@example.com');
    expect(alert.subject).toBe('Security alert for your Keyholder account');
    expect(alert.text).toContain('Two-step sign-in was set up with a new authenticator');

    // One-time: neither the link nor the code works again.
    for (const body of [{ token }, { email: 'viewer-a@example.com', code }]) {
      expectGenericError(
        await call(s, 'POST', '/account/two-factor/start', { body }),
        400,
        'invalid_code',
      );
    }
    // The old phone's codes are dead; the same password with the new key signs in.
    nextStep(clock);
    expectGenericError(
      await post(s, '/sign-in', {
        email: 'viewer-a@example.com',
        password: PASSWORD,
        totpCode: totp(viewer.secret, clock),
      }),
      401,
      'invalid_credentials',
    );
    viewer.tokens = await signIn(server, 'viewer-a@example.com', secret);
    viewer.secret = secret;
  });

  it('keeps to the users routes’ scope: out of scope is 404, oneself is refused, nothing is written', async () => {
    const { s } = server;
    const t = admin.tokens.accessToken;
    const other = await call(s, 'POST', '/users', {
      token: t,
      body: person('viewer-b', 'viewer', [storeB]),
    });
    const peer = await call(s, 'POST', '/users', {
      token: t,
      body: person('manager-a2', 'manager', [storeA]),
    });
    const pending = await call(s, 'POST', '/users', {
      token: t,
      body: person('viewer-new', 'viewer', [storeA]),
    });
    const ids = [other, peer, pending].map((r) => {
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as string;
    });
    const before = await rowCounts(s);
    const reset = (id: string, token: string) =>
      call(s, 'POST', `/users/${id}/two-factor-reset`, { token });
    // A manager: another store's viewer, a fellow manager, an admin, themselves → as if unknown.
    for (const id of [ids[0]!, ids[1]!, admin.userId, manager.userId]) {
      expectGenericError(await reset(id, manager.tokens.accessToken), 404, 'not_found');
    }
    expectGenericError(await reset('00000000-0000-4000-8000-000000000000', t), 404, 'not_found');
    // An admin, never for themselves; nobody whose invitation is still pending.
    expectGenericError(await reset(admin.userId, t), 409, 'own_account');
    expectGenericError(await reset(ids[2]!, t), 409, 'not_verified');
    // Viewers have no such permission.
    expectGenericError(await reset(manager.userId, viewer.tokens.accessToken), 403, 'forbidden');
    expect(await rowCounts(s)).toEqual(before);
    expect(server.mail.unread('manager-a@example.com')).toHaveLength(0);
  });

  it('an admin resets a manager: no self-service password reset until 2FA is back, and sign-in mails a fresh link', async () => {
    const { s, clock } = server;
    const m2 = await activeSession(
      server,
      admin.tokens.accessToken,
      person('manager-b', 'manager', [storeB]),
    );
    // A password reset asked for before the 2FA reset (it would have needed the old phone's code).
    await call(s, 'POST', '/account/password-reset', { body: { email: 'manager-b@example.com' } });
    const earlierReset = secretsOf(await server.mail.next('manager-b@example.com'));
    const r = await call(s, 'POST', `/users/${m2.userId}/two-factor-reset`, {
      token: admin.tokens.accessToken,
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ role: 'manager', totpEnabled: false, revokedSessions: 1 });
    const first = secretsOf(await server.mail.next('manager-b@example.com'));
    // It died with the reset: without a second factor it would let the mailbox alone in.
    expectGenericError(
      await call(s, 'POST', '/account/password-reset/complete', {
        body: { token: earlierReset.token, newPassword: 'violet harbour lantern 2048' },
      }),
      400,
      'invalid_code',
    );

    // The role asks for 2FA and none is enrolled: a mailbox alone must not reset the password.
    const asked = await call(s, 'POST', '/account/password-reset', {
      body: { email: 'manager-b@example.com' },
    });
    expect(asked.statusCode).toBe(202);
    await waitFor(async () =>
      (await auditOf(s, 'password.reset_request', m2.userId)).some(
        (e) => e.details.reason === 'two_factor_not_set_up',
      ),
    );
    expect(server.mail.unread('manager-b@example.com')).toHaveLength(0);

    // The link lives an hour; after that, signing in with the right password mails a new one.
    clock.advance(60 * 60 * 1000 + 1);
    expectGenericError(
      await call(s, 'POST', '/account/two-factor/start', { body: { token: first.token } }),
      400,
      'invalid_code',
    );
    const signInBody = { email: 'manager-b@example.com', password: PASSWORD, totpCode: '123456' };
    expectGenericError(await post(s, '/sign-in', signInBody), 403, 'two_factor_setup_required');
    const mail = await server.mail.next('manager-b@example.com');
    expect(mail.subject).toBe('Set up two-step sign-in for Keyholder');
    const fresh = secretsOf(mail);
    expect(fresh.path).toBe('/account/two-factor');
    // At most one such mail a minute, however often the sign-in is tried.
    expectGenericError(await post(s, '/sign-in', signInBody), 403, 'two_factor_setup_required');
    await sleep(300);
    expect(server.mail.unread('manager-b@example.com')).toHaveLength(0);
    expect(await auditOf(s, 'user.two_factor_setup_sent', m2.userId)).toHaveLength(1);

    // The typed code from the mail works as well as the link.
    const start = await call(s, 'POST', '/account/two-factor/start', {
      body: { email: 'manager-b@example.com', code: fresh.code },
    });
    expect(start.statusCode, start.body).toBe(200);
    const secret = start.json().totp.secret as string;
    const done = await call(s, 'POST', '/account/two-factor/complete', {
      body: {
        email: 'manager-b@example.com',
        code: fresh.code,
        password: PASSWORD,
        totpCode: totp(secret, clock),
      },
    });
    expect(done.statusCode, done.body).toBe(200);
    await server.mail.next('manager-b@example.com'); // the "2FA was set up" alert
    await signIn(server, 'manager-b@example.com', secret);
  });

  it('lets an admin-started password reset through while 2FA is not set up (the recovery for both lost)', async () => {
    const { s, clock } = server;
    const t = (await signIn(server, admin.email, admin.secret)).accessToken;
    const m3 = await activeSession(server, t, person('manager-c', 'manager', [storeA]));
    expect(
      (await call(s, 'POST', `/users/${m3.userId}/two-factor-reset`, { token: t })).statusCode,
    ).toBe(200);
    const enroll = secretsOf(await server.mail.next('manager-c@example.com'));
    const started = await call(s, 'POST', `/users/${m3.userId}/password-reset`, { token: t });
    expect(started.statusCode, started.body).toBe(202);
    const reset = secretsOf(await server.mail.next('manager-c@example.com'));
    const newPassword = 'violet harbour lantern 2048';
    const changed = await call(s, 'POST', '/account/password-reset/complete', {
      body: { token: reset.token, newPassword },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    await server.mail.next('manager-c@example.com'); // the security alert of the reset
    // Then 2FA with the new password.
    const start = await call(s, 'POST', '/account/two-factor/start', {
      body: { token: enroll.token },
    });
    const secret = start.json().totp.secret as string;
    const done = await call(s, 'POST', '/account/two-factor/complete', {
      body: { token: enroll.token, password: newPassword, totpCode: totp(secret, clock) },
    });
    expect(done.statusCode, done.body).toBe(200);
    await signIn(server, 'manager-c@example.com', secret, newPassword);
  });
});
