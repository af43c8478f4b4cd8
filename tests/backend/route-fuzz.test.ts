import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYNC_API_PREFIX } from '../../common/sync/protocol';
import {
  createStore,
  enrollPc,
  startAdminApi,
  type AdminApi,
  type EnrolledPc,
} from './stores/support/admin-api';
import { describeEachDialect } from './support/server-harness';

/**
 * Every route in the OpenAPI document, asked as a signed-in admin (the sync routes as an
 * enrolled store PC) with hostile input in one
 * place at a time (a path parameter, a query parameter, a body field, the whole body): wrong
 * types, NUL, lone surrogates, huge and negative numbers, deep nesting, long values. No answer
 * is a 5xx, and every error is the one documented shape (plugins/error-handler.ts).
 */
interface Schema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  minLength?: number;
}
interface Operation {
  parameters?: { in: string; name: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
type Doc = { paths: Record<string, Record<string, Operation>> };

/** Percent-encoding that also sends a lone surrogate, as the bytes a hostile client would. */
function encode(value: string): string {
  return value
    .split(/([\ud800-\udfff])/)
    .map((part, i) =>
      i % 2 === 1
        ? `%ED%${(0xa0 + ((part.charCodeAt(0) >> 6) & 0x1f)).toString(16).toUpperCase()}%${(0x80 + (part.charCodeAt(0) & 0x3f)).toString(16).toUpperCase()}`
        : encodeURIComponent(part),
    )
    .join('');
}

/** 10,000 nested arrays, written as text: too deep for JSON.stringify in a test worker. */
const DEEP = '\u2063deep\u2063';
const DEEP_JSON = `${'['.repeat(10_000)}"leaf"${']'.repeat(10_000)}`;
const toJson = (payload: unknown) => JSON.stringify(payload).replaceAll(`"${DEEP}"`, DEEP_JSON);

function deep(levels: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

const HOSTILE: unknown[] = [
  'nul\u0000here',
  'lone\ud800',
  '\udfffstart',
  'x'.repeat(5000),
  1e308,
  -1,
  2 ** 53 + 2,
  8.64e15 + 1,
  -8.64e15 - 1,
  true,
  null,
  [],
  {},
  { nested: deep(50) },
  DEEP,
  { nested: DEEP },
];
const HOSTILE_TEXT = [
  'nul\u0000here',
  'lone\ud800',
  '1e308',
  '-1',
  '9007199254740993',
  'x'.repeat(3000),
];

/** A plausible value for a schema, so that one hostile field is what the route checks. */
function plausible(schema: Schema | undefined, storeId: string): unknown {
  if (!schema) return 'x';
  if (schema.enum?.length) return schema.enum[0];
  if (schema.anyOf?.length) return plausible(schema.anyOf[0], storeId);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([k, v]) => [k, plausible(v, storeId)]),
      );
    default:
      if (schema.format === 'email') return 'fuzz.person@example.com';
      if (schema.format === 'uuid') return storeId;
      return 'fuzz value';
  }
}

function expectNoServerError(r: LightMyRequestResponse, what: string): void {
  expect(r.statusCode, `${what}: ${r.body.slice(0, 300)}`).toBeLessThan(500);
  if (r.statusCode < 400) return;
  const body = r.json<{ error?: Record<string, unknown> }>();
  expect(Object.keys(body), what).toEqual(['error']);
  expect(body.error, what).toMatchObject({
    code: expect.any(String),
    message: expect.any(String),
    requestId: expect.any(String),
  });
  expect(r.body, what).not.toMatch(/\\u0000|stack|sql|select |FST_/i);
}

describeEachDialect('route fuzz: no 5xx, one error shape', (dialect) => {
  let api: AdminApi;
  let doc: Doc;
  let storeId: string;
  let pc: EnrolledPc;
  beforeAll(async () => {
    api = await startAdminApi(dialect);
    storeId = await createStore(api, 'Fuzz Street');
    pc = await enrollPc(api, storeId);
    doc = api.s.app.swagger() as unknown as Doc;
  });
  afterAll(() => api.s.close());

  // The sync routes as the enrolled store PC (with an idempotency key), the rest as the admin.
  let keys = 0;
  const send = (method: string, url: string, payload?: unknown) =>
    api.s.app.inject({
      method: method.toUpperCase() as 'GET',
      url,
      headers: {
        ...(url.startsWith(SYNC_API_PREFIX)
          ? { ...pc.auth, 'idempotency-key': `fuzz-${String((keys += 1)).padStart(6, '0')}` }
          : { authorization: `Bearer ${api.admin}` }),
        ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(payload !== undefined ? { payload: toJson(payload) } : {}),
    });

  const operations = () => {
    const out: { method: string; path: string; op: Operation }[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (['get', 'post', 'put', 'patch', 'delete'].includes(method))
          out.push({ method, path, op });
      }
    }
    // Whatever signs the admin out or erases an account runs last, so the rest is asked signed in.
    return out.sort(
      (a, b) =>
        Number(/sign-out|erase|gdpr|delete/.test(a.path)) -
        Number(/sign-out|erase|gdpr|delete/.test(b.path)),
    );
  };

  const fill = (path: string, params: Record<string, string>) =>
    path.replace(/\{(\w+)\}/g, (_m, name: string) => encode(params[name] ?? storeId));

  // (A lone surrogate cannot arrive in a URL: its UTF-8 bytes are invalid and decode to U+FFFD.)
  it('NUL in a search or path parameter: 400 in the one shape', async () => {
    for (const url of [
      '/api/v1/audit?person=a%00b',
      '/api/v1/users?q=a%00b',
      '/api/v1/users?store=%00',
      '/api/v1/audit/export?format=csv&person=%00',
      `/api/v1/stores/${'%00'.repeat(3)}`,
    ]) {
      const r = await send('get', url);
      expectNoServerError(r, url);
      expect(r.statusCode, url).toBe(400);
    }
  });

  it('hostile path parameters', async () => {
    let asked = 0;
    for (const { method, path } of operations()) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      for (const name of names) {
        for (const value of [...HOSTILE_TEXT, 'y'.repeat(600), randomUUID()]) {
          const url = fill(path, { [name]: value });
          expectNoServerError(
            await send(method, url, method === 'get' || method === 'delete' ? undefined : {}),
            `${method} ${path} ${name}`,
          );
          asked++;
        }
      }
    }
    expect(asked).toBeGreaterThan(20);
  });

  it('hostile query parameters', async () => {
    let asked = 0;
    for (const { method, path, op } of operations()) {
      for (const p of (op.parameters ?? []).filter((q) => q.in === 'query')) {
        for (const value of HOSTILE_TEXT) {
          const url = `${fill(path, {})}?${p.name}=${encode(value)}`;
          expectNoServerError(
            await send(method, url, method === 'get' || method === 'delete' ? undefined : {}),
            `${method} ${path} ?${p.name}`,
          );
          asked++;
        }
      }
    }
    expect(asked).toBeGreaterThan(20);
  });

  it('hostile bodies and body fields', async () => {
    let asked = 0;
    for (const { method, path, op } of operations()) {
      const schema = op.requestBody?.content?.['application/json']?.schema;
      if (!schema) continue;
      const url = fill(path, {});
      const base = plausible(schema, storeId) as Record<string, unknown>;
      for (const whole of HOSTILE) {
        expectNoServerError(await send(method, url, whole), `${method} ${path} body`);
        asked++;
      }
      for (const field of Object.keys(schema.properties ?? {})) {
        for (const value of HOSTILE) {
          expectNoServerError(
            await send(method, url, { ...base, [field]: value }),
            `${method} ${path} .${field}`,
          );
          asked++;
        }
      }
    }
    expect(asked).toBeGreaterThan(100);
  });
});
