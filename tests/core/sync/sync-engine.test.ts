import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { secretName } from '../../../electron/core/keychain/secret-store';
import { PASSWORD, totp } from '../../backend/auth/support/auth-helpers';
import {
  createPerson,
  createStore,
  refreshAdmin,
  setStatus,
  type Person,
} from '../../backend/stores/support/admin-api';
import { describeEachDialect } from '../../backend/support/server-harness';
import { errorCode } from '../../support/core-harness';
import {
  issueCode,
  serverChain,
  startSyncWorld,
  TestPc,
  type SyncWorld,
} from './support/sync-world';

describeEachDialect('sync engine against a real server', (dialect) => {
  let world: SyncWorld;
  let maple: string;
  let oak: string;
  let alice: Person;
  let bob: Person;
  let olga: Person;
  const pcs: TestPc[] = [];
  const newPc = () => {
    const pc = new TestPc(world);
    pcs.push(pc);
    return pc;
  };
  /** When the account's temporary password stops working on this PC (null: not temporary). */
  const tempEnd = (pc: TestPc, id: string) =>
    (
      pc.kh.db
        .prepare('SELECT temp_password_expires_at AS t FROM accounts WHERE id = ?')
        .get(id) as {
        t: number | null;
      }
    ).t;

  beforeAll(async () => {
    world = await startSyncWorld(dialect);
    maple = await createStore(world.api, 'Maple Street');
    oak = await createStore(world.api, 'Oak Avenue');
    alice = await createPerson(world.api, { role: 'manager', stores: [maple, oak] });
    bob = await createPerson(world.api, { role: 'viewer', stores: [maple] });
    olga = await createPerson(world.api, { role: 'viewer', stores: [oak] });
  });
  afterEach(() => {
    world.proxy.down = false;
    world.proxy.tamper = null;
  });
  afterAll(async () => {
    for (const pc of pcs) pc.dispose();
    await world.close();
  });

  describe('connecting', () => {
    it('refuses an address that is not https (plain http only on this computer)', async () => {
      const pc = newPc();
      await pc.open();
      for (const serverUrl of ['ftp://sync.example.com', 'http://sync.example.com', 'not a url']) {
        const code = await errorCode(() =>
          pc.kh.sync.connect(null, { serverUrl, code: 'AAAA-BBBB-CCCC-DDDD', deviceName: 'Till' }),
        );
        expect(['insecure_server_url', 'invalid_server_url']).toContain(code);
      }
      expect(pc.kh.sync.status().connected).toBe(false);
    });

    it('writes nothing when the code is wrong', async () => {
      const pc = newPc();
      await pc.open();
      const code = await errorCode(() =>
        pc.kh.sync.connect(null, {
          serverUrl: world.url,
          code: 'AAAA-BBBB-CCCC-DDDD',
          deviceName: 'Till',
        }),
      );
      expect(code).not.toBe('internal');
      expect(pc.kh.sync.status().connected).toBe(false);
      expect(pc.kh.device.state().mode).toBe('standalone');
      expect(await pc.secrets.get(secretName(pc.kh.profileId, 'device-credential'))).toBeNull();
    });

    it('a fresh PC connects, pulls its store and uploads its log', async () => {
      const pc = newPc();
      const status = await pc.connect(world, maple);
      expect(status).toMatchObject({ connected: true, state: 'idle', pendingEntries: 0 });
      expect(status.storeName).toBe('Maple Street');
      expect(pc.kh.device.state().mode).toBe('enrolled');
      expect(pc.kh.firstRun.needsSetup()).toBe(false);
      const usernames = pc.kh.db
        .prepare('SELECT username FROM accounts ORDER BY username')
        .all()
        .map((r) => (r as { username: string }).username);
      expect(usernames).toEqual([alice.username, bob.username].sort());
      expect(usernames).not.toContain(olga.username);
      expect(await pc.secrets.get(secretName(pc.kh.profileId, 'device-credential'))).toMatch(
        new RegExp(`^${pc.kh.deviceId}\\.`),
      );
      // The server holds this PC's whole chain and it verifies.
      const macKey = (await pc.secrets.get(secretName(pc.kh.profileId, 'audit-mac-key')))!;
      const chain = await serverChain(world, pc.kh.deviceId, macKey);
      const head = pc.kh.audit.after(0, 10_000).length;
      expect(chain).toMatchObject({ count: head, verified: true });
      // Staff come from the server now: a person signs in offline with password + TOTP.
      const session = await pc.signInWithCode(bob.username, PASSWORD, bob.secret);
      expect(session.role).toBe('viewer');
    });

    it('a used code cannot connect a second PC', async () => {
      const code = await issueCode(world.api, maple);
      const first = newPc();
      await first.open();
      await first.kh.sync.connect(null, { serverUrl: world.url, code, deviceName: 'Till 2' });
      const second = newPc();
      await second.open();
      expect(
        await errorCode(() =>
          second.kh.sync.connect(null, { serverUrl: world.url, code, deviceName: 'Till 3' }),
        ),
      ).not.toBe('internal');
      expect(second.kh.sync.status().connected).toBe(false);
    });
  });

  describe('revocations come first', () => {
    it('a person disabled on the server is signed out at the next sync and refused after', async () => {
      const carl = await createPerson(world.api, { role: 'viewer', stores: [maple] });
      const pc = newPc();
      await pc.connect(world, maple);
      const session = await pc.signInWithCode(carl.username, PASSWORD, carl.secret);
      await setStatus(world.api, carl.id, 'disabled');
      await pc.kh.sync.syncNow();
      expect(await errorCode(() => pc.kh.sessions.requireActive(session.sessionId))).toBe(
        'session_ended',
      );
      expect(await errorCode(() => pc.kh.signIn.signIn(carl.username, PASSWORD))).toBe(
        'account_disabled',
      );
    });

    it('a person removed from the store is deleted from the PC', async () => {
      const dora = await createPerson(world.api, { role: 'viewer', stores: [maple] });
      const pc = newPc();
      await pc.connect(world, maple);
      expect(pc.kh.db.prepare('SELECT 1 FROM accounts WHERE id = ?').get(dora.id)).toBeTruthy();
      await world.api.s.database.db
        .deleteFrom('user_stores')
        .where('user_id', '=', dora.id)
        .execute();
      await pc.kh.sync.syncNow();
      expect(pc.kh.db.prepare('SELECT 1 FROM accounts WHERE id = ?').get(dora.id)).toBeUndefined();
      const removed = pc.kh.audit.query({ action: 'account.remove' }).entries;
      expect(removed.map((e) => e.targetId)).toContain(dora.id);
    });
  });

  describe('password changed offline', () => {
    it('reaches the server, and the other store after it syncs; the old one stops working', async () => {
      const storeA = newPc();
      const storeB = newPc();
      await storeA.connect(world, maple, 'Maple till');
      await storeB.connect(world, oak, 'Oak till');
      const next = 'a brand new passphrase 9';
      world.proxy.down = true;
      const session = await storeA.signInWithCode(alice.username, PASSWORD, alice.secret);
      await storeA.kh.myAccount.changePassword(session.sessionId, PASSWORD, next);
      const offline = await storeA.kh.sync.syncNow();
      expect(offline.state).toBe('offline');
      expect(offline.pendingAccountChanges).toBe(1);
      expect(offline.lastError?.code).toBe('server_unreachable');
      // Store B has not heard of it: the old password still works there.
      expect((await storeB.kh.signIn.signIn(alice.username, PASSWORD)).status).toBe('needs_totp');

      world.proxy.down = false;
      const synced = await storeA.kh.sync.syncNow();
      expect(synced).toMatchObject({ state: 'idle', pendingAccountChanges: 0, lastError: null });
      await storeB.kh.sync.syncNow();
      expect(await errorCode(() => storeB.kh.signIn.signIn(alice.username, PASSWORD))).toBe(
        'invalid_credentials',
      );
      expect((await storeB.kh.signIn.signIn(alice.username, next)).status).toBe('needs_totp');
      expect((await storeA.kh.signIn.signIn(alice.username, next)).status).toBe('needs_totp');
    });

    it('a temporary password a manager sets at one PC ends at the same time on the other', async () => {
      // Mia manages Maple; she gives Ben a temporary password on one till, and the second
      // till of the store gets it at its next sync, with the same hour to use it.
      const mia = await createPerson(world.api, { role: 'manager', stores: [maple] });
      const ben = await createPerson(world.api, { role: 'viewer', stores: [maple] });
      const till1 = newPc();
      const till2 = newPc();
      await till1.connect(world, maple, 'Maple till 1');
      await till2.connect(world, maple, 'Maple till 2');
      const session = await till1.signInWithCode(mia.username, PASSWORD, mia.secret);
      const { temporaryPassword } = await till1.kh.staff.resetPassword(
        session.sessionId,
        ben.id,
        PASSWORD,
      );
      expect(await till1.kh.sync.syncNow()).toMatchObject({
        state: 'idle',
        pendingAccountChanges: 0,
      });
      const onServer = await world.api.s.database.db
        .selectFrom('users')
        .select(['must_change_password', 'temp_password_expires_at'])
        .where('id', '=', ben.id)
        .executeTakeFirstOrThrow();
      const ends = Number(onServer.temp_password_expires_at);
      expect(onServer.must_change_password).toBe(1);
      expect(ends).toBe(tempEnd(till1, ben.id));

      await till2.kh.sync.syncNow();
      expect(tempEnd(till2, ben.id)).toBe(ends);
      expect((await till2.kh.signIn.signIn(ben.username, temporaryPassword)).status).toBe(
        'needs_totp',
      );
      world.api.clock.advance(ends - world.api.clock.nowMs() + 1);
      for (const till of [till1, till2]) {
        expect(await errorCode(() => till.kh.signIn.signIn(ben.username, temporaryPassword))).toBe(
          'temporary_password_expired',
        );
      }
      // And the server refuses it too, with both factors right.
      const r = await world.api.s.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: {
          email: ben.email,
          password: temporaryPassword,
          totpCode: totp(ben.secret, world.api.clock),
        },
      });
      expect(r.statusCode, r.body).toBe(403);
      expect(r.json()).toMatchObject({ error: { code: 'temporary_password_expired' } });
      // An hour went by for everyone: the admin signs in to the server again.
      await refreshAdmin(world.api);
    });

    it('password changes one after another each reach the server (outbox ids are reused)', async () => {
      const gail = await createPerson(world.api, { role: 'viewer', stores: [maple] });
      const pc = newPc();
      await pc.connect(world, maple);
      let current = PASSWORD;
      for (const next of ['first change passphrase 1', 'second change passphrase 2']) {
        const session = await pc.signInWithCode(gail.username, current, gail.secret);
        await pc.kh.myAccount.changePassword(session.sessionId, current, next);
        const status = await pc.kh.sync.syncNow();
        expect(status).toMatchObject({ state: 'idle', pendingAccountChanges: 0 });
        current = next;
      }
      const results = pc.kh.audit.query({ action: 'sync.account_change' }).entries;
      expect(results.map((e) => e.details.result)).toEqual(['applied', 'applied']);
    });

    it('a later change on the server wins over an older offline one', async () => {
      const erin = await createPerson(world.api, { role: 'viewer', stores: [maple] });
      const pc = newPc();
      await pc.connect(world, maple);
      world.proxy.down = true;
      const session = await pc.signInWithCode(erin.username, PASSWORD, erin.secret);
      await pc.kh.myAccount.changePassword(session.sessionId, PASSWORD, 'offline change pass 1');
      world.api.clock.advance(60_000);
      const serverHash = await pc.kh.signIn['d'].hasher.hash('server side change 22');
      await world.api.s.database.db
        .updateTable('users')
        .set({ password_hash: serverHash, password_changed_at: world.api.clock.nowMs() + 5_000 })
        .where('id', '=', erin.id)
        .execute();
      world.proxy.down = false;
      await pc.kh.sync.syncNow();
      const results = pc.kh.audit.query({ action: 'sync.account_change' }).entries;
      expect(results[0]?.details).toMatchObject({ result: 'superseded' });
    });
  });

  describe('faults', () => {
    it('a lost answer to an upload is retried with the same key: nothing doubled', async () => {
      const pc = newPc();
      await pc.connect(world, maple);
      for (let i = 0; i < 1_200; i += 1) {
        pc.kh.audit.append({ action: 'auth.session_lock', outcome: 'success', details: { i } });
      }
      world.proxy.inject('/sync/audit', { kind: 'drop-response' });
      world.proxy.inject('/sync/audit', { kind: 'reset' });
      const status = await pc.kh.sync.syncNow();
      expect(status).toMatchObject({ state: 'idle', pendingEntries: 0 });
      const macKey = (await pc.secrets.get(secretName(pc.kh.profileId, 'audit-mac-key')))!;
      const chain = await serverChain(world, pc.kh.deviceId, macKey);
      expect(chain.verified).toBe(true);
      expect(chain.count).toBe(pc.kh.audit.after(0, 100_000).length);
      expect(new Set(chain.seqs).size).toBe(chain.count);
    });

    it('reports progress while a large backlog uploads', async () => {
      const pc = newPc();
      await pc.connect(world, maple);
      pc.kh.db.transaction(() => {
        for (let i = 0; i < 1_600; i += 1)
          pc.kh.audit.append({ action: 'auth.session_lock', outcome: 'success', details: { i } });
      })();
      const seen: { phase: string; done: number; total: number }[] = [];
      let finished = false;
      const run = pc.kh.sync.syncNow().finally(() => {
        finished = true;
      });
      while (!finished) {
        const { progress, state } = pc.kh.sync.status();
        if (progress) seen.push(progress);
        if (state === 'syncing' && progress)
          expect(progress.done).toBeLessThanOrEqual(progress.total);
        await new Promise((r) => setImmediate(r));
      }
      expect((await run).state).toBe('idle');
      const uploads = seen.filter((p) => p.phase === 'upload');
      expect(uploads.length).toBeGreaterThan(0);
      expect(Math.max(...uploads.map((p) => p.total))).toBeGreaterThanOrEqual(1_600);
      expect(new Set(uploads.map((p) => p.done)).size).toBeGreaterThan(1); // it moves
      expect(pc.kh.sync.status().progress).toBeNull();
    });

    it('503 and 429 with Retry-After are waited out, honouring the server', async () => {
      const pc = newPc();
      await pc.connect(world, maple);
      pc.sleeps.length = 0;
      world.proxy.inject('/sync/pull', { kind: 'status', status: 503, retryAfter: '2' });
      world.proxy.inject('/sync/pull', { kind: 'status', status: 429, retryAfter: '7' });
      const status = await pc.kh.sync.syncNow();
      expect(status.state).toBe('idle');
      expect(pc.sleeps[0]).toBeGreaterThanOrEqual(2_000);
      expect(pc.sleeps[1]).toBeGreaterThanOrEqual(7_000);
    });

    it('when retries run out the run fails as offline, and the next one catches up', async () => {
      const pc = newPc();
      await pc.connect(world, maple);
      pc.kh.audit.append({ action: 'auth.session_lock', outcome: 'success' });
      world.proxy.inject('/sync/', { kind: 'status', status: 503 }, 4);
      const failed = await pc.kh.sync.syncNow();
      expect(failed.state).toBe('offline');
      expect(failed.lastError?.code).toBe('server_unavailable');
      expect(failed.pendingEntries).toBeGreaterThan(0);
      const ok = await pc.kh.sync.syncNow();
      expect(ok).toMatchObject({ state: 'idle', pendingEntries: 0 });
    });

    it('a PC whose log no longer matches the server (restored from a backup) says what to do', async () => {
      const pc = newPc();
      await pc.connect(world, maple);
      pc.kh.audit.append({ action: 'auth.session_lock', outcome: 'success' });
      expect((await pc.kh.sync.syncNow()).state).toBe('idle');
      // As after a restore: the server holds other content for the PC's last seq, and the PC
      // sends that seq again.
      const head = pc.kh.audit.after(0, 100_000).length;
      await world.api.s.database.db
        .updateTable('audit_events')
        .set({ hash: 'f'.repeat(64) })
        .where('device_id', '=', pc.kh.deviceId)
        .where('seq', '=', head)
        .execute();
      pc.kh.db.prepare('UPDATE sync_state SET acknowledged_seq = ? WHERE id = 1').run(head - 1);
      const status = await pc.kh.sync.syncNow();
      expect(status.state).toBe('error');
      expect(status.lastError?.code).toBe('audit_log_diverged');
      expect(status.lastError?.message).toMatch(/restored from an older backup/);
      const alerts = await world.api.s.database.db
        .selectFrom('server_audit')
        .select('details')
        .where('action', '=', 'audit.chain_break')
        .where('target_id', '=', pc.kh.deviceId)
        .execute();
      expect(alerts.map((a) => JSON.parse(a.details) as unknown)).toEqual([
        { seq: head, reason: 'sequence_conflict' },
      ]);
    });

    it('a revoked PC stops syncing and says so', async () => {
      const pc = newPc();
      await pc.connect(world, maple);
      await world.api.s.database.db
        .updateTable('devices')
        .set({ revoked_at: world.api.clock.nowMs() })
        .where('id', '=', pc.kh.deviceId)
        .execute();
      const status = await pc.kh.sync.syncNow();
      expect(status.state).toBe('revoked');
      expect(status.lastError?.message).toMatch(/revoked/);
    });
  });

  it('on a connected PC, people, roles and 2FA are managed on the server', async () => {
    const pc = newPc();
    await pc.connect(world, maple);
    const session = await pc.signInWithCode(
      alice.username,
      'a brand new passphrase 9',
      alice.secret,
    );
    const code = await errorCode(() =>
      pc.kh.staff.create(session.sessionId, {
        username: 'new.person',
        displayName: 'New Person',
        email: '',
        role: 'viewer',
      }),
    );
    expect(code).toBe('server_admin_only'); // a manager: an administrator does it on the server
  });
});
