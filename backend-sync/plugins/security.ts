import { createRequire } from 'node:module';
import cors from '@fastify/cors';
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config';
import { HttpError } from '../errors';

/**
 * Headers, CORS allowlist, rate limits and body rules for every route.
 * - helmet: CSP (self only; Swagger UI's assets are served from self), frame denial, nosniff.
 * - CORS: only the origins in CORS_ORIGINS; none by default.
 * - shutdown: requests arriving while the server closes get 503 `unavailable` (Retry-After).
 * - rate limit: per client address (X-Forwarded-For is honoured only from the proxies that
 *   TRUST_PROXY names or counts, never from any peer), and tighter per-route limits on sign-in,
 *   reset, find-account and enrollment (see routes).
 * - a body must be JSON wherever one is expected; other content types are refused (415).
 */
export async function registerSecurity(
  app: FastifyInstance,
  config: Config,
  /** Shared rate-limit counters (RATE_LIMIT_STORE=database); in memory without. */
  rateLimitStore?: FastifyRateLimitStoreCtor,
): Promise<void> {
  securityHeaders(); // recorded now: a helmet that misbehaves stops the start, not a request
  app.addHook('onRequest', (_request, reply, done) => {
    applySecurityHeaders(reply.raw);
    done();
  });
  // During shutdown (close-with-grace, a deployment) a request that still arrives is refused
  // with 503 through the one error handler (Fastify's own 503 has its own body and none of the
  // headers above), before the rate limit counts it. A load balancer retries it elsewhere.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    reply.header('retry-after', '5');
    done(
      new HttpError(503, 'unavailable', 'The server is restarting. Try again in a few seconds.'),
    );
  });
  await app.register(cors, {
    origin: (origin, cb) => cb(null, origin !== undefined && config.CORS_ORIGINS.includes(origin)),
    credentials: false,
    // Every method the admin API uses, and the headers an admin console must read: when to
    // retry (Retry-After, the rate-limit headers), an export's file name, the request id.
    methods: CORS_METHODS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
  });
  if (typeof config.TRUST_PROXY === 'number' && !isLoopbackHost(config.HOST)) {
    app.log.warn(
      { trustProxy: config.TRUST_PROXY, host: config.HOST },
      'TRUST_PROXY is a hop count: only your proxies may reach this address, or a direct client can pose as one. List the proxy addresses instead when you know them.',
    );
  }
  await app.register(rateLimit, {
    global: true,
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: '1 minute',
    // request.ip: the socket's address, or the client as the trusted proxies report it.
    keyGenerator: (request) => request.ip,
    ...(rateLimitStore ? { store: rateLimitStore } : {}),
  });

  // Fastify parses only JSON (its default); an unknown content type is a 415 before routing.
  app.removeContentTypeParser(['text/plain']);
}

export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
export const CORS_EXPOSED_HEADERS = [
  'Retry-After',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'Content-Disposition',
  'X-Request-Id',
];

// The headers are built once: @fastify/helmet calls helmet(options) on every request, which
// re-parses the whole CSP each time (about a tenth of a hello-world request's CPU), and even
// helmet's own middleware walks a dozen small middlewares per request. Every option below is
// static (no CSP nonces, nothing read from the request), so helmet's output is the same for
// every request: it is recorded once, from helmet itself, and replayed on every response.
let helmetHeaders: ReturnType<typeof recordHelmet> | null = null;

/**
 * Sets the security headers on a response: from the onRequest hook for every routed request,
 * and from the router's own errors (plugins/error-handler.ts), which no hook sees.
 */
export function applySecurityHeaders(res: {
  setHeader(name: string, value: string | string[]): unknown;
  removeHeader(name: string): unknown;
}): void {
  const headers = securityHeaders();
  for (const name of headers.removed) res.removeHeader(name);
  for (const [name, value] of headers.set) res.setHeader(name, value);
}

const DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"], // Swagger UI only; the API serves JSON.
  imgSrc: ["'self'", 'data:'],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
};

function securityHeaders(): ReturnType<typeof recordHelmet> {
  return (helmetHeaders ??= recordHelmet({
    contentSecurityPolicy: { directives: DIRECTIVES },
    frameguard: { action: 'deny' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  }));
}

let pageCsp: string | null = null;

/**
 * The CSP of the account pages (/account/*), stricter than the server-wide one, which allows
 * inline style for Swagger UI: script and style from the server itself only, nothing inline;
 * fetch to the server only; no native form submission anywhere (the pages send JSON).
 */
export function accountPageCsp(): string {
  return (pageCsp ??= (() => {
    const { set } = recordHelmet({
      contentSecurityPolicy: {
        directives: {
          ...DIRECTIVES,
          styleSrc: ["'self'"],
          imgSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'none'"],
        },
      },
    });
    const csp = set.find(([name]) => name.toLowerCase() === 'content-security-policy')?.[1];
    if (typeof csp !== 'string') throw new Error('helmet set no content-security-policy');
    return csp;
  })());
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

type HelmetOptions = Record<string, unknown>;
type HelmetHandler = (req: unknown, res: unknown, next: (error?: unknown) => void) => void;

/**
 * What helmet does to a response with these options, recorded from helmet itself (as
 * @fastify/helmet, our declared dependency, loads it, so the version is the one that plugin was
 * tested with): the headers it sets, in order, and the ones it removes. Anything else it tried
 * (reading the request, ending the response, an error) fails here, at start-up.
 */
export function recordHelmet(options: HelmetOptions): {
  set: Array<[string, string | string[]]>;
  removed: string[];
} {
  const set: Array<[string, string | string[]]> = [];
  const removed: string[] = [];
  const res = {
    setHeader(name: string, value: string | string[]) {
      set.push([name, value]);
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  };
  const req = new Proxy(
    {},
    {
      get(_target, key) {
        throw new Error(`helmet read request.${String(key)}: its headers are not static`);
      },
    },
  );
  let finished = false;
  helmetMiddleware(options)(req, res, (error?: unknown) => {
    if (error) throw error instanceof Error ? error : new Error(String(error));
    finished = true;
  });
  if (!finished) throw new Error('helmet did not finish synchronously');
  return { set, removed };
}

/**
 * helmet itself, as @fastify/helmet (our declared dependency) loads it, so the version is the
 * one that plugin was tested with.
 */
function helmetMiddleware(options: HelmetOptions): HelmetHandler {
  const fromPlugin = createRequire(createRequire(import.meta.url).resolve('@fastify/helmet'));
  const helmet = fromPlugin('helmet') as (options: HelmetOptions) => HelmetHandler;
  return helmet(options);
}
