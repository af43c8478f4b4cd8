// Parallel guesses at one account: each attempt is counted before its password is checked
// (LockoutService.claimAttempt), so a burst of wrong passwords gets exactly as many argon2id
// checks as the delay schedule and the lock allow, whatever the concurrency; before, every
// request of a burst read the same count and all were checked.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PasswordHasher } from '../../../backend-sync/auth/password-hasher';
import { FakeClock } from '../../support/fake-clock';
import { describeEachDialect, startTestServer } from '../support/server-harness';
import {
  bearer,
  NO_LIMITS,
  PASSWORD,
  post,
  setUpAdmin,
  signIn,
  type AuthServer,
} from './support/auth-helpers';

/** The real hasher, counting the verifies it is asked for (one per password checked). */
class CountingHasher extends PasswordHasher {
  verifies = 0;
  override verify(stored: string | null, password: string): Promise<boolean> {
    this.verifies += 1;
    return super.verify(stored, password);
  }
}

const BURST = 50;

describeEachDialect('parallel wrong passwords', (dialect) => {
  let server: AuthServer;
  let hasher: CountingHasher;
  let userId: string;
  const email = 'burst@example.com';
  beforeAll(async () => {
    const clock = new FakeClock();
    hasher = new CountingHasher();
    server = { s: await startTestServer(dialect, NO_LIMITS, { clock, hasher }), clock };
    ({ userId } = await setUpAdmin(server, email));
  });
  afterAll(() => server.s.close());

  const burst = async (address: string) => {
    const before = hasher.verifies;
    const answers = await Promise.all(
      Array.from({ length: BURST }, () =>
        post(server.s, '/sign-in', {
          email: address,
          password: 'wrong guess 1',
          totpCode: '000000',
        }),
      ),
    );
    return { checked: hasher.verifies - before, codes: answers.map((a) => a.statusCode) };
  };
  const counter = async (subject: string) =>
    await server.s.database.db
      .selectFrom('sign_in_failures')
      .selectAll()
      .where('subject', '=', subject)
      .executeTakeFirst();

  it('checks only the free attempts of a burst, and refuses the rest unchecked', async () => {
    const { checked, codes } = await burst(email);
    // Two free failures, and the third is allowed at once; the fourth must wait a second.
    expect(checked).toBe(3);
    expect(codes.filter((c) => c === 401)).toHaveLength(3);
    expect(codes.filter((c) => c === 429)).toHaveLength(BURST - 3);
    expect(Number((await counter(`u:${userId}`))?.failures)).toBe(3);
  });

  it('bursts reach the lock at exactly the threshold, and a locked account is never checked', async () => {
    let checked = 3;
    for (let round = 0; round < 12; round++) {
      server.clock.advance(31_000); // past the longest delay, before the lock
      checked += (await burst(email)).checked;
    }
    expect(checked).toBe(10); // Standard for admins: locked at the tenth failure
    const row = await counter(`u:${userId}`);
    expect(Number(row?.failures)).toBe(10);
    expect(row?.locked_until).not.toBeNull();
    const lockouts = await server.s.database.db
      .selectFrom('server_audit')
      .select('action')
      .where('action', '=', 'auth.lockout')
      .where('target_id', '=', userId)
      .execute();
    expect(lockouts).toHaveLength(1);
  });

  it('an unknown address meets the same schedule', async () => {
    const { checked } = await burst('nobody@example.com');
    expect(checked).toBe(3);
  });
});

describeEachDialect('parallel wrong current passwords at a password change', (dialect) => {
  it('are counted before their hash like sign-ins: a burst with a stolen session gets the schedule', async () => {
    const clock = new FakeClock();
    const hasher = new CountingHasher();
    const server = { s: await startTestServer(dialect, NO_LIMITS, { clock, hasher }), clock };
    try {
      const email = 'change@example.com';
      const { userId, secret } = await setUpAdmin(server, email);
      const { accessToken } = await signIn(server, email, secret);
      const before = hasher.verifies;
      const answers = await Promise.all(
        Array.from({ length: BURST }, () =>
          post(
            server.s,
            '/password',
            { currentPassword: 'a stolen session guesses', newPassword: 'whatever comes next 9' },
            bearer(accessToken),
          ),
        ),
      );
      const codes = answers.map((a) => a.statusCode);
      expect(hasher.verifies - before).toBe(3);
      expect(codes.filter((c) => c === 400)).toHaveLength(3);
      expect(codes.filter((c) => c === 429)).toHaveLength(BURST - 3);
      const counted = await server.s.database.db
        .selectFrom('sign_in_failures')
        .selectAll()
        .where('subject', '=', `u:${userId}`)
        .executeTakeFirst();
      expect(Number(counted?.failures)).toBe(3);
      // The right password afterwards (past the delay) changes it, and clears the counter.
      clock.advance(31_000);
      const right = await post(
        server.s,
        '/password',
        { currentPassword: PASSWORD, newPassword: 'a brand new pass phrase 77' },
        bearer(accessToken),
      );
      expect(right.statusCode, right.body).toBe(204);
      const row = await server.s.database.db
        .selectFrom('sign_in_failures')
        .selectAll()
        .where('subject', '=', `u:${userId}`)
        .executeTakeFirst();
      expect(row).toBeUndefined();
    } finally {
      await server.s.close();
    }
  });
});
