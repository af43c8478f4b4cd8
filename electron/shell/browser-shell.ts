import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { INVALID_REQUEST } from '../../common/ipc/contract';
import { createApiHandlers } from '../core/api/api-handlers';
import { dispatch } from '../core/api/dispatch';
import { newWindowContext } from '../core/api/window-context';
import type { Keyholder } from '../core/keyholder';

/** Same policy as the Electron window (electron/main/security.ts): our own scripts only. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const MAX_BODY_BYTES = 64 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface BrowserShellOptions {
  keyholder: Keyholder;
  /** The built renderer (vite build output). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  log?: (message: string, error?: unknown) => void;
}

export interface BrowserShell {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  close(): Promise<void>;
}

/**
 * The desktop app's contract over loopback HTTP, for the browser end-to-end tests and for
 * `npm start` where no Electron binary exists. Never packaged into the desktop build.
 *
 * Defences, because any web page the user visits can reach 127.0.0.1:
 * - binds 127.0.0.1 only;
 * - Host must be this loopback origin (stops DNS rebinding);
 * - Origin, when sent, must be this origin; API calls need a custom header carrying the
 *   random per-launch token (a cross-site page can neither read the token nor send the header
 *   without a CORS preflight, which is never granted);
 * - JSON bodies only, 64 KiB at most; the same dispatch (schemas in and out) as Electron IPC.
 */
export async function startBrowserShell(options: BrowserShellOptions): Promise<BrowserShell> {
  const token = randomBytes(32).toString('base64url');
  const handlers = createApiHandlers(options.keyholder);
  const ctx = newWindowContext();
  const root = resolve(options.staticDir);
  const log = options.log ?? (() => {});
  let origin = '';

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log('browser shell request failed', error);
      if (!res.headersSent)
        send(res, 500, {
          ok: false,
          error: { code: 'internal', message: 'Something went wrong.' },
        });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    securityHeaders(res);
    const host = req.headers.host ?? '';
    if (host !== new URL(origin).host) return send(res, 421, { ok: false, error: INVALID_REQUEST });
    if (req.headers.origin !== undefined && req.headers.origin !== origin) {
      return send(res, 403, { ok: false, error: INVALID_REQUEST });
    }
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname.startsWith('/api/')) return api(req, res, url.pathname.slice(5));
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, { ok: false, error: INVALID_REQUEST });
    return serveStatic(res, url.pathname);
  }

  async function api(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    const given = Buffer.from(String(req.headers['x-keyholder-token'] ?? ''));
    const expected = Buffer.from(token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return send(res, 401, {
        ok: false,
        error: {
          code: 'unauthorized',
          message: 'This page is not connected to Keyholder. Open the address Keyholder printed.',
        },
      });
    }
    if (req.method !== 'POST') return send(res, 405, { ok: false, error: INVALID_REQUEST });
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return send(res, 415, { ok: false, error: INVALID_REQUEST });
    }
    const body = await readBody(req);
    if (body === 'too_large') return send(res, 413, { ok: false, error: INVALID_REQUEST });
    let payload: unknown;
    try {
      payload = body.length ? JSON.parse(body) : {};
    } catch {
      return send(res, 400, { ok: false, error: INVALID_REQUEST });
    }
    const result = await dispatch(handlers, ctx, channel, payload, (c, e) =>
      log(`channel ${c} failed`, e),
    );
    send(res, 200, result);
  }

  function serveStatic(res: ServerResponse, pathname: string): void {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return send(res, 400, { ok: false, error: INVALID_REQUEST });
    }
    const relative = decoded === '/' ? 'index.html' : normalize(decoded).replace(/^([/\\])+/, '');
    const file = resolve(join(root, relative));
    // Path traversal: the resolved file must stay inside the renderer folder.
    if (decoded.includes('\0') || (file !== root && !file.startsWith(root + sep))) {
      return send(res, 404, { ok: false, error: INVALID_REQUEST });
    }
    const target = existsSync(file) && statSync(file).isFile() ? file : join(root, 'index.html');
    if (!existsSync(target)) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The Keyholder interface has not been built. Run: npm run build:renderer');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
      'cache-control': target.endsWith('index.html')
        ? 'no-store'
        : 'public, max-age=31536000, immutable',
    });
    createReadStream(target).pipe(res);
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    token,
    url: `${origin}/#token=${token}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  res.setHeader('cross-origin-resource-policy', 'same-origin');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string | 'too_large'> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        ok('too_large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}
