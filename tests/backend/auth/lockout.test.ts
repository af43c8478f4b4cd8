import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { throttleDelayMs } from '../../../common/auth/lockout-schedule';
import { throttleDelayMs as desktopThrottleDelayMs } from '../../../electron/core/auth/lockout';
import { describeEachDialect } from '../support/server-harness';
import {
  auditActions,
  expectGenericError,
  nextStep,
  PASSWORD,
  post,
  setUpAdmin,
  signIn,
  startAuthServer,
  totp,
  type AuthServer,
} from './support/auth-helpers';

it('uses the desktop schedule for the progressive delay', () => {
  expect(desktopThrottleDelayMs).toBe(throttleDelayMs);
  expect([1, 2, 3, 4, 5, 20].map(throttleDelayMs)).toEqual([0, 0, 1000, 2000, 4000, 30000]);
});

/** What a client sees: status, error code, and Retry-After — never the request id. */
function seen(r: LightMyRequestResponse): string {
  const body = r.json() as { error?: { code: string; message: string } };
  return `${r.statusCode} ${body.error?.code} ${body.error?.message} retry=${r.headers['retry-after'] ?? '-'}`;
}

describeEachDialect('sign-in lockout', (dialect) => {
  let server: AuthServer;
  let secret: string;
  let userId: string;
  const email = 'locked@example.com';
  beforeAll(async () => {
    server = await startAuthServer(dialect);
    ({ secret, userId } = await setUpAdmin(server, email));
  });
  afterAll(() => server.s.close());

  /** Ten wrong passwords, waiting out each progressive delay; returns what each answer looked like. */
  async function tenFailures(address: string): Promise<string[]> {
    const answers: string[] = [];
    for (let i = 1; i <= 10; i++) {
      const r = await post(server.s, '/sign-in', {
        email: address,
        password: `wrong password ${i}`,
        totpCode: '123456',
      });
      answers.push(seen(r));
      server.clock.advance(throttleDelayMs(i));
    }
    return answers;
  }

  it('delays after two failures, then locks at ten for 15 minutes — across a restart', async () => {
    const { clock } = server;
    const attempt = () =>
      post(server.s, '/sign-in', { email, password: PASSWORD, totpCode: totp(secret, clock) });

    for (let i = 1; i <= 3; i++) {
      const r = await post(server.s, '/sign-in', { email, password: 'nope', totpCode: '123456' });
      expectGenericError(r, 401, 'invalid_credentials');
    }
    // Third failure: 1 s before the next attempt is even considered, right password or not.
    const throttled = await attempt();
    expectGenericError(throttled, 429, 'throttled');
    expect(throttled.headers['retry-after']).toBe('1');
    clock.advance(1000);
    for (let i = 4; i <= 10; i++) {
      const r = await post(server.s, '/sign-in', { email, password: 'nope', totpCode: '123456' });
      expectGenericError(r, 401, 'invalid_credentials');
      clock.advance(throttleDelayMs(i));
    }

    // Locked: the right password and a fresh code are refused, and a restart changes nothing.
    nextStep(clock);
    expectGenericError(await attempt(), 429, 'account_locked');
    await server.s.restart();
    nextStep(clock);
    const locked = await attempt();
    expectGenericError(locked, 429, 'account_locked');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(13 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    // Attempts while locked neither count nor extend the lock.
    for (let i = 0; i < 5; i++) {
      clock.advance(60_000);
      expectGenericError(await attempt(), 429, 'account_locked');
    }
    clock.advance(retryAfter * 1000 - 5 * 60_000);
    const tokens = await signIn(server, email, secret);
    expect(tokens.accessToken).toBeTruthy();
    // Success clears the counter: the next failure is a first failure again (no delay).
    await post(server.s, '/sign-in', { email, password: 'nope', totpCode: '123456' });
    expect((await attempt()).statusCode).not.toBe(429);

    const actions = await auditActions(server.s, userId);
    expect(actions.filter((a) => a === 'auth.lockout:failure:')).toHaveLength(1);
    expect(actions).toContain('auth.sign_in:denied:locked');
    expect(actions).toContain('auth.sign_in:denied:throttled');
  });

  it('treats an unknown address exactly like a real account', async () => {
    const known = await setUpAdmin(server, 'known@example.com');
    expect(known.secret).toBeTruthy();
    const real = await tenFailures('known@example.com');
    const unknown = await tenFailures('ghost@example.com');
    expect(unknown).toEqual(real);
    await server.s.restart();
    const after = [
      seen(
        await post(server.s, '/sign-in', {
          email: 'known@example.com',
          password: 'x',
          totpCode: '1',
        }),
      ),
      seen(
        await post(server.s, '/sign-in', {
          email: 'ghost@example.com',
          password: 'x',
          totpCode: '1',
        }),
      ),
    ];
    // Same answer; only the time left differs (the real account was locked first).
    expect(after[0]).toMatch(/^429 account_locked .* retry=\d+$/);
    expect(after[1]?.replace(/retry=\d+/, '')).toEqual(after[0]?.replace(/retry=\d+/, ''));
    const ghost = await server.s.database.db
      .selectFrom('server_audit')
      .select(['action', 'details'])
      .where('action', '=', 'auth.lockout')
      .where('target_id', 'is', null)
      .execute();
    expect(ghost.map((g) => JSON.parse(g.details).email)).toEqual(['ghost@example.com']);
  });

  it('takes about as long for an unknown address as for a wrong password', async () => {
    const once = async (email: string) => {
      server.clock.advance(20 * 60_000); // clear any delay or lock from earlier attempts
      const started = performance.now();
      await post(server.s, '/sign-in', { email, password: 'wrong password', totpCode: '123456' });
      return performance.now() - started;
    };
    for (let i = 0; i < 7; i++) await setUpAdmin(server, `${i}timing@example.com`);
    // Interleaved, so a busy moment of the machine falls on both kinds alike; medians of 7.
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i++) {
      known.push(await once(`${i}timing@example.com`));
      unknown.push(await once(`${i}nobody-timing@example.com`));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[3]!;
    const ratio = median(unknown) / median(known);
    // Both pay one argon2id verify (~tens of ms); a skipped hash would be ~100x faster.
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(2.5);
  });
});
