import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../support/server-harness';
import { nextStep, PASSWORD, totp } from '../auth/support/auth-helpers';
import {
  adminSession,
  secretsOf,
  seedStore,
  startPeopleServer,
  type PeopleServer,
  type Session,
} from './support/people-helpers';

/** The invitation flow over real HTTP on loopback, as a browser and the desktop would do it. */
describeEachDialect('people over real HTTP', (dialect) => {
  let server: PeopleServer;
  let admin: Session;
  let base: string;
  let store: string;
  beforeAll(async () => {
    server = await startPeopleServer(dialect);
    base = await server.s.app.listen({ host: '127.0.0.1', port: 0 });
    store = await seedStore(server.s, 'Downtown');
    admin = await adminSession(server);
  });
  afterAll(() => server.close());

  const json = (method: string, path: string, body?: unknown, token?: string) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('invites, follows the mailed link, activates and signs in', async () => {
    const created = await json(
      'POST',
      '/api/v1/users',
      {
        email: 'lou@example.com',
        username: 'lou',
        displayName: 'Lou',
        role: 'manager',
        storeIds: [store],
      },
      admin.tokens.accessToken,
    );
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const { path, token } = secretsOf(await server.mail.next('lou@example.com'));

    const page = await fetch(`${base}${path}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const script = await fetch(new URL('account.js', `${base}${path}`));
    expect(script.headers.get('content-type')).toContain('text/javascript');

    const start = await json('POST', '/api/v1/account/verification/start', { token });
    expect(start.status).toBe(200);
    expect(start.headers.get('cache-control')).toBe('no-store');
    const { totp: enrollment } = (await start.json()) as { totp: { secret: string } };
    const done = await json('POST', '/api/v1/account/verification/complete', {
      token,
      password: PASSWORD,
      totpCode: totp(enrollment.secret, server.clock),
    });
    expect(done.status).toBe(200);
    nextStep(server.clock);
    const signIn = await json('POST', '/api/v1/auth/sign-in', {
      email: 'lou@example.com',
      password: PASSWORD,
      totpCode: totp(enrollment.secret, server.clock),
    });
    expect(signIn.status).toBe(200);
    const { accessToken } = (await signIn.json()) as { accessToken: string };
    const profile = await json('GET', '/api/v1/profile', undefined, accessToken);
    expect(((await profile.json()) as { username: string }).username).toBe('lou');
  });
});
