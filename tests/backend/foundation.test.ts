import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../backend-sync/config';
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
