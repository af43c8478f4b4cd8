import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { defaultPolicyDocument } from '../../../common/policy/policy';
import { PASSWORD } from '../../backend/auth/support/auth-helpers';
import {
  call,
  createPerson,
  createStore,
  type Person,
} from '../../backend/stores/support/admin-api';
import { describeEachDialect } from '../../backend/support/server-harness';
import { expectDetailsInCatalogue } from '../../support/audit-details-check';
import { errorCode } from '../../support/core-harness';
import { ManualTimers, startSyncWorld, TestPc, type SyncWorld } from './support/sync-world';

const MINUTE = 60_000;

/**
 * The sync status says only what is true (real server on loopback behind the fault proxy, real
 * cores, the schedule's timers fired by hand): a revoked PC has no schedule and knocks no more;
 * the next sync is never a time already past; what waits after a good sync is what was written
 * after it. And a policy pulled from the server reaches sessions already open.
 */
describeEachDialect('sync status that is always true', (dialect) => {
  let world: SyncWorld;
  let maple: string;
  let fran: Person;
  const pcs: TestPc[] = [];
  const newPc = (timers?: ManualTimers) => {
    const pc = new TestPc(world, timers);
    pcs.push(pc);
    return pc;
  };
  const revoke = (pc: TestPc) =>
    world.api.s.database.db
      .updateTable('devices')
      .set({ revoked_at: world.api.clock.nowMs() })
      .where('id', '=', pc.kh.deviceId)
      .execute();
  const waitForRun = async (pc: TestPc) => {
    await new Promise((r) => setImmediate(r));
    await pc.kh.sync.idle();
  };

  beforeAll(async () => {
    world = await startSyncWorld(dialect);
    maple = await createStore(world.api, 'Maple Street');
    fran = await createPerson(world.api, { role: 'admin', stores: [maple] });
  });
  afterEach(() => {
    world.proxy.down = false;
  });
  afterAll(async () => {
    for (const pc of pcs) pc.dispose();
    await world.close();
  });

  it('a revoked PC schedules no sync, shows none, knocks no more, and still counts what it holds', async () => {
    const timers = new ManualTimers();
    const pc = newPc(timers);
    await pc.connect(world, maple);
    await pc.signInWithCode(fran.username, PASSWORD, fran.secret);
    expect(pc.kh.sync.status().pendingEntries).toBe(1); // the sign-in
    await revoke(pc);
    timers.fire();
    await waitForRun(pc);

    const status = pc.kh.sync.status();
    expect(status).toMatchObject({ state: 'revoked', nextSyncAt: null });
    expect(timers.pending).toBeNull();
    // Nothing it wrote was taken: the entries stay here, counted, until it is connected again.
    const repo = pc.kh.sync.stateRepository.get()!;
    expect(status.pendingEntries).toBe(pc.kh.audit.headSeq() - repo.acknowledgedSeq);
    expect(status.pendingEntries).toBeGreaterThanOrEqual(1);

    // Sync now, the network coming back and a restart do not knock again.
    const pulls = world.proxy.count('/sync/pull');
    expect((await pc.kh.sync.syncNow()).state).toBe('revoked');
    pc.kh.sync.networkChanged(true);
    await waitForRun(pc);
    await pc.reopen();
    pc.kh.sync.start(0);
    expect(world.proxy.count('/sync/pull')).toBe(pulls);
    expect(pc.kh.sync.status()).toMatchObject({ state: 'revoked', nextSyncAt: null });
  });

  it('the next sync is never a time already past: offline it is the next try, in the future', async () => {
    const timers = new ManualTimers();
    const pc = newPc(timers);
    await pc.connect(world, maple);
    const good = pc.kh.sync.status();
    expect(good.nextSyncAt).toBe(good.checkedAt + 5 * MINUTE);

    world.proxy.down = true;
    timers.fire();
    await waitForRun(pc);
    const offline = pc.kh.sync.status();
    expect(offline.state).toBe('offline');
    expect(offline.nextSyncAt).toBeGreaterThan(offline.checkedAt);
    expect(offline.nextSyncAt).toBe(offline.checkedAt + timers.pending!.ms);

    // The try is due but has not started (a busy or sleeping PC): no time in the past.
    pc.clock.advance(timers.pending!.ms + 1_000);
    expect(pc.kh.sync.status()).toMatchObject({ state: 'offline', nextSyncAt: null });
    timers.fire();
    await waitForRun(pc);
    const again = pc.kh.sync.status();
    expect(again.nextSyncAt).toBeGreaterThan(again.checkedAt);
    // What Sync now answers (the run's own last word) names the next try too.
    const answer = await pc.kh.sync.syncNow();
    expect(answer.state).toBe('offline');
    expect(answer.nextSyncAt).toBeGreaterThan(answer.checkedAt);
    expect(answer.nextSyncAt).toBe(answer.checkedAt + timers.pending!.ms);

    world.proxy.down = false;
    pc.kh.sync.networkChanged(true);
    await waitForRun(pc);
    expect(pc.kh.sync.status()).toMatchObject({ state: 'idle', pendingEntries: 0 });
  });

  it('right after a good sync nothing waits; what waits later is what was written after it', async () => {
    const pc = newPc();
    await pc.connect(world, maple);
    expect(pc.kh.sync.status()).toMatchObject({ state: 'idle', pendingEntries: 0 });
    await pc.signInWithCode(fran.username, PASSWORD, fran.secret);
    const after = pc.kh.sync.status();
    // One waits: the sign-in itself, recorded after the sync (the UI says so, in words).
    expect(after.pendingEntries).toBe(1);
    const acknowledged = pc.kh.sync.stateRepository.get()!.acknowledgedSeq;
    expect(pc.kh.audit.after(acknowledged, 10).map((e) => e.action)).toEqual(['auth.sign_in']);
    expect(after.lastSyncAt).toBeLessThanOrEqual(pc.kh.audit.after(acknowledged, 1)[0]!.at);
    // A sync writes nothing after its own upload: the next one leaves nothing waiting.
    expect(await pc.kh.sync.syncNow()).toMatchObject({ state: 'idle', pendingEntries: 0 });
    expect(pc.kh.sync.status().pendingEntries).toBe(0);
  });

  it('a policy pulled from the server reaches a session already open', async () => {
    const pc = newPc();
    await pc.connect(world, maple);
    const session = await pc.signInWithCode(fran.username, PASSWORD, fran.secret);
    expect(pc.kh.sessions.get(session.sessionId).idleLockMinutes).toBe(15);
    const roles = defaultPolicyDocument().roles;
    const published = await call(world.api.s, 'PUT', '/api/v1/policies', world.api.admin, {
      roles: {
        ...roles,
        admin: { profile: 'standard', overrides: { session: { idleLockMinutes: 3 } } },
      },
    });
    expect(published.statusCode, published.body).toBe(200);
    pc.clock.advance(2 * MINUTE);
    await pc.kh.sync.syncNow();

    expect(pc.kh.sessions.get(session.sessionId)).toMatchObject({
      state: 'active',
      idleLockMinutes: 3,
    });
    pc.clock.advance(MINUTE + 1_000);
    expect(pc.kh.sessions.get(session.sessionId).state).toBe('locked');
    expect(await errorCode(() => pc.kh.sessions.requireActive(session.sessionId))).toBe(
      'session_locked',
    );
    const change = pc.kh.audit.query({ action: 'policy.change' }).entries[0]!;
    expect(change.details).toMatchObject({
      source: 'sync',
      changes: [{ role: 'admin', field: 'session.idleLockMinutes', before: 15, after: 3 }],
    });
    expectDetailsInCatalogue(pc.kh);
  });
});
