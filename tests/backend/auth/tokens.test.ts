import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AccessTokens } from '../../../backend-sync/auth/access-tokens';
import { sha256Hex } from '../../../backend-sync/auth/secret-tokens';
import { TokenService } from '../../../backend-sync/auth/token.service';
import type { StatementRunner } from '../../../backend-sync/db/statement-runner';
import { loadSigningKeys, type SigningKeys } from '../../../backend-sync/keys/signing-keys';
import { ServerAudit } from '../../../backend-sync/services/server-audit';
import { describeEachDialect } from '../support/server-harness';
import {
  AUTH,
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
} from './support/auth-helpers';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describeEachDialect('access and refresh tokens', (dialect) => {
  let server: AuthServer;
  let keys: SigningKeys;
  let secret: string;
  let userId: string;
  const email = 'tokens@example.com';
  beforeAll(async () => {
    server = await startAuthServer(dialect, { REFRESH_TOKEN_TTL_DAYS: '1' });
    keys = loadSigningKeys({ dataDir: server.s.dataDir });
    ({ secret, userId } = await setUpAdmin(server, email));
  });
  afterAll(() => server.s.close());

  const claims = () => {
    const iat = Math.floor(server.clock.nowMs() / 1000);
    return {
      sub: userId,
      role: 'admin',
      iss: 'keyholder-sync',
      aud: 'keyholder-admin',
      iat,
      exp: iat + 600,
    };
  };

  it('issues EdDSA access tokens with iss, aud, exp, sub, sid and role', async () => {
    const { accessToken, expiresIn } = await signIn(server, email, secret);
    expect(decodeProtectedHeader(accessToken)).toEqual({
      alg: 'EdDSA',
      typ: 'at+jwt',
      kid: keys.token.keyId,
    });
    const payload = decodeJwt(accessToken);
    expect(payload).toMatchObject({
      iss: 'keyholder-sync',
      aud: 'keyholder-admin',
      sub: userId,
      role: 'admin',
    });
    expect(payload.exp! - payload.iat!).toBe(expiresIn);
    expect(payload.sid).toMatch(/^[0-9a-f-]{36}$/);
    // Tokens and policies use different keys from the one master key.
    expect(keys.token.keyId).not.toBe(keys.policy.keyId);
  });

  it('stores no session and spends no code when the code is right but the password is wrong', async () => {
    // Sign-in prepares the session's tokens while the password hash runs: none may survive a
    // refusal, and the right code must still work for the right password.
    const { clock } = server;
    nextStep(clock);
    const code = totp(secret, clock);
    const before = await authRowCounts(server.s);
    const wrong = await post(server.s, '/sign-in', {
      email,
      password: 'not it at all 42',
      totpCode: code,
    });
    expectGenericError(wrong, 401, 'invalid_credentials');
    const after = await authRowCounts(server.s);
    expect(after.refresh_families).toBe(before.refresh_families);
    expect(after.refresh_tokens).toBe(before.refresh_tokens);
    const right = await post(server.s, '/sign-in', { email, password: PASSWORD, totpCode: code });
    expect(right.statusCode, right.body).toBe(200);
    const { accessToken } = right.json() as { accessToken: string };
    expect(await me(server.s, accessToken)).toBe(200);
    expect((await authRowCounts(server.s)).refresh_families).toBe(
      (before.refresh_families ?? 0) + 1,
    );
  });

  it('refuses forged, tampered, mis-addressed and expired access tokens with one generic 401', async () => {
    const { s, clock } = server;
    const good = await signIn(server, email, secret);
    const sid = decodeJwt(good.accessToken).sid as string;
    const header = { alg: 'EdDSA', typ: 'at+jwt', kid: keys.token.keyId };
    const sign = (payload: Record<string, unknown>, key = keys.token.privateKey, h = header) =>
      new SignJWT(payload).setProtectedHeader(h).sign(key);
    const [, , signature] = good.accessToken.split('.');
    const forged: Record<string, string> = {
      'alg none': `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ ...claims(), sid })}.`,
      'HS256 keyed with the public key': await new SignJWT({ ...claims(), sid })
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
        .sign(new TextEncoder().encode(keys.token.publicKeyPem)),
      'wrong audience': await sign({ ...claims(), sid, aud: 'someone-else' }),
      'wrong issuer': await sign({ ...claims(), sid, iss: 'https://evil.example' }),
      'no type': await sign({ ...claims(), sid }, keys.token.privateKey, { alg: 'EdDSA' } as never),
      'signed with the policy key': await sign({ ...claims(), sid }, keys.policy.privateKey),
      'tampered payload': `${good.accessToken.split('.')[0]}.${b64({ ...decodeJwt(good.accessToken), role: 'admin', sub: 'someone' })}.${signature}`,
      'unknown session': await sign({ ...claims(), sid: '00000000-0000-4000-8000-000000000000' }),
      garbage: 'not.a.token',
    };
    for (const [name, token] of Object.entries(forged)) {
      const r = await s.app.inject({ url: `${AUTH}/me`, headers: bearer(token) });
      expectGenericError(r, 401, 'unauthorized');
      expect(r.json().error.message, name).toBe('Sign in again.');
    }
    expectGenericError(await s.app.inject({ url: `${AUTH}/me` }), 401, 'unauthorized');
    const basic = await s.app.inject({
      url: `${AUTH}/me`,
      headers: { authorization: 'Basic eDp5' },
    });
    expectGenericError(basic, 401, 'unauthorized');

    expect(await me(s, good.accessToken)).toBe(200);
    clock.advance(good.expiresIn * 1000);
    expectGenericError(
      await s.app.inject({ url: `${AUTH}/me`, headers: bearer(good.accessToken) }),
      401,
      'unauthorized',
    );
  });

  it('revokes the whole family when a used refresh token comes back', async () => {
    const { s } = server;
    const first = await signIn(server, email, secret);
    const second = (await post(s, '/refresh', { refreshToken: first.refreshToken })).json();
    expect(await me(s, second.accessToken)).toBe(200);
    // The thief (or the victim) presents the old token: everyone in the family is out.
    expectGenericError(
      await post(s, '/refresh', { refreshToken: first.refreshToken }),
      401,
      'unauthorized',
    );
    expectGenericError(
      await post(s, '/refresh', { refreshToken: second.refreshToken }),
      401,
      'unauthorized',
    );
    expect(await me(s, second.accessToken)).toBe(401);
    const sid = decodeJwt(first.accessToken).sid as string;
    const family = await s.database.db
      .selectFrom('refresh_families')
      .selectAll()
      .where('id', '=', sid)
      .executeTakeFirstOrThrow();
    expect(family.revoked_reason).toBe('refresh_reuse');
    expect(await auditActions(s, userId)).toContain('auth.refresh:denied:reuse');
    // Refresh tokens are stored only as SHA-256.
    const stored = await s.database.db.selectFrom('refresh_tokens').select('token_hash').execute();
    expect(stored.every((t) => /^[0-9a-f]{64}$/.test(t.token_hash))).toBe(true);
  });

  it('lets exactly one of two concurrent refreshes win, then revokes the family', async () => {
    const { s } = server;
    const tokens = await signIn(server, email, secret);
    const results = await Promise.all([
      post(s, '/refresh', { refreshToken: tokens.refreshToken }),
      post(s, '/refresh', { refreshToken: tokens.refreshToken }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
    const winner = results.find((r) => r.statusCode === 200)!.json();
    expect(await me(s, winner.accessToken)).toBe(401);
    expect((await post(s, '/refresh', { refreshToken: winner.refreshToken })).statusCode).toBe(401);
  });

  it('decides a rotation in its write: a token used, or a family revoked, after it was read', async () => {
    const { s, clock } = server;
    const db = s.database.db;
    // Something happens between the rotation's read and its write, as when another request
    // runs in between.
    let meanwhile = async (): Promise<void> => undefined;
    const statements: StatementRunner = {
      ...s.database.statements,
      async guardedWrites(guards, then) {
        await meanwhile();
        return s.database.statements.guardedWrites(guards, then);
      },
    };
    const service = new TokenService(
      db,
      clock,
      new AccessTokens(keys.token, s.config),
      new ServerAudit(db, clock),
      s.config,
      s.database.dialect,
      statements,
    );
    const familyOf = async (refreshToken: string) =>
      db
        .selectFrom('refresh_tokens as t')
        .innerJoin('refresh_families as f', 'f.id', 't.family_id')
        .select(['f.id', 'f.revoked_reason'])
        .where('t.token_hash', '=', sha256Hex(refreshToken))
        .executeTakeFirstOrThrow();
    const lastRefreshDenial = async () =>
      JSON.parse(
        (
          await db
            .selectFrom('server_audit')
            .select('details')
            .where('action', '=', 'auth.refresh')
            .where('outcome', '=', 'denied')
            .orderBy('id', 'desc')
            .executeTakeFirstOrThrow()
        ).details,
      ) as { reason: string; familyRevoked: boolean };
    /** Refreshes with `interfere` run between the read and the write: always the same 401. */
    const refusedWhen = async (refreshToken: string, interfere: () => Promise<unknown>) => {
      meanwhile = async () => void (await interfere());
      await expect(service.refresh(refreshToken, { ip: '127.0.0.1' })).rejects.toMatchObject({
        statusCode: 401,
      });
      return { family: await familyOf(refreshToken), denial: await lastRefreshDenial() };
    };

    // Another rotation used the token first: this one loses, and so does the family.
    const raced = await signIn(server, email, secret);
    const race = await refusedWhen(raced.refreshToken, () =>
      db
        .updateTable('refresh_tokens')
        .set({ used_at: clock.nowMs() })
        .where('token_hash', '=', sha256Hex(raced.refreshToken))
        .execute(),
    );
    expect(race.family.revoked_reason).toBe('refresh_race');
    expect(race.denial).toMatchObject({ reason: 'concurrent_reuse', familyRevoked: true });

    // The family was signed out meanwhile: refused, and left as it was revoked.
    const signedOut = await signIn(server, email, secret);
    const family = await familyOf(signedOut.refreshToken);
    const revoked = await refusedWhen(signedOut.refreshToken, () =>
      service.revokeFamily(family.id, 'sign_out'),
    );
    expect(revoked.family.revoked_reason).toBe('sign_out');
    expect(revoked.denial).toMatchObject({ reason: 'family_revoked', familyRevoked: false });
    // Neither wrote a new token.
    const tokens = await db
      .selectFrom('refresh_tokens')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .where('family_id', 'in', [family.id, (await familyOf(raced.refreshToken)).id])
      .executeTakeFirstOrThrow();
    expect(Number(tokens.n)).toBe(2);
  });

  it('ends a family at its absolute lifetime, however often it rotates', async () => {
    const { s, clock } = server;
    let tokens = await signIn(server, email, secret);
    // Rotate every 4 hours for 23 hours: still alive.
    for (let h = 0; h < 23; h += 4) {
      clock.advance(4 * 60 * 60 * 1000 - (h === 20 ? 60 * 60 * 1000 : 0));
      const r = await post(s, '/refresh', { refreshToken: tokens.refreshToken });
      expect(r.statusCode).toBe(200);
      tokens = r.json();
    }
    clock.advance(60 * 60 * 1000 - 60_000); // one minute before the end
    const last = (await post(s, '/refresh', { refreshToken: tokens.refreshToken })).json();
    expect(last.expiresIn).toBeLessThanOrEqual(60); // access tokens never outlive the family
    clock.advance(60_000);
    expectGenericError(
      await post(s, '/refresh', { refreshToken: last.refreshToken }),
      401,
      'unauthorized',
    );
    expect(await me(s, last.accessToken)).toBe(401);
  });

  it('signs out everywhere', async () => {
    const { s } = server;
    const a = await signIn(server, email, secret);
    const b = await signIn(server, email, secret);
    expect(
      (await post(s, '/sign-out-everywhere', undefined, bearer(a.accessToken))).statusCode,
    ).toBe(204);
    for (const t of [a, b]) {
      expect(await me(s, t.accessToken)).toBe(401);
      expect((await post(s, '/refresh', { refreshToken: t.refreshToken })).statusCode).toBe(401);
    }
    expect(await auditActions(s, userId)).toContain('auth.sign_out_everywhere:success:');
  });

  it('changes the password: re-verified, policy-checked, other sessions revoked', async () => {
    const { s } = server;
    const mine = await signIn(server, email, secret);
    const other = await signIn(server, email, secret);
    const change = (currentPassword: string, newPassword: string) =>
      post(s, '/password', { currentPassword, newPassword }, bearer(mine.accessToken));

    expectGenericError(
      await change('not my password', 'a brand new passphrase 7'),
      400,
      'invalid_current_password',
    );
    const weak = await change('correct horse battery staple 42', 'qwertyuiop123');
    expect(weak.statusCode).toBe(422);
    const same = await change('correct horse battery staple 42', 'correct horse battery staple 42');
    expect(same.json().error.details.violations).toContainEqual({ code: 'reused', count: 1 });

    expect(
      (await change('correct horse battery staple 42', 'a brand new passphrase 7')).statusCode,
    ).toBe(204);
    expect(await me(s, mine.accessToken)).toBe(200);
    expect(await me(s, other.accessToken)).toBe(401);
    expect((await post(s, '/refresh', { refreshToken: other.refreshToken })).statusCode).toBe(401);
    await signIn(server, email, secret, 'a brand new passphrase 7');
    expect(await auditActions(s, userId)).toEqual(
      expect.arrayContaining(['password.change:failure:bad_password', 'password.change:success:']),
    );
  });

  it('cuts off a disabled account at once, and revokeAllFor ends all its sessions', async () => {
    const { s, clock } = server;
    const other = await setUpAdmin(server, 'soon-disabled@example.com');
    const a = await signIn(server, 'soon-disabled@example.com', other.secret);
    const b = await signIn(server, 'soon-disabled@example.com', other.secret);
    await s.database.db
      .updateTable('users')
      .set({ status: 'disabled' })
      .where('id', '=', other.userId)
      .execute();
    // The account check on each request refuses its live tokens immediately…
    expect(await me(s, a.accessToken)).toBe(401);
    // …and what the disable action calls revokes every family in one statement.
    const audit = new ServerAudit(s.database.db, clock);
    const tokenService = new TokenService(
      s.database.db,
      clock,
      new AccessTokens(keys.token, s.config),
      audit,
      s.config,
      s.database.dialect,
      s.database.statements,
    );
    expect(await tokenService.revokeAllFor(other.userId, 'account_disabled')).toBe(2);
    const live = await s.database.db
      .selectFrom('refresh_families')
      .select('id')
      .where('user_id', '=', other.userId)
      .where('revoked_at', 'is', null)
      .execute();
    expect(live).toEqual([]);
    expectGenericError(
      await post(s, '/refresh', { refreshToken: b.refreshToken }),
      401,
      'unauthorized',
    );
    nextStep(clock);
    const again = await post(s, '/sign-in', {
      email: 'soon-disabled@example.com',
      password: 'correct horse battery staple 42',
      totpCode: totp(other.secret, clock),
    });
    expectGenericError(again, 403, 'account_disabled');
  });
});
