import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { call, startAdminApi, type AdminApi } from '../stores/support/admin-api';
import { describeEachDialect } from '../support/server-harness';
import {
  auditActions,
  authRowCounts,
  bearer,
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
  type Tokens,
} from './support/auth-helpers';

const NEW_PASSWORD = 'a brand new passphrase of my own 7';
const NEW_PASSWORD_CLASSIC = 'Quite Another Passphrase 8';
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A manager reset this person's password on a store PC: the PC pushed it with "must change at
 * next sign-in" and an end one hour later (sync/account-changes.service.ts). The server's sign-in
 * must not issue a session on it either.
 */
describeEachDialect('sign-in with a temporary password', (dialect) => {
  let server: AuthServer;
  let secret: string;
  let userId: string;
  const email = 'temporary@example.com';

  beforeAll(async () => {
    server = await startAuthServer(dialect);
    ({ secret, userId } = await setUpAdmin(server, email));
  });
  afterAll(() => server.s.close());

  async function makeTemporary(): Promise<void> {
    await server.s.database.db
      .updateTable('users')
      .set({
        must_change_password: 1,
        temp_password_expires_at: server.clock.nowMs() + 60 * 60_000,
      })
      .where('id', '=', userId)
      .execute();
  }
  beforeEach(makeTemporary);

  const signInWith = (password = PASSWORD) => {
    nextStep(server.clock);
    return post(server.s, '/sign-in', { email, password, totpCode: totp(secret, server.clock) });
  };
  const changeToken = (r: LightMyRequestResponse): string => {
    expect(r.statusCode, r.body).toBe(403);
    const body = r.json() as {
      error: { code: string; details: { changeToken: string; expiresIn: number } };
    };
    expect(body.error.code).toBe('password_change_required');
    expect(body.error.details.expiresIn).toBe(600);
    expect((body.error.details as { reason?: string }).reason).toBe('temporary');
    return body.error.details.changeToken;
  };
  const choose = (token: string, newPassword: string) =>
    post(server.s, '/sign-in/new-password', { changeToken: token, newPassword });
  const user = () =>
    server.s.database.db
      .selectFrom('users')
      .select(['must_change_password', 'temp_password_expires_at', 'change_seq'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();

  it('issues no session: the right factors get a one-time change token, and the code is spent', async () => {
    const before = await authRowCounts(server.s);
    nextStep(server.clock);
    const body = { email, password: PASSWORD, totpCode: totp(secret, server.clock) };
    const token = changeToken(await post(server.s, '/sign-in', body));
    expect(token).toMatch(/^khc_[A-Za-z0-9_-]{43}$/);
    const after = await authRowCounts(server.s);
    expect(after.refresh_families).toBe(before.refresh_families);
    // The same code again is a replay, like any spent code.
    expectGenericError(await post(server.s, '/sign-in', body), 401, 'invalid_credentials');
    expect((await auditActions(server.s, userId)).slice(-2)).toEqual([
      'auth.sign_in:denied:password_change_required',
      'auth.sign_in:failure:replayed_code',
    ]);
    // Nothing is stored in the clear.
    const stored = await server.s.database.db
      .selectFrom('one_time_tokens')
      .select('token_hash')
      .where('user_id', '=', userId)
      .where('purpose', '=', 'change_password')
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.token_hash).not.toContain(token);
  });

  it('keeps the token through refused passwords, then signs in with the new one', async () => {
    const token = changeToken(await signInWith());
    const weak = await choose(token, 'short');
    expect(weak.statusCode).toBe(422);
    expect((weak.json() as { error: { code: string } }).error.code).toBe('password_policy');
    const same = await choose(token, PASSWORD);
    expect(same.statusCode).toBe(422);
    expect(same.body).toContain('"reused"');
    const seqBefore = Number((await user()).change_seq);

    const done = await choose(token, NEW_PASSWORD);
    expect(done.statusCode, done.body).toBe(200);
    const tokens = done.json() as Tokens;
    expect(await me(server.s, tokens.accessToken)).toBe(200);
    const row = await user();
    expect(Number(row.must_change_password)).toBe(0);
    expect(row.temp_password_expires_at).toBeNull();
    // Store PCs pull the new hash.
    expect(Number(row.change_seq)).toBeGreaterThan(seqBefore);
    expect((await auditActions(server.s, userId)).slice(-2)).toEqual([
      'password.change:success:',
      'auth.sign_in:success:',
    ]);

    // Used once; the temporary password is gone, the new one works.
    expectGenericError(await choose(token, `${NEW_PASSWORD}!`), 401, 'change_token_invalid');
    expectGenericError(await signInWith(PASSWORD), 401, 'invalid_credentials');
    const again = await signInWith(NEW_PASSWORD);
    expect(again.statusCode, again.body).toBe(200);
    // Back to the password the other tests start from.
    const reset = await post(
      server.s,
      '/password',
      { currentPassword: NEW_PASSWORD, newPassword: PASSWORD },
      bearer((again.json() as Tokens).accessToken),
    );
    expect(reset.statusCode, reset.body).toBe(204);
  });

  it('refuses an expired token, a replaced one and a made-up one', async () => {
    const first = changeToken(await signInWith());
    const second = changeToken(await signInWith());
    expectGenericError(await choose(first, NEW_PASSWORD), 401, 'change_token_invalid');
    server.clock.advance(10 * 60_000 + 1000);
    expectGenericError(await choose(second, NEW_PASSWORD), 401, 'change_token_invalid');
    expectGenericError(
      await choose(`khc_${'A'.repeat(43)}`, NEW_PASSWORD),
      401,
      'change_token_invalid',
    );
    expectGenericError(await choose('not a token', NEW_PASSWORD), 401, 'change_token_invalid');
    expectGenericError(
      await post(server.s, '/sign-in/new-password', { changeToken: second }),
      400,
      'invalid_request',
    );
    expectGenericError(
      await post(server.s, '/sign-in/new-password', {
        changeToken: second,
        newPassword: NEW_PASSWORD,
        extra: 1,
      }),
      400,
      'invalid_request',
    );
    expect(Number((await user()).must_change_password)).toBe(1);
  });

  it('ends the sessions that were open before, and a change while signed in clears the flag', async () => {
    await server.s.database.db
      .updateTable('users')
      .set({ must_change_password: 0, temp_password_expires_at: null })
      .where('id', '=', userId)
      .execute();
    const earlier = await signIn(server, email, secret);
    await makeTemporary();
    const token = changeToken(await signInWith());
    expect((await choose(token, NEW_PASSWORD)).statusCode).toBe(200);
    expectGenericError(
      await post(server.s, '/refresh', { refreshToken: earlier.refreshToken }),
      401,
    );

    // Signed in, the person changes their password: a temporary one's flag is met too.
    const session = await signIn(server, email, secret, NEW_PASSWORD);
    await makeTemporary();
    const changed = await post(
      server.s,
      '/password',
      { currentPassword: NEW_PASSWORD, newPassword: PASSWORD },
      bearer(session.accessToken),
    );
    expect(changed.statusCode, changed.body).toBe(204);
    const row = await user();
    expect(Number(row.must_change_password)).toBe(0);
    expect(row.temp_password_expires_at).toBeNull();
  });
});

/**
 * The classic profile expires passwords after 90 days even with 2FA: past that, the server's
 * sign-in asks for a new one the same way (the other profiles never expire a password used with
 * a code, and the server always asks for one).
 */
describeEachDialect('sign-in with an expired password', (dialect) => {
  let api: AdminApi;
  beforeAll(async () => {
    api = await startAdminApi(dialect);
    const published = await call(api.s, 'PUT', '/api/v1/policies', api.admin, {
      roles: {
        admin: { profile: 'classic' },
        manager: { profile: 'standard' },
        viewer: { profile: 'standard' },
      },
    });
    expect(published.statusCode, published.body).toBeLessThan(300);
  });
  afterAll(() => api.s.close());

  const signInNow = () => {
    nextStep(api.clock);
    return post(api.s, '/sign-in', {
      email: api.adminEmail,
      password: PASSWORD,
      totpCode: totp(api.adminSecret, api.clock),
    });
  };

  it('signs in until day 90, then asks for a new password first', async () => {
    api.clock.advance(89 * DAY_MS);
    expect((await signInNow()).statusCode).toBe(200);
    api.clock.advance(DAY_MS + 1000);
    const refused = await signInNow();
    expect(refused.statusCode, refused.body).toBe(403);
    const { error } = refused.json() as {
      error: { code: string; message: string; details: { reason: string; changeToken: string } };
    };
    expect(error.code).toBe('password_change_required');
    expect(error.details.reason).toBe('expired');
    expect(error.message).toMatch(/expired/);
    expect((await auditActions(api.s, api.adminId)).at(-1)).toBe(
      'auth.sign_in:denied:password_expired',
    );

    // The classic profile's rules apply to the new one (upper, lower and a digit).
    const weak = await post(api.s, '/sign-in/new-password', {
      changeToken: error.details.changeToken,
      newPassword: 'all lower case words',
    });
    expect(weak.statusCode).toBe(422);
    const done = await post(api.s, '/sign-in/new-password', {
      changeToken: error.details.changeToken,
      newPassword: NEW_PASSWORD_CLASSIC,
    });
    expect(done.statusCode, done.body).toBe(200);
    // A fresh 90 days.
    nextStep(api.clock);
    const again = await post(api.s, '/sign-in', {
      email: api.adminEmail,
      password: NEW_PASSWORD_CLASSIC,
      totpCode: totp(api.adminSecret, api.clock),
    });
    expect(again.statusCode, again.body).toBe(200);
  });
});
