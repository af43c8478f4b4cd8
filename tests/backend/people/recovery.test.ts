import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  inviteAndActivate,
  secretsOf,
  seedStore,
  startPeopleServer,
  waitFor,
  withoutRequestId,
  type PeopleServer,
  type Session,
} from './support/people-helpers';

const NEW_PASSWORD = 'a brand new passphrase 77';

describeEachDialect('people: self-service password reset', (dialect) => {
  let server: PeopleServer;
  let admin: Session;
  let storeA: string;
  beforeAll(async () => {
    server = await startPeopleServer(dialect);
    storeA = await seedStore(server.s, 'Downtown');
    admin = await adminSession(server);
  });
  afterAll(() => server.close());

  const request = (email: string, headers: Record<string, string> = {}) =>
    call(server.s, 'POST', '/account/password-reset', { body: { email }, headers });
  const resetRequests = async (outcome?: string) =>
    (await auditOf(server.s, 'password.reset_request')).filter(
      (e) => !outcome || e.outcome === outcome,
    ).length;

  it('answers the same for a known and an unknown address', async () => {
    const known = await request('ada@example.com');
    const unknown = await request('nobody@example.com');
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(withoutRequestId(known)).toEqual(withoutRequestId(unknown));
    expect(Object.keys(known.headers).sort()).toEqual(Object.keys(unknown.headers).sort());
    await waitFor(async () => (await resetRequests()) >= 2);
    await server.mail.next('ada@example.com');
    expect(server.mail.unread('nobody@example.com')).toHaveLength(0);
    expect(
      (await auditOf(server.s, 'password.reset_request')).map((e) => [e.outcome, e.details.reason]),
    ).toEqual(
      expect.arrayContaining([
        ['success', undefined],
        ['failure', 'unknown_address'],
      ]),
    );
  });

  it('resets with the link: 2FA code required, one-time, every session revoked, 2FA still needed', async () => {
    const { s, clock } = server;
    const adminToken = (await signIn(server, admin.email, admin.secret)).accessToken;
    const mia = await activeSession(server, adminToken, {
      email: 'mia@example.com',
      username: 'mia',
      displayName: 'Mia Manager',
      role: 'manager',
      storeIds: [storeA],
    });
    const second = await signIn(server, mia.email, mia.secret);
    expect((await request('mia@example.com')).statusCode).toBe(202);
    const mail = await server.mail.next('mia@example.com');
    expect(mail.subject).toBe('Reset your Keyholder password');
    const { token, path } = secretsOf(mail);
    expect(path).toBe('/account/reset');
    expect((await s.app.inject({ url: path })).statusCode).toBe(200);

    const check = await call(s, 'POST', '/account/password-reset/check', { body: { token } });
    expect(check.json()).toMatchObject({ totpRequired: true, password: { minLength: 12 } });
    // Without the 2FA code, or with a wrong one: refused, nothing changes.
    expectGenericError(
      await call(s, 'POST', '/account/password-reset/complete', {
        body: { token, newPassword: NEW_PASSWORD },
      }),
      400,
      'invalid_totp_code',
    );
    expectGenericError(
      await call(s, 'POST', '/account/password-reset/complete', {
        body: { token, newPassword: NEW_PASSWORD, totpCode: '000000' },
      }),
      400,
      'invalid_totp_code',
    );
    expect(await me(s, mia.tokens.accessToken)).toBe(200);
    // The code that was just used to sign in cannot be replayed here.
    const replayed = await call(s, 'POST', '/account/password-reset/complete', {
      body: { token, newPassword: NEW_PASSWORD, totpCode: totp(mia.secret, clock) },
    });
    expectGenericError(replayed, 400, 'invalid_totp_code');
    expect((await auditOf(s, 'password.reset', mia.userId)).map((e) => e.details.reason)).toEqual([
      'bad_totp',
      'bad_totp',
      'replayed_totp',
    ]);
    nextStep(clock);
    expectGenericError(
      await call(s, 'POST', '/account/password-reset/complete', {
        body: { token, newPassword: 'password123', totpCode: totp(mia.secret, clock) },
      }),
      422,
      'password_policy',
    );
    expectGenericError(
      await call(s, 'POST', '/account/password-reset/complete', {
        body: { token, newPassword: PASSWORD, totpCode: totp(mia.secret, clock) },
      }),
      422,
      'password_policy',
    );

    const done = await call(s, 'POST', '/account/password-reset/complete', {
      body: { token, newPassword: NEW_PASSWORD, totpCode: totp(mia.secret, clock) },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({ status: 'password_changed' });
    // Every session is gone, at once.
    expect(await me(s, mia.tokens.accessToken)).toBe(401);
    expect(await me(s, second.accessToken)).toBe(401);
    expectGenericError(await post(s, '/refresh', { refreshToken: second.refreshToken }), 401);
    // One-time.
    expectGenericError(
      await call(s, 'POST', '/account/password-reset/check', { body: { token } }),
      400,
      'invalid_code',
    );
    // The old password is dead; the new one still needs the 2FA code.
    nextStep(clock);
    expectGenericError(
      await post(s, '/sign-in', {
        email: mia.email,
        password: PASSWORD,
        totpCode: totp(mia.secret, clock),
      }),
      401,
      'invalid_credentials',
    );
    nextStep(clock);
    expectGenericError(
      await post(s, '/sign-in', { email: mia.email, password: NEW_PASSWORD, totpCode: '000000' }),
      401,
      'invalid_credentials',
    );
    await signIn(server, mia.email, mia.secret, NEW_PASSWORD);
    // A security alert went to the person.
    const alert = await server.mail.next('mia@example.com');
    expect(alert.subject).toBe('Security alert for your Keyholder account');
    expect((await auditOf(s, 'password.reset', mia.userId)).at(-1)).toMatchObject({
      outcome: 'success',
      details: { revokedSessions: 2, requestedBy: 'self', via: 'link' },
    });
  });

  it('expires after one hour, and a second request within a minute sends nothing', async () => {
    const { s, clock } = server;
    clock.advance(5 * 60_000);
    await request('ada@example.com');
    const first = secretsOf(await server.mail.next('ada@example.com'));
    const before = await resetRequests('denied');
    await request('ada@example.com');
    await waitFor(async () => (await resetRequests('denied')) > before);
    expect(server.mail.unread('ada@example.com')).toHaveLength(0);
    clock.advance(60 * 60 * 1000);
    expectGenericError(
      await call(s, 'POST', '/account/password-reset/check', { body: { token: first.token } }),
      400,
      'invalid_code',
    );
  });

  it('resets a viewer without 2FA with the typed code; disabled accounts get no mail', async () => {
    const { s, clock } = server;
    clock.advance(2 * 60 * 60 * 1000);
    const adminToken = (await signIn(server, admin.email, admin.secret)).accessToken;
    // A viewer who skipped the optional 2FA.
    const created = await call(s, 'POST', '/users', {
      token: adminToken,
      body: {
        email: 'vic@example.com',
        username: 'vic',
        displayName: 'Vic',
        role: 'viewer',
        storeIds: [storeA],
      },
    });
    const vic = created.json().id as string;
    const invite = secretsOf(await server.mail.next('vic@example.com'));
    await call(s, 'POST', '/account/verification/complete', {
      body: { token: invite.token, password: PASSWORD },
    });
    await request('VIC@example.com ');
    const { code } = secretsOf(await server.mail.next('vic@example.com'));
    const check = await call(s, 'POST', '/account/password-reset/check', {
      body: { email: 'vic@example.com', code },
    });
    expect(check.json().totpRequired).toBe(false);
    const done = await call(s, 'POST', '/account/password-reset/complete', {
      body: { email: 'vic@example.com', code, newPassword: NEW_PASSWORD },
    });
    expect(done.statusCode, done.body).toBe(200);
    const hash = await s.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', vic)
      .executeTakeFirstOrThrow();
    expect(hash.password_hash).toMatch(/^\$argon2id\$/);

    await call(s, 'PUT', `/users/${vic}/status`, {
      token: adminToken,
      body: { status: 'disabled' },
    });
    clock.advance(2 * 60_000);
    const failures = await resetRequests('failure');
    expect((await request('vic@example.com')).statusCode).toBe(202);
    await waitFor(async () => (await resetRequests('failure')) > failures);
    await server.mail.next('vic@example.com').then(
      (m) => expect(m.subject).toBe('Security alert for your Keyholder account'), // from the reset
    );
    expect(server.mail.unread('vic@example.com')).toHaveLength(0);
  });

  it('admin-started reset mails the person; the admin never sees or sets a password', async () => {
    const { s, clock } = server;
    const adminToken = (await signIn(server, admin.email, admin.secret)).accessToken;
    const { userId, secret } = await inviteAndActivate(server, adminToken, {
      email: 'rita@example.com',
      username: 'rita',
      displayName: 'Rita',
      role: 'manager',
      storeIds: [storeA],
    });
    const hashBefore = await s.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    const r = await call(s, 'POST', `/users/${userId}/password-reset`, { token: adminToken });
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json()).toEqual({ email: 'sent', sentTo: 'r***@e***.com' });
    expect(r.body).not.toMatch(/password|token|code/i);
    // Nothing changed yet: the current password still works until the person acts.
    const hashAfter = await s.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    expect(hashAfter).toEqual(hashBefore);
    await signIn(server, 'rita@example.com', secret);
    const { token } = secretsOf(await server.mail.next('rita@example.com'));
    nextStep(clock);
    const done = await call(s, 'POST', '/account/password-reset/complete', {
      body: { token, newPassword: NEW_PASSWORD, totpCode: totp(secret, clock) },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect((await auditOf(s, 'password.reset', userId)).at(-1)?.details).toMatchObject({
      requestedBy: admin.userId,
    });
    expect((await auditOf(s, 'password.reset_request', userId)).at(-1)).toMatchObject({
      actorId: admin.userId,
      details: { by: 'admin' },
    });
  });
});

describeEachDialect('people: find my account', (dialect) => {
  let server: PeopleServer;
  beforeAll(async () => {
    server = await startPeopleServer(dialect);
    const store = await seedStore(server.s, 'Downtown Plaza');
    const admin = await adminSession(server);
    await inviteAndActivate(server, admin.tokens.accessToken, {
      email: 'bo.baker@example.com',
      username: 'bo.b',
      displayName: 'Bo Baker',
      role: 'viewer',
      storeIds: [store],
    });
  });
  afterAll(() => server.close());

  const find = (displayName: string, storeName: string) =>
    call(server.s, 'POST', '/account/find', { body: { displayName, storeName } });
  const finds = async () => (await auditOf(server.s, 'account.find')).length;

  it('mails the username to the address on file and answers without revealing anything', async () => {
    const hit = await find('  bo   BAKER ', 'downtown plaza');
    const missName = await find('Bo Bakerr', 'Downtown Plaza');
    const missStore = await find('Bo Baker', 'Uptown');
    for (const r of [hit, missName, missStore]) expect(r.statusCode).toBe(202);
    expect(withoutRequestId(hit)).toEqual(withoutRequestId(missName));
    expect(withoutRequestId(hit)).toEqual(withoutRequestId(missStore));
    expect(hit.body).not.toMatch(/@|\*\*\*|bo\.b/);
    await waitFor(async () => (await finds()) >= 3);
    const mail = await server.mail.next('bo.baker@example.com');
    expect(mail.subject).toBe('Your Keyholder account');
    expect(mail.text).toContain('Your username at Downtown Plaza is: bo.b');
    expect(server.mail.unread('bo.baker@example.com')).toHaveLength(0);
    // Looked up in the background, concurrently: the entries' order is not the requests'.
    const matched = (await auditOf(server.s, 'account.find')).map((e) => e.details.matched);
    expect(matched.sort()).toEqual([0, 0, 1]);
  });
});

describeEachDialect('people: rate limits on recovery routes', (dialect) => {
  it('limits reset and find per address; X-Forwarded-For does not open new buckets', async () => {
    const server = await startPeopleServer(dialect, {
      AUTH_RATE_LIMIT_PER_MINUTE: '3',
      TRUST_PROXY: 'false',
    });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await call(server.s, 'POST', '/account/password-reset', {
          body: { email: `user${i}@example.com` },
          headers: { 'x-forwarded-for': `203.0.113.${i + 1}` },
        });
        codes.push(r.statusCode);
        if (r.statusCode === 429) expectGenericError(r, 429, 'rate_limited');
      }
      expect(codes).toEqual([202, 202, 202, 429, 429]);
      const find = [];
      for (let i = 0; i < 4; i++) {
        find.push(
          (
            await call(server.s, 'POST', '/account/find', {
              body: { displayName: `Name ${i}`, storeName: 'Downtown' },
            })
          ).statusCode,
        );
      }
      expect(find).toEqual([202, 202, 202, 429]);
    } finally {
      await server.close();
    }
  });

  it('limits per account and per name across addresses behind a trusted proxy', async () => {
    const server = await startPeopleServer(dialect, {
      AUTH_RATE_LIMIT_PER_MINUTE: '3',
      TRUST_PROXY: '1',
    });
    try {
      const reset = [];
      const find = [];
      for (let i = 0; i < 4; i++) {
        const headers = { 'x-forwarded-for': `198.51.100.${i + 1}` };
        reset.push(
          (
            await call(server.s, 'POST', '/account/password-reset', {
              body: { email: 'target@example.com' },
              headers,
            })
          ).statusCode,
        );
        find.push(
          (
            await call(server.s, 'POST', '/account/find', {
              body: { displayName: ' Bo  Baker', storeName: `Store ${i}` },
              headers,
            })
          ).statusCode,
        );
      }
      expect(reset).toEqual([202, 202, 202, 429]);
      expect(find).toEqual([202, 202, 202, 429]);
    } finally {
      await server.close();
    }
  });
});

describe('people: a slow mail relay', () => {
  it('does not slow down (or time) the reset answer', async () => {
    const server = await startPeopleServer('sqlite', {}, { smtpDelayMs: 1500 });
    try {
      await adminSession(server);
      const started = Date.now();
      const r = await call(server.s, 'POST', '/account/password-reset', {
        body: { email: 'ada@example.com' },
      });
      expect(r.statusCode).toBe(202);
      expect(Date.now() - started).toBeLessThan(1000);
      const mail = await server.mail.next('ada@example.com', 10_000);
      expect(mail.subject).toBe('Reset your Keyholder password');
    } finally {
      await server.close();
    }
  });
});
