// The app:// protocol: path resolution refuses every traversal trick, and the handler serves
// real files from a real folder with the CSP and nosniff on every response, errors included.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Protocol } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  APP_SCHEME_DEFINITION,
  createAppRequestHandler,
  handleAppProtocol,
  registerAppScheme,
  resolveAppFile,
} from '../../electron/main/protocol';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/security';

const ROOT = resolve('/opt/keyholder/dist/renderer');

describe('resolveAppFile', () => {
  it.each([
    ['app://keyholder/index.html', 'index.html'],
    ['app://keyholder/', 'index.html'],
    ['app://keyholder', 'index.html'],
    ['app://keyholder/assets/index-3f2a.js', 'assets/index-3f2a.js'],
    ['app://keyholder/assets/index-3f2a.js?v=1#x', 'assets/index-3f2a.js'],
    ['app://keyholder/fonts/Inter%20Var.woff2', 'fonts/Inter Var.woff2'],
    ['app://keyholder/staff', 'staff'],
  ])('%s → %s', (url, file) => {
    expect(resolveAppFile(ROOT, url)).toBe(join(ROOT, file));
  });

  it.each([
    ['plain ..', 'app://keyholder/../../etc/passwd'],
    ['.. in the middle', 'app://keyholder/assets/../../secret'],
    ['encoded %2e%2e', 'app://keyholder/%2e%2e/%2e%2e/etc/passwd'],
    ['upper-case %2E%2E', 'app://keyholder/%2E%2E/etc/passwd'],
    ['half-encoded .%2e', 'app://keyholder/.%2e/etc/passwd'],
    ['half-encoded %2e.', 'app://keyholder/assets/%2e./x'],
    ['single encoded dot', 'app://keyholder/%2e/index.html'],
    ['encoded slash', 'app://keyholder/..%2f..%2fetc%2fpasswd'],
    ['encoded slash in a name', 'app://keyholder/assets%2f..%2f..%2fsecret'],
    ['backslash', 'app://keyholder/..\\..\\windows\\win.ini'],
    ['encoded backslash', 'app://keyholder/..%5c..%5cwindows%5cwin.ini'],
    ['upper-case encoded backslash', 'app://keyholder/..%5C..%5Cwin.ini'],
    ['null byte', 'app://keyholder/index.html\0.png'],
    ['encoded null byte', 'app://keyholder/index.html%00.png'],
    ['double-encoded traversal stays literal but %25 is fine', 'app://keyholder/%252e%252e/x'],
    ['broken percent-encoding', 'app://keyholder/%E0%A4%A'],
    ['other host', 'app://evil/index.html'],
    ['lookalike host', 'app://keyholder.evil/index.html'],
    ['credentials', 'app://x@keyholder/index.html'],
    ['port', 'app://keyholder:8080/index.html'],
    ['other scheme', 'file:///opt/keyholder/dist/renderer/index.html'],
    ['https', 'https://keyholder/index.html'],
    ['drive letter', 'app://keyholder/C:/Windows/win.ini'],
    ['encoded drive letter', 'app://keyholder/C%3a%5cWindows%5cwin.ini'],
    ['NTFS stream', 'app://keyholder/index.html::$DATA'],
    ['Windows device', 'app://keyholder/assets/CON'],
    ['Windows device with extension', 'app://keyholder/nul.js'],
    ['empty segment', 'app://keyholder/assets//x.js'],
    ['directory', 'app://keyholder/assets/'],
    ['not a URL', 'index.html'],
  ])('refuses %s', (name, url) => {
    const result = resolveAppFile(ROOT, url);
    if (name.startsWith('double-encoded')) {
      // %252e decodes once to the literal name "%2e%2e": a file name, not a dot segment.
      expect(result).toBe(join(ROOT, '%2e%2e', 'x'));
    } else {
      expect(result).toBeNull();
    }
  });

  it('never returns a path outside the root, whatever the input', () => {
    const inputs = [
      '..',
      '%2e%2e',
      '.%2E',
      '%2E.',
      '...',
      '....',
      '%2f',
      '%5c',
      '\\',
      '%00',
      'a',
      '',
      '.',
      '%2e',
    ];
    for (const a of inputs) {
      for (const b of inputs) {
        const result = resolveAppFile(ROOT, `app://keyholder/${a}/${b}/c`);
        if (result !== null) expect(result.startsWith(`${ROOT}/`)).toBe(true);
      }
    }
  });
});

describe('app:// scheme registration', () => {
  it('is standard and secure, and does not bypass CSP or enable CORS/service workers', () => {
    expect(APP_SCHEME_DEFINITION).toEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true },
    });
    const registered = vi.fn();
    registerAppScheme({ registerSchemesAsPrivileged: registered } as unknown as Protocol);
    expect(registered).toHaveBeenCalledWith([APP_SCHEME_DEFINITION]);
  });
});

describe('createAppRequestHandler (real files)', () => {
  let root: string;
  let handle: (request: Request) => Promise<Response>;

  beforeAll(() => {
    const base = mkdtempSync(join(tmpdir(), 'keyholder-protocol-'));
    root = join(base, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Keyholder</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'app.css'), 'body{}');
    writeFileSync(join(base, 'secret.txt'), 'TOP SECRET');
    handle = createAppRequestHandler(root);
  });
  afterAll(() => rmSync(resolve(root, '..'), { recursive: true, force: true }));

  const get = (url: string, method = 'GET') => handle(new Request(url, { method }));

  function expectSecurityHeaders(response: Response) {
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  }

  it('serves index.html with the CSP', async () => {
    const response = await get('app://keyholder/index.html');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expectSecurityHeaders(response);
    expect(await response.text()).toContain('<title>Keyholder</title>');
  });

  it('serves scripts and styles with their real types', async () => {
    const js = await get('app://keyholder/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expectSecurityHeaders(js);
    const css = await get('app://keyholder/assets/app.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers HEAD without a body', async () => {
    const response = await get('app://keyholder/index.html', 'HEAD');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('falls back to index.html for client-side routes, but not for missing assets', async () => {
    const route = await get('app://keyholder/staff');
    expect(route.status).toBe(200);
    expect(route.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const missing = await get('app://keyholder/assets/missing.js');
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing);
  });

  it.each([
    'app://keyholder/%2e%2e/secret.txt',
    'app://keyholder/assets/%2E%2E/%2e%2e/secret.txt',
    'app://keyholder/..%5csecret.txt',
    'app://keyholder/..%2fsecret.txt',
    'app://other/secret.txt',
  ])('refuses %s with a 404 that still carries the CSP', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    expectSecurityHeaders(response);
    expect(await response.text()).not.toContain('TOP SECRET');
  });

  it('refuses anything but GET and HEAD', async () => {
    const response = await get('app://keyholder/index.html', 'POST');
    expect(response.status).toBe(405);
    expectSecurityHeaders(response);
  });

  it('a read failure other than "not found" is a 500 with the CSP, and is logged', async () => {
    let registered: ((request: Request) => Promise<Response>) | undefined;
    const log = vi.fn();
    handleAppProtocol(
      {
        handle: (scheme: string, h: (request: Request) => Promise<Response>) => {
          expect(scheme).toBe('app');
          registered = h;
        },
      } as unknown as Protocol,
      root,
      log,
      { readFile: () => Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' })) },
    );
    const response = await registered!(new Request('app://keyholder/index.html'));
    expect(response.status).toBe(500);
    expectSecurityHeaders(response);
    expect(await response.text()).not.toContain('EIO');
    expect(log).toHaveBeenCalledWith('app:// request failed', expect.any(Error));
  });
});
