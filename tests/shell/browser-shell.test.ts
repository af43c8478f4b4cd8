import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserShell, type BrowserShell } from '../../electron/shell/browser-shell';
import { defaultDataDir } from '../../electron/shell/app-data';
import { CoreHarness } from '../support/core-harness';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP, so the test controls Host and every other header exactly. */
function call(
  shell: BrowserShell,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  const { port } = new URL(shell.origin);
  return new Promise((ok, fail) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          ok({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', fail);
    req.end(init.body);
  });
}

describe('browser shell: the contract over loopback HTTP', () => {
  const h = new CoreHarness();
  const web = mkdtempSync(join(tmpdir(), 'keyholder-web-'));
  let shell: BrowserShell;
  let api: (channel: string, body: unknown, headers?: Record<string, string>) => Promise<Reply>;

  beforeAll(async () => {
    await h.setUp();
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>Keyholder</title>');
    writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(h.dir, 'outside.txt'), 'do not serve me');
    shell = await startBrowserShell({ keyholder: h.kh, staticDir: web });
    const host = new URL(shell.origin).host;
    api = (channel, body, headers = {}) =>
      call(shell, `/api/${channel}`, {
        method: 'POST',
        headers: {
          host,
          'content-type': 'application/json',
          'x-keyholder-token': shell.token,
          ...headers,
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
  });
  afterAll(async () => {
    await shell.close();
    h.dispose();
    rmSync(web, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only and hands out a per-launch token in the URL fragment', () => {
    expect(shell.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(shell.url).toBe(`${shell.origin}/#token=${shell.token}`);
    expect(shell.token.length).toBeGreaterThanOrEqual(43);
  });

  it('answers a valid call', async () => {
    const r = await api('app.state', {});
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({
      ok: true,
      data: { needsSetup: false, session: null },
    });
  });

  it('serves the renderer with a strict CSP and security headers', async () => {
    const r = await call(shell, '/', { headers: { host: new URL(shell.origin).host } });
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin', async () => {
    expect((await call(shell, '/', { headers: { host: 'evil.example' } })).status).toBe(421);
    expect((await api('app.state', {}, { origin: 'https://evil.example' })).status).toBe(403);
  });

  it('refuses API calls without the token, with a wrong one, or with the wrong method or type', async () => {
    expect((await api('app.state', {}, { 'x-keyholder-token': '' })).status).toBe(401);
    expect((await api('app.state', {}, { 'x-keyholder-token': 'x'.repeat(43) })).status).toBe(401);
    expect((await api('app.state', {}, { 'content-type': 'text/plain' })).status).toBe(415);
    const host = new URL(shell.origin).host;
    expect(
      (await call(shell, '/api/app.state', { headers: { host, 'x-keyholder-token': shell.token } }))
        .status,
    ).toBe(405);
  });

  it('refuses oversized and malformed bodies with a generic error and no internals', async () => {
    const before = h.kh.audit.query().total;
    const big = await api(
      'auth.signIn',
      JSON.stringify({ username: 'a', password: 'x'.repeat(70_000) }),
    );
    expect(big.status).toBe(413);
    const broken = await api('auth.signIn', '{"username":');
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body)).toEqual({
      ok: false,
      error: { code: 'invalid_request', message: expect.any(String) },
    });
    const typed = await api('auth.signIn', { username: ['a'], password: 1 });
    expect(JSON.parse(typed.body)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(broken.body + typed.body).not.toMatch(/SyntaxError|\s{2}at |\.ts\b|node_modules/);
    expect(h.kh.audit.query().total).toBe(before);
  });

  it('never serves files outside the renderer folder', async () => {
    const host = new URL(shell.origin).host;
    for (const path of [
      '/../outside.txt',
      '/%2e%2e/outside.txt',
      '/..%2foutside.txt',
      '/assets/..%2f..%2foutside.txt',
      '/%00',
      '/%E0%A4%A',
    ]) {
      const r = await call(shell, path, { headers: { host } });
      expect(r.body, path).not.toContain('do not serve me');
    }
    expect((await call(shell, '/assets/app.js', { headers: { host } })).body).toBe(
      'console.log(1)',
    );
  });

  it('puts the store in the usual app-data folder unless told otherwise', () => {
    expect(defaultDataDir({ KEYHOLDER_DATA_DIR: '/x/y' })).toBe('/x/y');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/home/u/.config' }, 'linux')).toBe(
      '/home/u/.config/Keyholder',
    );
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32')).toMatch(
      /Keyholder$/,
    );
  });
});
