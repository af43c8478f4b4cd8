import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../backend-sync/app';
import { loadConfig } from '../../backend-sync/config';
import { openServerDatabase, type Database } from '../../backend-sync/db/database';
import { FakeClock } from '../support/fake-clock';
import { describeEachDialect, startTestServer, type TestServer } from './support/server-harness';

const LIMIT = 3;

/**
 * Two instances of the server on one database, as behind a load balancer: with
 * RATE_LIMIT_STORE=database a client gets the limit once, not once per instance.
 */
describeEachDialect(
  'rate limits shared by every instance (RATE_LIMIT_STORE=database)',
  (dialect) => {
    const clock = new FakeClock();
    let a: TestServer;
    let bDatabase: Database;
    let b: FastifyInstance;

    beforeAll(async () => {
      const env = { AUTH_RATE_LIMIT_PER_MINUTE: String(LIMIT), RATE_LIMIT_STORE: 'database' };
      a = await startTestServer(dialect, env, { clock });
      bDatabase = await openServerDatabase(
        a.config,
        a.pgSchema ? { schema: a.pgSchema, poolSize: 2 } : { checkpointInBackground: false },
      );
      b = await buildApp({ config: a.config, database: bDatabase, logger: false, clock });
      await b.ready();
    });
    afterAll(async () => {
      await b.close();
      await bDatabase.close();
      await a.close();
    });

    const refresh = (app: FastifyInstance, remoteAddress = '203.0.113.7') =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        payload: { refreshToken: `khr_${'A'.repeat(43)}` },
        remoteAddress,
      });
    const code = (r: LightMyRequestResponse) =>
      `${r.statusCode} ${(r.json() as { error?: { code: string } }).error?.code}`;

    it('counts one address across instances, per route, and starts again after the window', async () => {
      const answers = [];
      for (const app of [a.app, b, a.app, b]) answers.push(code(await refresh(app)));
      expect(answers).toEqual([
        '401 unauthorized',
        '401 unauthorized',
        '401 unauthorized',
        '429 rate_limited',
      ]);
      // Another address has its own count; so has another route (sign-in, same address).
      expect(code(await refresh(b, '203.0.113.8'))).toBe('401 unauthorized');
      const signIn = await a.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: 'nobody@example.com', password: 'x', totpCode: '123456' },
        remoteAddress: '203.0.113.7',
      });
      expect(code(signIn)).toBe('401 invalid_credentials');

      clock.advance(61_000);
      expect(code(await refresh(b))).toBe('401 unauthorized');
    });

    it('counts one account across instances and addresses (a limit without a route)', async () => {
      const attempt = (app: FastifyInstance, n: number) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          payload: { email: 'target@example.com', password: `guess ${n}`, totpCode: '123456' },
          remoteAddress: `198.51.100.${n}`,
        });
      const answers = [];
      for (const [n, app] of [a.app, b, a.app].entries()) answers.push(code(await attempt(app, n)));
      clock.advance(1000); // past the lockout's progressive delay: only the rate limit speaks
      answers.push(code(await attempt(b, 9)));
      expect(answers).toEqual([
        '401 invalid_credentials',
        '401 invalid_credentials',
        '401 invalid_credentials',
        '429 rate_limited',
      ]);
    });

    it('keeps no address and no email, and deletes ended windows', async () => {
      const rows = await a.database.db.selectFrom('rate_limit_counters').selectAll().execute();
      expect(rows.length).toBeGreaterThan(0);
      const stored = JSON.stringify(rows);
      expect(stored).not.toMatch(/203\.0\.113|198\.51\.100|example\.com|sign-in|refresh/);
      for (const row of rows) expect(row.key).toMatch(/^[0-9a-f]{64}$/);

      clock.advance(2 * 60_000);
      await refresh(a.app, '192.0.2.1'); // finds the sweep due
      await expect
        .poll(async () => {
          const left = await a.database.db
            .selectFrom('rate_limit_counters')
            .select('reset_at')
            .execute();
          return left.filter((r) => Number(r.reset_at) <= clock.nowMs()).length;
        })
        .toBe(0);
    });
  },
);

it('counts in memory by default: each instance its own', async () => {
  const clock = new FakeClock();
  const a = await startTestServer(
    'sqlite',
    { AUTH_RATE_LIMIT_PER_MINUTE: String(LIMIT) },
    { clock },
  );
  try {
    expect(a.config.RATE_LIMIT_STORE).toBe('memory');
    const config = loadConfig({
      DATA_DIR: a.dataDir,
      LOG_LEVEL: 'silent',
      AUTH_RATE_LIMIT_PER_MINUTE: String(LIMIT),
    });
    const database = await openServerDatabase(config, { checkpointInBackground: false });
    const b = await buildApp({ config, database, logger: false, clock });
    try {
      const statuses = [];
      for (const app of [a.app, b, a.app, b]) {
        const r = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refreshToken: `khr_${'A'.repeat(43)}` },
        });
        statuses.push(r.statusCode);
      }
      expect(statuses).toEqual([401, 401, 401, 401]);
      const rows = await a.database.db.selectFrom('rate_limit_counters').selectAll().execute();
      expect(rows).toEqual([]);
    } finally {
      await b.close();
      await database.close();
    }
  } finally {
    await a.close();
  }
});

it('refuses an unknown RATE_LIMIT_STORE at start', () => {
  expect(() => loadConfig({ RATE_LIMIT_STORE: 'redis' })).toThrow(/RATE_LIMIT_STORE/);
});
