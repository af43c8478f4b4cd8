import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, Agent } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../backend-sync/app';
import { loadConfig } from '../../backend-sync/config';
import { openServerDatabase } from '../../backend-sync/db/database';
import { describeEachDialect, startTestServer, type TestServer } from './support/server-harness';

/**
 * Every answer, including the router's own (an unknown route, a path parameter too long, a URL
 * that does not decode, a request during shutdown) and the body parser's, is the one documented
 * error shape with the security headers and the request id, and never echoes the URL.
 */
const SECRET = 'tok3n-in-the-path';
const CONSOLE = 'https://console.example.com';

function expectShaped(
  r: { statusCode: number; body: string; headers: Record<string, unknown> },
  status: number,
  code: string,
): void {
  expect(r.statusCode, r.body).toBe(status);
  const body = JSON.parse(r.body) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toEqual({
    code,
    message: expect.any(String),
    requestId: expect.any(String),
  });
  expect(r.headers['x-request-id']).toBe(body.error.requestId);
  expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(r.headers['x-content-type-options']).toBe('nosniff');
  expect(r.headers['x-frame-options']).toBe('DENY');
  expect(r.body).not.toContain(SECRET);
  expect(r.body).not.toMatch(/FST_|Bad Request|statusCode/);
}

describeEachDialect('every error in the one shape', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect, { RATE_LIMIT_PER_MINUTE: '5', CORS_ORIGINS: CONSOLE });
  });
  afterAll(() => s.close());

  it('router errors: unknown route 404, long path parameter 414, undecodable URL 400', async () => {
    expectShaped(await s.app.inject({ url: `/nope/${SECRET}` }), 404, 'not_found');
    const long = `/api/v1/stores/${SECRET}${'a'.repeat(2000)}`;
    expectShaped(await s.app.inject({ url: long }), 414, 'uri_too_long');
    expectShaped(
      await s.app.inject({ method: 'PATCH', url: `${long}/x`, payload: {} }),
      414,
      'uri_too_long',
    );
    expectShaped(
      await s.app.inject({ url: `/api/v1/stores/${SECRET}%E0%A4%A` }),
      400,
      'invalid_request',
    );
  });

  it('body errors: bad JSON 400, too large 413, wrong content type 415', async () => {
    const post = (payload: string, type = 'application/json') =>
      s.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        headers: { 'content-type': type },
        payload,
      });
    expectShaped(await post(`{"email":"${SECRET}`), 400, 'invalid_request');
    expectShaped(await post(`"${'x'.repeat(2_000_000)}"`), 413, 'payload_too_large');
    expectShaped(await post(SECRET, 'text/plain'), 415, 'unsupported_media_type');
  });

  it('/health and /ready stay outside the per-address limit; the API does not', async () => {
    for (let i = 0; i < 12; i++) {
      expect((await s.app.inject({ url: '/health' })).statusCode).toBe(200);
      expect((await s.app.inject({ url: '/ready' })).statusCode).toBe(200);
    }
    let last: LightMyRequestResponse | null = null;
    for (let i = 0; i < 8; i++) last = await s.app.inject({ url: `/nope/${i}` });
    expectShaped(last!, 429, 'rate_limited');
    expect(last!.headers['retry-after']).toBeDefined();
    expect((await s.app.inject({ url: '/health' })).statusCode).toBe(200);
  });

  it('CORS: preflights allow every admin API method, responses expose what a console reads', async () => {
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const r = await s.app.inject({
        method: 'OPTIONS',
        url: '/api/v1/stores/x',
        headers: { origin: CONSOLE, 'access-control-request-method': method },
      });
      expect(r.statusCode).toBe(204);
      expect(String(r.headers['access-control-allow-methods']).split(/,\s*/)).toContain(method);
    }
    const r = await s.app.inject({ url: '/health', headers: { origin: CONSOLE } });
    const exposed = String(r.headers['access-control-expose-headers']).toLowerCase().split(/,\s*/);
    for (const name of ['retry-after', 'x-ratelimit-remaining', 'content-disposition']) {
      expect(exposed).toContain(name);
    }
    const stranger = await s.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/stores/x',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'DELETE' },
    });
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
  });
});

/** A raw HTTP answer, parsed: what any client, proxy or monitor would read. */
function parseRaw(raw: string): {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
} {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, unknown> = {};
  for (const line of lines) {
    const at = line.indexOf(':');
    headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
  }
  return { statusCode: Number(statusLine.split(' ')[1]), headers, body };
}

describe('errors before there is a request', () => {
  it('a URL beyond the HTTP parser limit: 414 in the one shape, URL not echoed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'keyholder-sync-'));
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const database = await openServerDatabase(config);
    const app = await buildApp({ config, database, logger: false });
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const port = (app.server.address() as { port: number }).port;
      const ask = (request: string) =>
        new Promise<string>((resolve, reject) => {
          let raw = '';
          const socket = connect(port, '127.0.0.1', () => socket.write(request));
          socket.on('data', (chunk: Buffer) => (raw += chunk.toString()));
          socket.on('end', () => resolve(raw));
          socket.on('error', reject);
        });
      const long = await ask(
        `GET /api/v1/stores?x=${SECRET}${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      );
      expectShaped(parseRaw(long), 414, 'uri_too_long');
      const garbage = await ask(`NOT HTTP ${SECRET}\r\n\r\n`);
      expectShaped(parseRaw(garbage), 400, 'invalid_request');
    } finally {
      await app.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('a request during shutdown', () => {
  it('gets 503 in the one shape with the security headers and Retry-After', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'keyholder-sync-'));
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const database = await openServerDatabase(config);
    const app = await buildApp({ config, database, logger: false });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = (port: number, path: string) =>
      new Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>(
        (resolve, reject) => {
          const req = httpRequest({ port, path, agent, host: '127.0.0.1' }, (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () =>
              resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body }),
            );
          });
          req.on('error', reject);
          req.end();
        },
      );
    let during: Awaited<ReturnType<typeof get>> | null = null;
    // preClose hooks run in order while the server still listens: the app's own (which starts
    // refusing) first, then this one, which asks on the connection it already holds.
    app.addHook('preClose', async () => {
      during = await get(port, `/api/v1/stores/${SECRET}`);
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    expect((await get(port, '/health')).statusCode).toBe(200);
    await app.close();
    agent.destroy();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
    expectShaped(during!, 503, 'unavailable');
    expect(during!.headers['retry-after']).toBe('5');
  });
});
