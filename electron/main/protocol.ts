import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { CustomScheme, Protocol } from 'electron';
import { APP_HOST, APP_SCHEME, SECURITY_HEADERS } from './security';

/**
 * The app:// protocol: the built renderer (dist/renderer) served from inside the asar, so pages
 * get a real origin (app://keyholder) instead of file://, which would grant every page access
 * to every local file. Standard + secure: a proper origin, a secure context, relative URLs and
 * same-origin checks work. Deliberately NOT bypassCSP, corsEnabled, allowServiceWorkers or stream.
 */
export const APP_SCHEME_DEFINITION: CustomScheme = Object.freeze({
  scheme: APP_SCHEME,
  privileges: Object.freeze({ standard: true, secure: true, supportFetchAPI: true }),
});

/** Must run before the app's `ready` event (Electron's rule for privileged schemes). */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_DEFINITION]);
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const INDEX = 'index.html';
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/**
 * Maps an app:// request URL to a file inside `rootDir`, or null when the request must be
 * refused. Pure (no file system access), so every traversal trick is unit-tested:
 * - only app://keyholder (other hosts, credentials, ports: refused);
 * - backslashes, NUL bytes and their encodings (%5c, %00) anywhere: refused;
 * - any path segment that is `.` or `..` after percent-decoding (%2e%2e, .%2e, …): refused;
 * - a segment that decodes to a separator (%2f) or cannot be decoded: refused;
 * - a segment with ':' (drive letters, NTFS streams) or a Windows device name: refused;
 * - the result must still lie inside rootDir (belt and braces).
 * `/` serves index.html; query and fragment are ignored.
 */
export function resolveAppFile(rootDir: string, requestUrl: string): string | null {
  if (typeof requestUrl !== 'string' || requestUrl.length > 4096) return null;
  // Check the raw text first: URL parsing would already have folded some of these away.
  if (/[\\\0]|%5c|%00/i.test(requestUrl)) return null;
  const scheme = `${APP_SCHEME}://`;
  if (!requestUrl.toLowerCase().startsWith(scheme)) return null;
  // The raw path (before any URL normalisation) must not contain dot segments in any spelling.
  const rawPath = requestUrl.slice(scheme.length).replace(/[?#].*$/s, '');
  const rawSegments = rawPath.split('/').slice(1);
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  if (url.username || url.password || url.port) return null;

  const segments: string[] = [];
  for (const raw of rawSegments) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '.' || segment === '..') return null;
    // Separators, NUL, drive letters / alternate data streams (':'), Windows device names.
    if (/[/\\\0:]/.test(segment) || WINDOWS_DEVICE.test(segment)) return null;
    segments.push(segment);
  }
  // Empty segments (//, trailing slash) are not files; only the root "/" maps to index.html.
  if (segments.length === 0 || (segments.length === 1 && segments[0] === '')) {
    segments.splice(0, segments.length, INDEX);
  }
  if (segments.some((s) => s === '')) return null;

  const root = resolve(rootDir);
  const file = resolve(root, ...segments);
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || !file.startsWith(root + sep)) {
    return null;
  }
  return file;
}

export interface AppRequestHandlerOptions {
  /** Reads a file (Electron's fs reads inside the asar); replaceable in tests. */
  readFile?: (path: string) => Promise<Uint8Array>;
}

/**
 * The app:// handler as a plain fetch-style function (Request → Response), so it can be tested
 * without Electron. GET/HEAD only; every response, errors included, carries the CSP, nosniff
 * and the other security headers. A path without an extension that is not a file falls back
 * to index.html (client-side routes); a missing asset is a 404, never HTML with a JS type.
 */
export function createAppRequestHandler(
  rootDir: string,
  options: AppRequestHandlerOptions = {},
): (request: Request) => Promise<Response> {
  const read = options.readFile ?? ((path: string) => readFile(path));
  const root = resolve(rootDir);

  const plain = (status: number, text: string, extra: Record<string, string> = {}) =>
    new Response(text, {
      status,
      headers: {
        ...SECURITY_HEADERS,
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
        ...extra,
      },
    });

  const tryRead = async (file: string): Promise<Uint8Array | null> => {
    try {
      return await read(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
      throw error;
    }
  };

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return plain(405, 'Method not allowed', { allow: 'GET, HEAD' });
    }
    const file = resolveAppFile(root, request.url);
    if (!file) return plain(404, 'Not found');

    let served = file;
    let body = await tryRead(file);
    if (body === null && extname(file) === '') {
      served = resolve(root, INDEX);
      body = await tryRead(served);
    }
    if (body === null) return plain(404, 'Not found');

    const type = CONTENT_TYPES[extname(served).toLowerCase()] ?? 'application/octet-stream';
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        ...SECURITY_HEADERS,
        'content-type': type,
        'cache-control': served.endsWith(INDEX) ? 'no-store' : 'no-cache',
      },
    });
  };
}

/** Serves dist/renderer on app:// for the default session (after `ready`). */
export function handleAppProtocol(
  protocol: Pick<Protocol, 'handle'>,
  rootDir: string,
  log: (message: string, detail?: unknown) => void = () => {},
  options: AppRequestHandlerOptions = {},
): void {
  const handler = createAppRequestHandler(rootDir, options);
  protocol.handle(APP_SCHEME, async (request) => {
    try {
      return await handler(request);
    } catch (error) {
      log('app:// request failed', error);
      return new Response('Internal error', {
        status: 500,
        headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' },
      });
    }
  });
}
