import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../support/server-harness';
import {
  AUTH,
  authRowCounts,
  bearer,
  expectGenericError,
  post,
  setUpAdmin,
  signIn,
  startAuthServer,
  type AuthServer,
} from './support/auth-helpers';

const GENERIC_MESSAGES = ['The request is not valid.', 'Sign in again.'];

describeEachDialect('auth request boundaries', (dialect) => {
  let server: AuthServer;
  let accessToken: string;
  beforeAll(async () => {
    server = await startAuthServer(dialect);
    const { secret } = await setUpAdmin(server, 'edge@example.com');
    ({ accessToken } = await signIn(server, 'edge@example.com', secret));
  });
  afterAll(() => server.s.close());

  const valid: Record<string, Record<string, unknown>> = {
    '/sign-in': { email: 'edge@example.com', password: 'correct horse', totpCode: '123456' },
    '/setup/start': { email: 'edge@example.com', setupCode: 'AAAA' },
    '/setup/complete': {
      email: 'edge@example.com',
      setupCode: 'AAAA',
      password: 'correct horse',
      totpCode: '123456',
    },
    '/refresh': { refreshToken: 'khr_x' },
    '/password': { currentPassword: 'correct horse', newPassword: 'another horse' },
  };

  /** Raw bodies that must all be refused before any handler runs. */
  function badBodies(route: string): { name: string; body: string; type?: string }[] {
    const base = valid[route]!;
    const [firstKey] = Object.keys(base);
    const json = (v: unknown) => JSON.stringify(v);
    const mib = 1024 * 1024;
    const prefix = `{"${firstKey}":"`;
    const suffix = '"}';
    return [
      { name: 'wrong type', body: json({ ...base, [firstKey!]: 12345 }) },
      { name: 'null field', body: json({ ...base, [firstKey!]: null }) },
      { name: 'missing field', body: json(Object.fromEntries(Object.entries(base).slice(1))) },
      { name: 'unknown field', body: json({ ...base, role: 'admin' }) },
      { name: '__proto__ key', body: `${json(base).slice(0, -1)},"__proto__":{"role":"admin"}}` },
      {
        name: 'constructor.prototype',
        body: `${json(base).slice(0, -1)},"constructor":{"prototype":{"role":"admin"}}}`,
      },
      { name: 'array', body: json([base]) },
      { name: 'string', body: json('hello') },
      { name: 'broken JSON', body: '{"email": ' },
      { name: 'empty JSON', body: '' },
      {
        name: '1 MiB + 1 bytes',
        body: prefix + 'a'.repeat(mib + 1 - prefix.length - suffix.length) + suffix,
      },
      { name: 'text/plain', body: json(base), type: 'text/plain' },
      { name: 'form', body: 'email=a%40b.example', type: 'application/x-www-form-urlencoded' },
      { name: 'over-long string', body: json({ ...base, [firstKey!]: 'x'.repeat(5000) }) },
    ];
  }

  it('answers bad bodies with a generic 4xx, never a 500, and writes nothing', async () => {
    const { s } = server;
    const before = await authRowCounts(s);
    for (const route of Object.keys(valid)) {
      for (const bad of badBodies(route)) {
        const r = await s.app.inject({
          method: 'POST',
          url: `${AUTH}${route}`,
          payload: bad.body,
          headers: { 'content-type': bad.type ?? 'application/json', ...bearer(accessToken) },
        });
        const label = `${route} ${bad.name} → ${r.statusCode} ${r.body.slice(0, 200)}`;
        expect(r.statusCode, label).toBeGreaterThanOrEqual(400);
        expect(r.statusCode, label).toBeLessThan(500);
        expectGenericError(r, r.statusCode);
        expect(GENERIC_MESSAGES, label).toContain(r.json().error.message);
        if (bad.name === '1 MiB + 1 bytes') expect(r.statusCode, label).toBe(413);
        if (bad.type === 'text/plain') expect(r.statusCode, label).toBe(415);
      }
    }
    expect(await authRowCounts(s)).toEqual(before);
    // The prototype was not polluted along the way.
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  });

  it('keeps routes that need a session closed without one, whatever the body', async () => {
    for (const path of ['/sign-out', '/sign-out-everywhere', '/password']) {
      const r = await post(server.s, path, path === '/password' ? valid['/password'] : undefined);
      expectGenericError(r, 401, 'unauthorized');
    }
  });
});

/** Well-formed, so the refusal is audited with the client's address; known to nobody. */
const UNKNOWN_REFRESH = `khr_${'A'.repeat(43)}`;

describeEachDialect('auth rate limits', (dialect) => {
  it('limits sign-in per address; X-Forwarded-For does not open new buckets', async () => {
    const server = await startAuthServer(dialect, {
      AUTH_RATE_LIMIT_PER_MINUTE: '3',
      TRUST_PROXY: 'false',
    });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await post(
          server.s,
          '/sign-in',
          { email: `user${i}@example.com`, password: 'wrong password', totpCode: '123456' },
          { 'x-forwarded-for': `203.0.113.${i + 1}` },
        );
        codes.push(r.statusCode);
        if (r.statusCode === 429) {
          expectGenericError(r, 429, 'rate_limited');
          expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
        }
      }
      expect(codes).toEqual([401, 401, 401, 429, 429]);
      // Malformed bodies count too (the limit runs before parsing).
      const refresh = [];
      for (let i = 0; i < 4; i++) {
        refresh.push((await post(server.s, '/refresh', { nope: true })).statusCode);
      }
      expect(refresh).toEqual([400, 400, 400, 429]);
    } finally {
      await server.s.close();
    }
  });

  it('limits sign-in per account across addresses (behind a trusted proxy)', async () => {
    const server = await startAuthServer(dialect, {
      AUTH_RATE_LIMIT_PER_MINUTE: '3',
      TRUST_PROXY: '1',
    });
    try {
      const codes: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await post(
          server.s,
          '/sign-in',
          { email: 'target@example.com', password: `guess ${i}`, totpCode: '123456' },
          { 'x-forwarded-for': `198.51.100.${i + 1}` },
        );
        codes.push(`${r.statusCode} ${r.json().error.code}`);
        server.clock.advance(60_000); // past any progressive delay (fake clock)
      }
      expect(codes).toEqual([
        '401 invalid_credentials',
        '401 invalid_credentials',
        '401 invalid_credentials',
        '429 rate_limited',
        '429 rate_limited',
      ]);
      // Another account from one of those addresses is still served.
      const other = await post(
        server.s,
        '/sign-in',
        { email: 'other@example.com', password: 'guess', totpCode: '123456' },
        { 'x-forwarded-for': '198.51.100.1' },
      );
      expect(other.statusCode).toBe(401);
    } finally {
      await server.s.close();
    }
  });

  // The proxy appends the address it received from; whatever the client wrote before that is
  // the client's own claim. Only the trusted hops' view counts.
  for (const [label, trustProxy] of [
    ['one proxy hop', '1'],
    ['the proxy by address', '127.0.0.1'],
    ['the proxy by range', '127.0.0.0/8, 10.0.0.0/8'],
  ] as const) {
    it(`keys the per-address limit on the client the proxy saw (${label}), not on a forged entry`, async () => {
      const server = await startAuthServer(dialect, {
        AUTH_RATE_LIMIT_PER_MINUTE: '3',
        TRUST_PROXY: trustProxy,
      });
      try {
        const codes: number[] = [];
        for (let i = 0; i < 5; i++) {
          const r = await post(
            server.s,
            '/refresh',
            { refreshToken: UNKNOWN_REFRESH },
            // A client-chosen first entry, new on every request; then the real client.
            { 'x-forwarded-for': `203.0.113.${i + 1}, 198.51.100.7` },
          );
          codes.push(r.statusCode);
        }
        expect(codes).toEqual([401, 401, 401, 429, 429]);
        // Another real client behind the same proxy has its own bucket.
        const other = await post(
          server.s,
          '/refresh',
          { refreshToken: UNKNOWN_REFRESH },
          { 'x-forwarded-for': '198.51.100.7, 198.51.100.8' },
        );
        expect(other.statusCode).toBe(401);
        // What the audit trail records as the client's address.
        const rows = await server.s.database.db
          .selectFrom('server_audit')
          .select('details')
          .where('action', '=', 'auth.refresh')
          .execute();
        expect(rows.map((r) => JSON.parse(r.details).ip)).toEqual([
          '198.51.100.7',
          '198.51.100.7',
          '198.51.100.7',
          '198.51.100.8',
        ]);
      } finally {
        await server.s.close();
      }
    });
  }

  it('ignores X-Forwarded-For from a peer that is not a listed proxy', async () => {
    const server = await startAuthServer(dialect, {
      AUTH_RATE_LIMIT_PER_MINUTE: '3',
      TRUST_PROXY: '10.0.0.5',
    });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await post(
          server.s,
          '/refresh',
          { refreshToken: UNKNOWN_REFRESH },
          // The test client (127.0.0.1) is not the proxy: its header is not believed.
          { 'x-forwarded-for': `198.51.100.${i + 1}` },
        );
        codes.push(r.statusCode);
      }
      expect(codes).toEqual([401, 401, 401, 429]);
    } finally {
      await server.s.close();
    }
  });
});
