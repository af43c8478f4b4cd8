import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_TAGS } from '../../backend-sync/plugins/openapi';
import { OPERATION_SUMMARIES } from '../../backend-sync/plugins/openapi-operations';
import { OPENAPI_FILE, renderOpenApi } from '../../scripts/openapi';
import { startTestServer, type TestServer } from './support/server-harness';

type Operation = {
  tags?: string[];
  summary?: string;
  operationId?: string;
  security?: Record<string, string[]>[];
  responses?: Record<string, unknown>;
};
type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown> };
};

/** Routes that are not API operations: the UI itself, Prometheus, the pages mailed links open. */
const NOT_DOCUMENTED = [
  /^\/docs(\/|$)/,
  /^\/metrics$/,
  /^\/account\//,
  /^GET \/unsubscribe$/,
  /^OPTIONS \*$/, // CORS preflight
];

/**
 * Every (method, path) the router knows, from `printRoutes`: HEAD twins left out, and a
 * prefixed plugin's root once (`/api/v1/users` and `/api/v1/users/` are one route).
 */
function routesOf(app: FastifyInstance): { method: string; url: string }[] {
  const out = new Map<string, { method: string; url: string }>();
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const at = line.indexOf('── ');
    if (at < 0) continue;
    const depth = (at - 1) / 4;
    const [segment = '', methods = ''] = line.slice(at + 3).split(' (');
    stack.length = depth;
    stack.push(segment);
    const joined = stack.join('');
    const url = joined.length > 1 ? joined.replace(/\/$/, '') : joined;
    for (const method of methods.replace(')', '').split(', ').filter(Boolean)) {
      if (method !== 'HEAD') out.set(`${method} ${url}`, { method, url });
    }
  }
  return [...out.values()];
}

const fastifyToOpenApi = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describe('OpenAPI document', () => {
  let s: TestServer;
  let doc: Doc;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    doc = s.app.swagger() as unknown as Doc;
  });
  afterAll(() => s.close());

  it('docs/openapi.json is what the app generates now (run `npm run openapi` after a route change)', async () => {
    const committed = readFileSync(OPENAPI_FILE, 'utf8');
    const generated = await renderOpenApi();
    expect(committed, 'docs/openapi.json is stale: run `npm run openapi`').toBe(generated);
    expect(JSON.parse(committed)).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it('is OpenAPI 3.1 with the server title, the package version and both credential schemes', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Keyholder sync server', version: pkg.version });
    expect(doc.components.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
      deviceCredential: expect.objectContaining({
        type: 'apiKey',
        in: 'header',
        name: 'Authorization',
      }),
    });
  });

  it('documents every route with a declared tag, a summary and a unique operationId', () => {
    const declared = new Set<string>(OPENAPI_TAGS.map((t) => t.name));
    const routes = routesOf(s.app).filter(
      ({ method, url }) =>
        !NOT_DOCUMENTED.some((re) => re.test(url) || re.test(`${method} ${url}`)),
    );
    expect(routes.length).toBeGreaterThan(50);
    const problems: string[] = [];
    const ids = new Set<string>();
    for (const { method, url } of routes) {
      const op = doc.paths[fastifyToOpenApi(url)]?.[method.toLowerCase()];
      if (!op) {
        problems.push(`${method} ${url}: not in the document`);
        continue;
      }
      if (!op.tags?.length || !op.tags.every((t) => declared.has(t))) {
        problems.push(`${method} ${url}: tags ${JSON.stringify(op.tags)} (declare them)`);
      }
      if (!op.summary) problems.push(`${method} ${url}: no summary in openapi-operations.ts`);
      if (!op.operationId || ids.has(op.operationId)) {
        problems.push(`${method} ${url}: operationId ${op.operationId} missing or repeated`);
      }
      ids.add(op.operationId ?? '');
    }
    expect(problems).toEqual([]);
    // And the document lists nothing else (hidden pages stay hidden).
    const documented = Object.entries(doc.paths).flatMap(([url, item]) =>
      Object.keys(item).map((m) => `${m.toUpperCase()} ${url}`),
    );
    expect(documented.sort()).toEqual(
      routes.map((r) => `${r.method} ${fastifyToOpenApi(r.url)}`).sort(),
    );
    // No summary for a route that no longer exists.
    const keys = new Set(routes.map((r) => `${r.method} ${r.url}`));
    expect(Object.keys(OPERATION_SUMMARIES).filter((k) => !keys.has(k))).toEqual([]);
  });

  it('says which credential each operation takes', () => {
    const op = (method: string, url: string) => doc.paths[url]![method]!;
    expect(op('post', '/api/v1/auth/sign-in').security).toBeUndefined();
    expect(op('post', '/api/v1/auth/refresh').security).toBeUndefined();
    expect(op('post', '/api/v1/sync/enroll').security).toBeUndefined();
    expect(op('get', '/health').security).toBeUndefined();
    expect(op('get', '/api/v1/stores').security).toEqual([{ bearerAuth: [] }]);
    expect(op('get', '/api/v1/users').security).toEqual([{ bearerAuth: [] }]);
    expect(op('get', '/api/v1/sync/pull').security).toEqual([{ deviceCredential: [] }]);
    expect(op('post', '/api/v1/sync/audit').security).toEqual([{ deviceCredential: [] }]);
    // Every operation describes its failures: its own codes, or the shared error body.
    for (const [url, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const codes = Object.keys(operation.responses ?? {});
        expect(
          codes.some((c) => c.startsWith('4')),
          `${method} ${url}`,
        ).toBe(true);
        expect(
          codes.some((c) => c.startsWith('5')),
          `${method} ${url}`,
        ).toBe(true);
      }
    }
    expect(op('get', '/api/v1/stores').responses?.['5XX']).toEqual({
      $ref: '#/components/responses/Error',
    });
  });

  it('serves Swagger UI at /docs from this server, within the CSP', async () => {
    const page = await s.app.inject({ url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    // Only external scripts, all from this server (no CDN, no inline code the CSP would block).
    const scripts = [...page.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs = '', body = ''] of scripts) {
      expect(attrs).toMatch(/src="\/docs\/static\/[\w.-]+\.js"/);
      expect(body.trim()).toBe('');
    }
    for (const [, src] of page.body.matchAll(/(?:src|href)="(\/docs\/static\/[^"]+)"/g)) {
      const asset = await s.app.inject({ url: src! });
      expect(asset.statusCode, src).toBe(200);
    }
    const init = await s.app.inject({ url: '/docs/static/swagger-initializer.js' });
    expect(init.headers['content-type']).toContain('javascript');
    const json = await s.app.inject({ url: '/docs/json' });
    expect(json.statusCode).toBe(200);
    expect(json.json()).toEqual(JSON.parse(JSON.stringify(doc)));
  });
});
