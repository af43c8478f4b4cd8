import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { ConfigError, fastifyTrustProxy, loadConfig } from '../../backend-sync/config';
import { openServerDatabase } from '../../backend-sync/db/database';
import { describeEachDialect, startTestServer, type TestServer } from './support/server-harness';

it('validates the configuration at boot with one clear line per bad value', () => {
  const err = (() => {
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        PUBLIC_URL: 'not a url',
        CORS_ORIGINS: 'https://a.example',
      });
    } catch (e) {
      return e;
    }
    return null;
  })();
  expect(err).toBeInstanceOf(ConfigError);
  const problems = (err as ConfigError).problems.join('\n');
  expect(problems).toMatch(/^PORT: .*eighty/m);
  expect(problems).toMatch(/^DATABASE_URL: must be a postgres:\/\/ URL/m);
  expect(problems).toMatch(/^PUBLIC_URL: /m);
  expect(
    loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example', PORT: '' }),
  ).toMatchObject({
    CORS_ORIGINS: ['https://a.example', 'https://b.example'],
    PORT: 8787,
    HOST: '127.0.0.1',
  });
});

it('takes SQLITE_SYNCHRONOUS as normal (the default) or full, and opens SQLite with it', async () => {
  expect(loadConfig({}).SQLITE_SYNCHRONOUS).toBe('normal');
  expect(loadConfig({ SQLITE_SYNCHRONOUS: ' FULL ' }).SQLITE_SYNCHRONOUS).toBe('full');
  expect(() => loadConfig({ SQLITE_SYNCHRONOUS: 'off' })).toThrow(
    /SQLITE_SYNCHRONOUS: must be normal or full/,
  );
  // PRAGMA synchronous reads back 1 for NORMAL and 2 for FULL; the journal is WAL either way.
  for (const [value, level] of [
    ['normal', 1],
    ['full', 2],
  ] as const) {
    const dataDir = mkdtempSync(join(tmpdir(), 'keyholder-sync-pragma-'));
    const database = await openServerDatabase(
      loadConfig({ DATA_DIR: dataDir, SQLITE_SYNCHRONOUS: value }),
    );
    try {
      const [sync] = (await sql<{ synchronous: number }>`pragma synchronous`.execute(database.db))
        .rows;
      const [journal] = (
        await sql<{ journal_mode: string }>`pragma journal_mode`.execute(database.db)
      ).rows;
      expect(sync?.synchronous).toBe(level);
      expect(journal?.journal_mode).toBe('wal');
    } finally {
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
});

it('accepts TRUST_PROXY as off, a hop count or proxy addresses, never "trust everyone"', () => {
  const trust = (value: string) => loadConfig({ TRUST_PROXY: value }).TRUST_PROXY;
  expect(loadConfig({}).TRUST_PROXY).toBe(false);
  expect(trust('false')).toBe(false);
  expect(trust('0')).toBe(false);
  expect(trust('1')).toBe(1);
  expect(trust(' 2 ')).toBe(2);
  expect(trust('10.0.0.5')).toEqual(['10.0.0.5']);
  expect(trust('10.0.0.5, 10.1.0.0/16,fd00::/8, loopback')).toEqual([
    '10.0.0.5',
    '10.1.0.0/16',
    'fd00::/8',
    'loopback',
  ]);
  const problem = (value: string) => {
    try {
      loadConfig({ TRUST_PROXY: value });
    } catch (e) {
      return (e as ConfigError).problems.join('\n');
    }
    return null;
  };
  for (const value of ['true', 'yes', '*']) {
    expect(problem(value)).toMatch(/^TRUST_PROXY: trusting every proxy lets any client choose/);
  }
  expect(problem('21')).toMatch(/^TRUST_PROXY: a hop count must be between 1 and 20/);
  expect(problem('10.0.0.5, proxy.internal')).toMatch(/not an address: proxy\.internal/);
  expect(problem('10.0.0.0/33')).toMatch(/not an address: 10\.0\.0\.0\/33/);
  // What Fastify gets: a hop count becomes a function (a bare number would trust nothing).
  const hops = fastifyTrustProxy(1);
  expect(typeof hops).toBe('function');
  const fn = hops as (address: string, hop: number) => boolean;
  expect([fn('127.0.0.1', 0), fn('203.0.113.9', 1)]).toEqual([true, false]);
  expect(fastifyTrustProxy(['10.0.0.5'])).toEqual(['10.0.0.5']);
  expect(fastifyTrustProxy(false)).toBe(false);
});

describeEachDialect('server foundation', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect, { CORS_ORIGINS: 'https://admin.example' });
  });
  afterAll(() => s.close());

  it('answers health and readiness, and exposes Prometheus metrics', async () => {
    expect((await s.app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await s.app.inject({ url: '/ready' })).json()).toEqual({ status: 'ready' });
    const metrics = await s.app.inject({ url: '/metrics' });
    expect(metrics.body).toContain('keyholder_http_requests_total');
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
    // The upload queue (plugins/admission.ts): idle, nothing processing or waiting.
    expect(metrics.body).toContain('keyholder_sync_uploads{state="active"} 0');
    expect(metrics.body).toContain('keyholder_sync_uploads{state="waiting"} 0');
  });

  it('with METRICS_TOKEN, serves /metrics only to that bearer token', async () => {
    const token = 'metrics-token-0123456789abcdef';
    const guarded = await startTestServer(dialect, { METRICS_TOKEN: token });
    try {
      const get = (authorization?: string) =>
        guarded.app.inject({ url: '/metrics', headers: authorization ? { authorization } : {} });
      for (const wrong of [undefined, `Bearer ${token}x`, token, 'Bearer ']) {
        const r = await get(wrong);
        expect(r.statusCode).toBe(401);
        expect(r.json()).toMatchObject({ error: { code: 'unauthorized' } });
        expect(r.body).not.toContain('keyholder_');
      }
      const ok = await get(`Bearer ${token}`);
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('keyholder_http_requests_total');
    } finally {
      await guarded.close();
    }
    expect(() => loadConfig({ DATA_DIR: '/tmp/unused', METRICS_TOKEN: 'short' })).toThrow(
      /METRICS_TOKEN/,
    );
  });

  it('sends security headers and a request id', async () => {
    const r = await s.app.inject({ url: '/health' });
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('allows CORS only for configured origins', async () => {
    const good = await s.app.inject({
      url: '/health',
      headers: { origin: 'https://admin.example' },
    });
    expect(good.headers['access-control-allow-origin']).toBe('https://admin.example');
    const bad = await s.app.inject({ url: '/health', headers: { origin: 'https://evil.example' } });
    expect(bad.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers unknown routes with the generic 404 body', async () => {
    const r = await s.app.inject({ url: '/nope/../../etc/passwd' });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toEqual({
      error: { code: 'not_found', message: 'Not found.', requestId: expect.any(String) },
    });
  });
});

describeEachDialect('server schema migrations', (dialect) => {
  it('records migrations once and refuses a database written by a newer version', async () => {
    const s = await startTestServer(dialect);
    try {
      const { sql } = await import('kysely');
      const { openServerDatabase } = await import('../../backend-sync/db/database');
      const names = await sql<{ name: string }>`select name from schema_migrations`.execute(
        s.database.db,
      );
      expect(names.rows.map((r) => r.name)).toEqual([
        '001-initial',
        '002-temporary-passwords',
        '003-rate-limit-counters',
        '004-credential-keys',
        '005-credential-box',
        '006-totp-changed-at',
        '007-audit-partitions',
        '008-store-change-seq',
      ]);
      // Reopening the same database applies nothing twice.
      await s.restart();
      await sql`insert into schema_migrations (name, applied_at) values ('999-future', 0)`.execute(
        s.database.db,
      );
      const reopened = openServerDatabase(s.config, s.pgSchema ? { schema: s.pgSchema } : {});
      await expect(reopened).rejects.toThrow(/newer or different version/);
    } finally {
      await s.close();
    }
  });
});
