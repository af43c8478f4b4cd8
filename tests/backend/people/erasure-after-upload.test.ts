import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../../backend-sync/clock';
import { pseudonymOf } from '../../../backend-sync/people/gdpr.service';
import { EnrollmentService } from '../../../backend-sync/sync/enrollment.service';
import type { AuditRecord } from '../../../common/audit/audit-record';
import { SYNC_API_PREFIX } from '../../../common/sync/protocol';
import { signIn } from '../auth/support/auth-helpers';
import { sign, signedChain } from '../support/audit-chain';
import { describeEachDialect } from '../support/server-harness';
import {
  activeSession,
  adminSession,
  call,
  seedStore,
  startPeopleServer,
  type PeopleServer,
  type Session,
} from './support/people-helpers';

/**
 * Erasure that holds (issue 15): a store PC that had not yet pulled an erasure uploads entries
 * naming the person afterwards; they are stored under the pseudonym, the chain still accepted.
 * An erasure asked again answers as the first did and repairs what was stored naming them.
 */
describeEachDialect('erasure: entries uploaded after it, and erasing again', (dialect) => {
  let server: PeopleServer;
  let admin: Session;
  let gus: Session;
  let credential: string;
  const deviceId = randomUUID();
  const macKey = randomBytes(32);
  let chain: AuditRecord[];

  /** The next entry of this PC's chain, about Gus as he was known at the PC. */
  const aboutGus = (action: AuditRecord['action'], details: Record<string, unknown>) => {
    const last = chain[chain.length - 1]!;
    const entry = sign(
      {
        seq: last.seq + 1,
        at: last.at + 1_000,
        deviceId,
        actorId: gus.userId,
        actorName: 'gus.g',
        action,
        targetId: gus.userId,
        targetName: 'gus.g',
        outcome: 'success',
        details,
        prevHash: last.hash,
      },
      macKey,
    );
    chain.push(entry);
    return entry;
  };
  let keys = 0;
  const upload = (entries: AuditRecord[]) =>
    server.s.app.inject({
      method: 'POST',
      url: `${SYNC_API_PREFIX}/audit`,
      headers: { authorization: `Device ${credential}`, 'idempotency-key': `erase-key-${keys++}` },
      payload: { entries },
    });
  const storedAbout = async () =>
    await server.s.database.db
      .selectFrom('audit_events')
      .select(['seq', 'actor_name', 'target_name', 'details', 'hash'])
      .where('device_id', '=', deviceId)
      .where('actor_id', '=', gus.userId)
      .orderBy('seq')
      .execute();

  beforeAll(async () => {
    server = await startPeopleServer(dialect);
    const store = await seedStore(server.s, 'Downtown');
    admin = await adminSession(server);
    gus = await activeSession(server, admin.tokens.accessToken, {
      email: 'gus@example.com',
      username: 'gus.g',
      displayName: 'Gus Grant',
      role: 'viewer',
      storeIds: [store],
    });
    const { code } = await new EnrollmentService(server.s.database.db, systemClock).issueCode(
      store,
      'admin',
    );
    const enrolled = await server.s.app.inject({
      method: 'POST',
      url: `${SYNC_API_PREFIX}/enroll`,
      payload: {
        code,
        deviceId,
        deviceName: 'Till 1',
        appVersion: '0.1.0',
        auditMacKey: macKey.toString('base64'),
      },
    });
    expect(enrolled.statusCode, enrolled.body).toBe(200);
    credential = enrolled.json<{ credential: string }>().credential;
    chain = signedChain(deviceId, macKey, 2);
    const firstUpload = await upload(chain);
    expect(firstUpload.statusCode, firstUpload.body).toBe(200);
  });
  afterAll(() => server.close());

  const erase = async () =>
    call(server.s, 'POST', `/users/${gus.userId}/erase`, {
      token: (await signIn(server, admin.email, admin.secret)).accessToken,
      body: { confirmEmail: 'gus@example.com' },
    });

  it('stores entries that arrive after the erasure under the pseudonym, chain accepted', async () => {
    const before = aboutGus('auth.sign_in', { method: 'password+totp' });
    expect((await upload([before])).statusCode).toBe(200);
    const first = await erase();
    expect(first.statusCode, first.body).toBe(200);
    const pseudonym = pseudonymOf(gus.userId);

    // The PC has not pulled yet: it removes Gus's account and records his session's end.
    const late = [
      aboutGus('auth.session_expired', { note: 'gus.g was still signed in at gus.g’s till' }),
      aboutGus('account.remove', { reason: 'removed by the sync server' }),
    ];
    const r = await upload(late);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ acknowledgedSeq: late[1]!.seq, stored: 2 });

    const rows = await storedAbout();
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row).toMatchObject({ actor_name: pseudonym, target_name: pseudonym });
      expect(row.details).not.toContain('gus.g');
    }
    expect(JSON.parse(rows[1]!.details)).toEqual({
      note: `${pseudonym} was still signed in at ${pseudonym}’s till`,
    });
    // Stored as the PC signed them: the chain's hashes are the PC's.
    expect(rows[2]!.hash).toBe(late[1]!.hash);
    // And the chain goes on from there.
    const next = signedChain(deviceId, macKey, 1, {
      startSeq: chain.length + 1,
      prevHash: chain[chain.length - 1]!.hash,
    });
    expect((await upload(next)).statusCode).toBe(200);
  });

  it('erasing again answers as the first time and repairs entries still naming the person', async () => {
    const pseudonym = pseudonymOf(gus.userId);
    // An entry stored naming him anyway (by a server version before this rule, say).
    await server.s.database.db
      .updateTable('audit_events')
      .set({ actor_name: 'gus.g', details: '{"note":"gus.g at the till"}' })
      .where('device_id', '=', deviceId)
      .where('seq', '=', 3)
      .execute();
    const again = await erase();
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual({
      id: gus.userId,
      pseudonym,
      erasedAt: expect.any(Number),
    });
    const rows = await storedAbout();
    expect(JSON.stringify(rows)).not.toContain('gus.g');
    expect(rows[0]).toMatchObject({
      actor_name: pseudonym,
      details: `{"note":"${pseudonym} at the till"}`,
    });
    // Asked a third time: the same answer, nothing left to repair.
    expect((await erase()).json()).toEqual(again.json());
  });
});
