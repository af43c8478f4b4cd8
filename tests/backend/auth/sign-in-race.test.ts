import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../support/server-harness';
import {
  auditActions,
  authRowCounts,
  expectGenericError,
  nextStep,
  PASSWORD,
  post,
  setUpAdmin,
  startAuthServer,
  totp,
  type AuthServer,
} from './support/auth-helpers';

describeEachDialect('one TOTP code, two sign-ins at once', (dialect) => {
  let server: AuthServer;
  let secret: string;
  let userId: string;
  const email = 'race@example.com';
  beforeAll(async () => {
    server = await startAuthServer(dialect);
    ({ secret, userId } = await setUpAdmin(server, email));
  });
  afterAll(() => server.s.close());

  it('lets exactly one in: the other is a replay, counted and audited', async () => {
    nextStep(server.clock);
    const body = { email, password: PASSWORD, totpCode: totp(secret, server.clock) };
    const before = await authRowCounts(server.s);
    const answers = await Promise.all([
      post(server.s, '/sign-in', body),
      post(server.s, '/sign-in', body),
      post(server.s, '/sign-in', body),
    ]);
    const ok = answers.filter((r) => r.statusCode === 200);
    expect(ok).toHaveLength(1);
    for (const r of answers.filter((a) => a.statusCode !== 200)) expectGenericError(r, 401);
    const after = await authRowCounts(server.s);
    // One session, with its one refresh token: nothing of the refused ones was stored.
    expect((after.refresh_families ?? 0) - (before.refresh_families ?? 0)).toBe(1);
    expect((after.refresh_tokens ?? 0) - (before.refresh_tokens ?? 0)).toBe(1);
    const signIns = (await auditActions(server.s, userId)).filter((a) =>
      a.startsWith('auth.sign_in'),
    );
    expect(signIns.slice(-3).sort()).toEqual([
      'auth.sign_in:failure:replayed_code',
      'auth.sign_in:failure:replayed_code',
      'auth.sign_in:success:',
    ]);
    const counters = await server.s.database.db
      .selectFrom('sign_in_failures')
      .select('failures')
      .where('subject', '=', `u:${userId}`)
      .execute();
    expect(counters.map((r) => Number(r.failures))).toEqual([2]);
  });
});
