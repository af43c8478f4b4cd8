import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect, openTotpSecret, TEST_DATABASE_URL } from '../support/server-harness';
import {
  AUTH,
  nextStep,
  PASSWORD,
  startAuthServer,
  totp,
  type AuthServer,
} from './support/auth-helpers';

const run = promisify(execFile);

describeEachDialect('admin flow over real HTTP, starting from the CLI', (dialect) => {
  let server: AuthServer;
  let base: string;
  beforeAll(async () => {
    server = await startAuthServer(dialect);
    await server.s.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(server.s.app.server.address() as AddressInfo).port}${AUTH}`;
  });
  afterAll(() => server.s.close());

  /** `npm run server -- create-admin …`, as an operator would run it, on the same data. */
  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: server.s.dataDir,
      LOG_LEVEL: 'silent',
      ...(dialect === 'postgres'
        ? { DATABASE_URL: TEST_DATABASE_URL, PGOPTIONS: `-c search_path=${server.s.pgSchema}` }
        : {}),
    };
    try {
      const r = await run(
        process.execPath,
        ['node_modules/tsx/dist/cli.mjs', 'backend-sync/main.ts', ...args],
        { env, timeout: 60_000 },
      );
      return { code: 0, ...r };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  const call = async (path: string, body?: unknown, token?: string) => {
    const response = await fetch(`${base}${path}`, {
      method: body === undefined && !path.startsWith('/sign-out') ? 'GET' : 'POST',
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : null,
      headers: response.headers,
    };
  };

  // Each CLI run starts a TypeScript process (a few seconds each).
  it('create-admin → setup → sign-in → refresh → sign-out', { timeout: 120_000 }, async () => {
    const created = await cli('create-admin', '--email', 'ops@example.com', '--name', 'Ops Lead');
    expect(created.code, created.stderr).toBe(0);
    const setupCode = /([A-Z2-7]{4}(?:-[A-Z2-7]{4}){7})/.exec(created.stdout)?.[1];
    expect(setupCode).toBeDefined();
    expect(created.stdout).toMatch(/valid for 60 minutes, shown only now/);

    const duplicate = await cli('create-admin', '--email', 'ops@example.com');
    expect(duplicate.code).toBe(0); // still pending: a new code replaces the old one
    const freshCode = /([A-Z2-7]{4}(?:-[A-Z2-7]{4}){7})/.exec(duplicate.stdout)?.[1];
    expect((await call('/setup/start', { email: 'ops@example.com', setupCode })).status).toBe(400);
    const missing = await cli('create-admin');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/needs --email/);

    const { clock } = server;
    const start = await call('/setup/start', { email: 'ops@example.com', setupCode: freshCode });
    expect(start.status).toBe(200);
    const secret = start.body.secret as string;
    expect(start.headers.get('cache-control')).toBe('no-store');
    const done = await call('/setup/complete', {
      email: 'ops@example.com',
      setupCode: freshCode,
      password: PASSWORD,
      totpCode: totp(secret, clock),
    });
    expect(done.status).toBe(200);
    expect((await cli('create-admin', '--email', 'ops@example.com')).code).toBe(2);

    nextStep(clock);
    const signedIn = await call('/sign-in', {
      email: 'ops@example.com',
      password: PASSWORD,
      totpCode: totp(secret, clock),
    });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('x-ratelimit-limit')).toBe('10000');
    const me = await call('/me', undefined, signedIn.body.accessToken);
    expect(me.body).toMatchObject({ email: 'ops@example.com', displayName: 'Ops Lead' });

    const refreshed = await call('/refresh', { refreshToken: signedIn.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await call('/sign-out', undefined, refreshed.body.accessToken)).status).toBe(204);
    expect((await call('/me', undefined, refreshed.body.accessToken)).status).toBe(401);
    expect((await call('/refresh', { refreshToken: refreshed.body.refreshToken })).status).toBe(
      401,
    );
  });

  it(
    'reset-admin-2fa → a new authenticator with the same password',
    { timeout: 120_000 },
    async () => {
      const { clock } = server;
      nextStep(clock);
      const before = await call('/sign-in', {
        email: 'ops@example.com',
        password: PASSWORD,
        totpCode: totp(
          openTotpSecret(
            server.s,
            (
              await server.s.database.db
                .selectFrom('users')
                .select('totp_secret')
                .where('email', '=', 'ops@example.com')
                .executeTakeFirstOrThrow()
            ).totp_secret,
          ),
          clock,
        ),
      });
      expect(before.status).toBe(200);

      const reset = await cli('reset-admin-2fa', '--email', 'ops@example.com');
      expect(reset.code, reset.stderr).toBe(0);
      expect(reset.stdout).toMatch(/1 session\(s\) signed out/);
      expect(reset.stdout).toMatch(/valid for 60 minutes, shown only now/);
      const setupCode = /([A-Z2-7]{4}(?:-[A-Z2-7]{4}){7})/.exec(reset.stdout)?.[1];
      expect(setupCode).toBeDefined();
      expect((await call('/me', undefined, before.body.accessToken)).status).toBe(401);

      const start = await call('/setup/start', { email: 'ops@example.com', setupCode });
      expect(start.status).toBe(200);
      expect(start.body.mode).toBe('two_factor_reset');
      const done = await call('/setup/complete', {
        email: 'ops@example.com',
        setupCode,
        password: PASSWORD,
        totpCode: totp(start.body.secret as string, clock),
      });
      expect(done.status).toBe(200);
      nextStep(clock);
      const after = await call('/sign-in', {
        email: 'ops@example.com',
        password: PASSWORD,
        totpCode: totp(start.body.secret as string, clock),
      });
      expect(after.status).toBe(200);

      const missing = await cli('reset-admin-2fa');
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/needs --email/);
      const unknown = await cli('reset-admin-2fa', '--email', 'nobody@example.com');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/No account uses the email nobody@example\.com/);
      // create-admin still refuses the (active) account.
      expect((await cli('create-admin', '--email', 'ops@example.com')).code).toBe(2);
    },
  );
});
