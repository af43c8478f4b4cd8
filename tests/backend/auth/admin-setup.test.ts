import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect, openTotpSecret } from '../support/server-harness';
import {
  auditActions,
  bearer,
  createAdmin,
  expectGenericError,
  me,
  nextStep,
  PASSWORD,
  post,
  setUpAdmin,
  signIn,
  startAuthServer,
  totp,
  type AuthServer,
} from './support/auth-helpers';

describeEachDialect('admin setup, sign-in, refresh, sign-out', (dialect) => {
  let server: AuthServer;
  beforeAll(async () => {
    server = await startAuthServer(dialect);
  });
  afterAll(() => server.s.close());

  it('has no accounts until create-admin, and the setup code is stored only as a hash', async () => {
    const { s } = server;
    const count = await s.database.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);

    const { userId, setupCode, expiresAt } = await createAdmin(server, 'Ada@Example.com', 'Ada');
    expect(setupCode).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$/); // 160 bits
    expect(expiresAt - server.clock.nowMs()).toBe(60 * 60 * 1000);
    const user = await s.database.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({
      email: 'ada@example.com',
      role: 'admin',
      status: 'pending',
      password_hash: null,
      totp_secret: null,
      display_name: 'Ada',
    });
    const token = await s.database.db
      .selectFrom('one_time_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    expect(token.purpose).toBe('setup');
    expect(token.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(token)).not.toContain(setupCode.replace(/-/g, ''));
    // A pending account cannot sign in, and says so with the generic answer.
    const r = await post(s, '/sign-in', {
      email: 'ada@example.com',
      password: PASSWORD,
      totpCode: '123456',
    });
    expectGenericError(r, 401, 'invalid_credentials');
  });

  it('refuses a second create-admin for an active account and replaces a pending code', async () => {
    const first = await createAdmin(server, 'again@example.com');
    const second = await createAdmin(server, 'again@example.com');
    expect(second.userId).toBe(first.userId);
    const old = await post(server.s, '/setup/start', {
      email: 'again@example.com',
      setupCode: first.setupCode,
    });
    expectGenericError(old, 400, 'invalid_setup_code');
    expect(
      (
        await post(server.s, '/setup/start', {
          email: 'again@example.com',
          setupCode: second.setupCode,
        })
      ).statusCode,
    ).toBe(200);

    await setUpAdmin(server, 'active@example.com');
    await expect(createAdmin(server, 'active@example.com')).rejects.toThrow(/already exists/);
  });

  it('sets up with the code: TOTP enrollment, policy-checked password, code spent once', async () => {
    const { s, clock } = server;
    const email = 'grace@example.com';
    const { setupCode } = await createAdmin(server, email, 'Grace Hopper');
    const start = await post(s, '/setup/start', { email, setupCode: setupCode.toLowerCase() });
    expect(start.statusCode).toBe(200);
    const enrollment = start.json() as { secret: string; manualKey: string; otpauthUri: string };
    expect(enrollment.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrollment.otpauthUri).toMatch(/^otpauth:\/\/totp\/Keyholder:grace%40example\.com\?/);
    // Starting again (a reload) gives the same key: the code is not spent yet.
    expect((await post(s, '/setup/start', { email, setupCode })).json()).toEqual(enrollment);

    const base = { email, setupCode, totpCode: totp(enrollment.secret, clock) };
    const weak = await post(s, '/setup/complete', { ...base, password: 'password1234' });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().error.details.violations).toContainEqual({ code: 'common_password' });
    // The server's first admin: a repetitive or sequential password, or a keyboard walk, is
    // refused with the reason in words, as on the PC (one rule, in common/policy).
    for (const [password, code, words] of [
      ['aaaaaaaaaaaa', 'repetitive', "Don't repeat a character or a group of characters"],
      ['abcdefgh1234', 'sequential', "Don't use a sequence of letters or digits"],
      ['1qaz 2wsx 3edc', 'keyboard_walk', "Don't use keys next to each other"],
    ] as const) {
      const refused = await post(s, '/setup/complete', { ...base, password });
      expect(refused.statusCode, password).toBe(422);
      const details = refused.json().error.details;
      expect(details.violations, password).toContainEqual({ code });
      expect(details.messages.join(' '), password).toContain(words);
    }
    const context = await post(s, '/setup/complete', {
      ...base,
      password: 'grace-hopper-rules-ok',
    });
    expect(context.json().error.details.violations).toContainEqual({
      code: 'context_word',
      word: 'grace',
    });
    const wrongCode = await post(s, '/setup/complete', {
      ...base,
      password: PASSWORD,
      totpCode: '000000',
    });
    expectGenericError(wrongCode, 400, 'invalid_totp_code');

    const ok = await post(s, '/setup/complete', { ...base, password: PASSWORD });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ status: 'active' });
    const user = await s.database.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(user.status).toBe('active');
    expect(user.email_verified_at).toBe(clock.nowMs());
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    // Sealed at rest; the server opens it to the secret the admin enrolled.
    expect(openTotpSecret(s, user.totp_secret)).toBe(enrollment.secret);
    expect(user.totp_secret).not.toContain(enrollment.secret);

    // Used: every further use is the one generic error.
    for (const path of ['/setup/start', '/setup/complete']) {
      const again = await post(s, path, {
        ...base,
        ...(path === '/setup/start'
          ? { password: undefined, totpCode: undefined }
          : { password: PASSWORD }),
      });
      expectGenericError(again, 400, 'invalid_setup_code');
    }
  });

  it('gives one generic error for expired, wrong, mistyped and other-email codes', async () => {
    const { s, clock } = server;
    const { setupCode } = await createAdmin(server, 'late@example.com');
    const other = await createAdmin(server, 'other@example.com');
    const bodies = [
      { email: 'late@example.com', setupCode: 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH' },
      { email: 'late@example.com', setupCode: 'not a code' },
      { email: 'late@example.com', setupCode: other.setupCode },
      { email: 'nobody@example.com', setupCode },
    ];
    const answers = [];
    for (const body of bodies) answers.push(await post(s, '/setup/start', body));
    clock.advance(60 * 60 * 1000);
    answers.push(await post(s, '/setup/start', { email: 'late@example.com', setupCode }));
    for (const r of answers) expectGenericError(r, 400, 'invalid_setup_code');
    expect(new Set(answers.map((r) => r.json().error.message)).size).toBe(1);
  });

  it('signs in with password + TOTP, refreshes, and signs out', async () => {
    const { s, clock } = server;
    const { userId, secret } = await setUpAdmin(server, 'linus@example.com');
    const tokens = await signIn(server, 'LINUS@example.com ', secret);
    expect(tokens.expiresIn).toBe(900);
    expect(tokens.refreshToken).toMatch(/^khr_[A-Za-z0-9_-]{43}$/);
    const whoami = await s.app.inject({
      url: '/api/v1/auth/me',
      headers: bearer(tokens.accessToken),
    });
    expect(whoami.json()).toEqual({
      userId,
      email: 'linus@example.com',
      displayName: 'Ada Admin',
      role: 'admin',
    });
    expect(whoami.headers['cache-control']).toBe('no-store');

    clock.advance(60_000);
    const refreshed = await post(s, '/refresh', { refreshToken: tokens.refreshToken });
    expect(refreshed.statusCode).toBe(200);
    const next = refreshed.json() as typeof tokens;
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect(await me(s, next.accessToken)).toBe(200);

    const out = await post(s, '/sign-out', undefined, bearer(next.accessToken));
    expect(out.statusCode).toBe(204);
    expect(await me(s, next.accessToken)).toBe(401);
    expect(await me(s, tokens.accessToken)).toBe(401);
    expectGenericError(
      await post(s, '/refresh', { refreshToken: next.refreshToken }),
      401,
      'unauthorized',
    );
    expect(await auditActions(s, userId)).toEqual([
      'admin.create:success:',
      'admin.setup:success:',
      'auth.sign_in:success:',
      'auth.sign_out:success:',
      'auth.refresh:denied:family_revoked',
    ]);
  });

  it('refuses a replayed TOTP code, even right after it was accepted', async () => {
    const { s, clock } = server;
    const { userId, secret } = await setUpAdmin(server, 'replay@example.com');
    nextStep(clock);
    const body = { email: 'replay@example.com', password: PASSWORD, totpCode: totp(secret, clock) };
    expect((await post(s, '/sign-in', body)).statusCode).toBe(200);
    expectGenericError(await post(s, '/sign-in', body), 401, 'invalid_credentials');
    // Nor the previous step's code, which the ±1 window would otherwise accept.
    clock.advance(30_000);
    expectGenericError(await post(s, '/sign-in', body), 401, 'invalid_credentials');
    const wrong = { ...body, totpCode: '000000' };
    expectGenericError(await post(s, '/sign-in', wrong), 401, 'invalid_credentials');
    expect((await auditActions(s, userId)).filter((a) => a.startsWith('auth.sign_in'))).toEqual([
      'auth.sign_in:success:',
      'auth.sign_in:failure:replayed_code',
      'auth.sign_in:failure:replayed_code',
      'auth.sign_in:failure:bad_code',
    ]);
  });
});
