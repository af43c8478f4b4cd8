import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pseudonymOf } from '../../../backend-sync/people/gdpr.service';
import { describeEachDialect } from '../support/server-harness';
import { expectGenericError, me, PASSWORD, post, signIn } from '../auth/support/auth-helpers';
import {
  activeSession,
  adminSession,
  auditOf,
  call,
  changeSeqOf,
  seedStore,
  startPeopleServer,
  type PeopleServer,
  type Session,
} from './support/people-helpers';

describeEachDialect('people: GDPR export and erasure', (dialect) => {
  let server: PeopleServer;
  let admin: Session;
  let gus: Session;
  let store: string;
  const deviceId = randomUUID();

  /** A store audit row as a store PC would have uploaded it. */
  const storeEvent = (
    seq: number,
    e: {
      actorId: string | null;
      actorName: string | null;
      targetId: string | null;
      targetName: string | null;
      details: Record<string, unknown>;
    },
  ) => ({
    device_id: deviceId,
    seq,
    store_id: store,
    at: 1_000 + seq,
    actor_id: e.actorId,
    actor_name: e.actorName,
    action: 'auth.sign_in',
    target_id: e.targetId,
    target_name: e.targetName,
    outcome: 'success',
    details: JSON.stringify(e.details),
    prev_hash: '0'.repeat(64),
    hash: String(seq).padStart(64, 'a'),
    mac: '0'.repeat(64),
    received_at: 2_000,
  });

  beforeAll(async () => {
    server = await startPeopleServer(dialect);
    store = await seedStore(server.s, 'Downtown');
    admin = await adminSession(server);
    gus = await activeSession(server, admin.tokens.accessToken, {
      email: 'gus@example.com',
      username: 'gus.g',
      displayName: 'Gus Grant',
      role: 'manager',
      storeIds: [store],
    });
    await server.s.database.db
      .insertInto('audit_events')
      .values([
        storeEvent(1, {
          actorId: gus.userId,
          actorName: 'gus.g',
          targetId: gus.userId,
          targetName: 'Gus Grant',
          details: { method: 'password+totp', note: 'Gus Grant at register 2' },
        }),
        storeEvent(2, {
          actorId: null,
          actorName: null,
          targetId: null,
          targetName: 'gus.g',
          details: { reason: 'bad_password' },
        }),
        storeEvent(3, {
          actorId: admin.userId,
          actorName: 'Ada Admin',
          targetId: admin.userId,
          targetName: 'Ada Admin',
          details: { note: 'Augustus Grantham signed in for gus.g@elsewhere? no: for Gus Grant' },
        }),
        storeEvent(4, {
          actorId: admin.userId,
          actorName: 'Ada Admin',
          targetId: randomUUID(),
          targetName: 'Gussie Grant',
          details: { note: 'unrelated' },
        }),
      ])
      .execute();
  });
  afterAll(() => server.close());

  const adminToken = async () => (await signIn(server, admin.email, admin.secret)).accessToken;

  it('exports one person’s data as JSON (no secrets), audited; admins only', async () => {
    const token = await adminToken();
    const r = await call(server.s, 'GET', `/users/${gus.userId}/export`, { token });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-disposition']).toBe(
      `attachment; filename="keyholder-person-${gus.userId}.json"`,
    );
    const data = r.json();
    expect(data).toMatchObject({
      format: 'keyholder-person-export/1',
      person: {
        id: gus.userId,
        email: 'gus@example.com',
        username: 'gus.g',
        displayName: 'Gus Grant',
        role: 'manager',
        status: 'active',
        totpEnabled: true,
        preferences: { securityAlerts: true },
      },
      stores: [{ id: store, name: 'Downtown' }],
    });
    expect(data.sessions.length).toBeGreaterThanOrEqual(1);
    expect(data.serverAudit.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['user.create', 'user.verify', 'auth.sign_in']),
    );
    expect(data.storeAudit.map((e: { seq: number }) => e.seq)).toEqual([1]);
    const secrets = await server.s.database.db
      .selectFrom('users')
      .select(['password_hash', 'totp_secret'])
      .where('id', '=', gus.userId)
      .executeTakeFirstOrThrow();
    expect(r.body).not.toContain(secrets.password_hash!);
    expect(r.body).not.toContain(secrets.totp_secret!);
    expect(r.body).not.toMatch(/argon2|password_hash|totp_secret|refreshToken/i);
    expect(await auditOf(server.s, 'gdpr.export', gus.userId)).toMatchObject([
      { actorId: admin.userId, details: { storeAuditEntries: 1 } },
    ]);
    // A manager (even of the person's store) cannot export.
    const manager = await signIn(server, gus.email, gus.secret);
    expectGenericError(
      await call(server.s, 'GET', `/users/${admin.userId}/export`, { token: manager.accessToken }),
      403,
      'forbidden',
    );
  });

  it('erases a person: credentials and PII gone, a tombstone for the stores, audit pseudonymised', async () => {
    const { s } = server;
    const token = await adminToken();
    const live = await signIn(server, gus.email, gus.secret);
    // A pending email change is personal data too.
    await call(s, 'POST', '/profile/email', {
      token: live.accessToken,
      body: { newEmail: 'gus.private@example.com', currentPassword: PASSWORD },
    });
    await server.mail.next('gus.private@example.com');
    const seq = await changeSeqOf(s, gus.userId);
    // A store PC reported a code of theirs (the cross-device reuse check keeps such rows).
    await s.database.db
      .insertInto('totp_step_uses')
      .values({ person_id: gus.userId, step: 59_000_000, device_id: 'till-1', seq: 1, at: 1 })
      .execute();

    expectGenericError(
      await call(s, 'POST', `/users/${gus.userId}/erase`, {
        token,
        body: { confirmEmail: 'someone@example.com' },
      }),
      400,
      'confirmation_mismatch',
    );
    expect(await me(s, live.accessToken)).toBe(200);

    const r = await call(s, 'POST', `/users/${gus.userId}/erase`, {
      token,
      body: { confirmEmail: ' GUS@example.com' },
    });
    expect(r.statusCode, r.body).toBe(200);
    const pseudonym = pseudonymOf(gus.userId);
    expect(r.json()).toEqual({ id: gus.userId, pseudonym, erasedAt: expect.any(Number) });
    expect(pseudonym).toMatch(/^erased-[0-9a-f]{12}$/);

    // Sessions die at once.
    expect(await me(s, live.accessToken)).toBe(401);
    expectGenericError(await post(s, '/refresh', { refreshToken: live.refreshToken }), 401);

    // The tombstone: no credentials, no PII, disabled, a new change_seq, stores kept.
    const row = await s.database.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', gus.userId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      email: `${pseudonym}@erased.invalid`,
      username: pseudonym,
      display_name: pseudonym,
      status: 'disabled',
      password_hash: null,
      totp_secret: null,
      email_verified_at: null,
      preferences: '{}',
    });
    expect(row.erased_at).toEqual(expect.any(Number));
    expect(await changeSeqOf(s, gus.userId)).toBeGreaterThan(seq);
    const stores = await s.database.db
      .selectFrom('user_stores')
      .select('store_id')
      .where('user_id', '=', gus.userId)
      .execute();
    expect(stores).toEqual([{ store_id: store }]);
    for (const table of ['refresh_families', 'one_time_tokens'] as const) {
      const n = await s.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', gus.userId)
        .executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(0);
    }
    const uses = await s.database.db
      .selectFrom('totp_step_uses')
      .select('step')
      .where('person_id', '=', gus.userId)
      .execute();
    expect(uses).toEqual([]);

    // Audit kept, pseudonymised: nothing anywhere names Gus any more.
    const events = await s.database.db
      .selectFrom('audit_events')
      .selectAll()
      .orderBy('seq')
      .execute();
    expect(events).toHaveLength(4);
    expect(events[0]).toMatchObject({ actor_name: pseudonym, target_name: pseudonym });
    expect(JSON.parse(events[0]!.details)).toEqual({
      method: 'password+totp',
      note: `${pseudonym} at register 2`,
    });
    expect(events[1]).toMatchObject({ actor_name: null, target_name: pseudonym });
    // Someone else's entry: only whole mentions of Gus are replaced.
    expect(events[2]).toMatchObject({ actor_name: 'Ada Admin', target_name: 'Ada Admin' });
    expect(JSON.parse(events[2]!.details).note).toBe(
      `Augustus Grantham signed in for ${pseudonym}@elsewhere? no: for ${pseudonym}`,
    );
    expect(events[3]).toMatchObject({
      target_name: 'Gussie Grant',
      details: '{"note":"unrelated"}',
    });
    // Hash and MAC columns are untouched (the chain links stay as uploaded).
    expect(events[0]!.hash).toBe('1'.padStart(64, 'a'));

    const serverAudit = JSON.stringify(
      await s.database.db.selectFrom('server_audit').selectAll().execute(),
    );
    for (const pii of ['gus@example.com', 'gus.private@example.com', 'Gus Grant', '"gus.g"']) {
      expect(serverAudit).not.toContain(pii);
    }
    const allEvents = JSON.stringify(events);
    for (const pii of ['gus@example.com', '"Gus Grant"', '"gus.g"']) {
      expect(allEvents).not.toContain(pii);
    }
    expect((await auditOf(s, 'gdpr.erase', gus.userId))[0]).toMatchObject({
      actorId: admin.userId,
      details: { pseudonym },
    });

    // Gone from every people route; the address is free for a new invitation.
    expectGenericError(await call(s, 'GET', `/users/${gus.userId}`, { token }), 404, 'not_found');
    expectGenericError(
      await call(s, 'GET', `/users/${gus.userId}/export`, { token }),
      404,
      'not_found',
    );
    // Erasing again is idempotent (tests/backend/people/erasure-after-upload.test.ts).
    const twice = await call(s, 'POST', `/users/${gus.userId}/erase`, {
      token,
      body: { confirmEmail: `${pseudonym}@erased.invalid` },
    });
    expect(twice.json()).toEqual(r.json());
    const list = await call(s, 'GET', '/users', { token });
    expect(list.body).not.toContain(gus.userId);
    const again = await call(s, 'POST', '/users', {
      token,
      body: {
        email: 'gus@example.com',
        username: 'gus.g',
        displayName: 'Gus Grant',
        role: 'viewer',
        storeIds: [store],
      },
    });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().id).not.toBe(gus.userId);
  });

  it('refuses to erase yourself', async () => {
    const token = await adminToken();
    expectGenericError(
      await call(server.s, 'POST', `/users/${admin.userId}/erase`, {
        token,
        body: { confirmEmail: admin.email },
      }),
      409,
      'own_account',
    );
  });
});
