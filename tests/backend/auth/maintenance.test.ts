import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MaintenanceService,
  scheduleMaintenance,
} from '../../../backend-sync/services/maintenance.service';
import { describeEachDialect } from '../support/server-harness';
import {
  bearer,
  expectGenericError,
  me,
  post,
  setUpAdmin,
  signIn,
  startAuthServer,
  type AuthServer,
} from './support/auth-helpers';

const DAY = 24 * 60 * 60 * 1000;

/**
 * The pruning job on the server's clock: refresh tokens go only once their family ended past
 * the retention (reuse detection keeps working for every family that could still be live), and
 * idempotency records only past theirs, in batches smaller than what is deleted.
 */
describeEachDialect('pruning past retention', (dialect) => {
  let server: AuthServer;
  let secret: string;
  const email = 'prune.admin@example.com';
  beforeAll(async () => {
    server = await startAuthServer(dialect, {
      REFRESH_TOKEN_TTL_DAYS: '30',
      REFRESH_TOKEN_RETENTION_DAYS: '7',
      IDEMPOTENCY_RETENTION_DAYS: '30',
      MAINTENANCE_BATCH_SIZE: '10',
    });
    ({ secret } = await setUpAdmin(server, email));
  });
  afterAll(() => server.s.close());

  const prune = () =>
    new MaintenanceService(server.s.database.db, server.clock, server.s.config).pruneOnce();
  const tokensOf = async (familyId: string) =>
    (
      await server.s.database.db
        .selectFrom('refresh_tokens')
        .select('token_hash')
        .where('family_id', '=', familyId)
        .execute()
    ).length;
  const family = (familyId: string) =>
    server.s.database.db
      .selectFrom('refresh_families')
      .selectAll()
      .where('id', '=', familyId)
      .executeTakeFirst();
  const sid = (accessToken: string) => decodeJwt(accessToken).sid as string;

  it('keeps the spent tokens of a live family: a reuse still revokes it', async () => {
    const { s, clock } = server;
    const live = await signIn(server, email, secret);
    const rotated = (await post(s, '/refresh', { refreshToken: live.refreshToken })).json();
    const signedOut = await signIn(server, email, secret);
    expect((await post(s, '/sign-out', {}, bearer(signedOut.accessToken))).statusCode).toBe(204);
    // 8 days on: the signed-out family ended past the retention, the live one has 22 days left.
    clock.advance(8 * DAY);
    const fresh = (await post(s, '/refresh', { refreshToken: rotated.refreshToken })).json();
    const pruned = await prune();
    expect(pruned.refreshTokens).toBeGreaterThanOrEqual(1);
    expect(await family(sid(signedOut.accessToken))).toBeUndefined();
    expect(await tokensOf(sid(live.accessToken))).toBe(3);
    // The first, long spent, token comes back: the family is revoked, its newest token too.
    expectGenericError(await post(s, '/refresh', { refreshToken: live.refreshToken }), 401);
    expect((await family(sid(live.accessToken)))?.revoked_reason).toBe('refresh_reuse');
    expect(await me(s, fresh.accessToken)).toBe(401);
    // Revoked now: kept for the retention, then gone with its tokens.
    clock.advance(6 * DAY);
    await prune();
    expect(await tokensOf(sid(live.accessToken))).toBe(3);
    clock.advance(2 * DAY);
    await prune();
    expect(await tokensOf(sid(live.accessToken))).toBe(0);
    expect(await family(sid(live.accessToken))).toBeUndefined();
  });

  it('an expired family goes once the retention after its end has passed', async () => {
    const { s, clock } = server;
    const tokens = await signIn(server, email, secret);
    let refresh = tokens.refreshToken;
    // More spent tokens than one batch deletes.
    for (let i = 0; i < 24; i++) {
      refresh = (await post(s, '/refresh', { refreshToken: refresh })).json().refreshToken;
    }
    clock.advance(30 * DAY + 6 * DAY);
    await prune();
    expect(await tokensOf(sid(tokens.accessToken))).toBe(25);
    clock.advance(2 * DAY);
    const pruned = await prune();
    expect(pruned.refreshTokens).toBe(25);
    expect(await family(sid(tokens.accessToken))).toBeUndefined();
  });

  it('idempotency records go past their window, in batches; recent ones stay', async () => {
    const { s, clock } = server;
    const now = clock.nowMs();
    const row = (key: string, createdAt: number) => ({
      device_id: 'till-1',
      key,
      request_hash: 'a1:0',
      state: 'done' as const,
      response: '{}',
      created_at: createdAt,
    });
    const old = Array.from({ length: 25 }, (_, i) => row(`old-${i}`, now - 31 * DAY));
    const recent = [row('recent-1', now - 29 * DAY), row('recent-2', now - 1000)];
    await s.database.db
      .insertInto('idempotency_keys')
      .values([...old, ...recent])
      .execute();
    const pruned = await prune();
    expect(pruned.idempotencyKeys).toBe(25);
    const left = await s.database.db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('device_id', '=', 'till-1')
      .orderBy('key')
      .execute();
    expect(left.map((r) => r.key)).toEqual(['recent-1', 'recent-2']);
  });
});

describe('the pruning schedule', () => {
  it('runs again after each run, a failed one too, and stops', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const secondRun = new Promise<void>((resolve) => (release = resolve));
    const failures: unknown[] = [];
    const schedule = scheduleMaintenance(
      {
        pruneOnce: async () => {
          runs += 1;
          if (runs === 1) throw new Error('database away');
          release();
          return { refreshTokens: 0, refreshFamilies: 0, idempotencyKeys: 0 };
        },
      },
      1,
      { done: () => undefined, failed: (error) => failures.push(error) },
    );
    await secondRun;
    await schedule.stop();
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(failures).toHaveLength(1);
  });
});
