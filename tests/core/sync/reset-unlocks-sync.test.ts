import { afterAll, beforeAll, expect, it } from 'vitest';
import { LockoutService, lockoutSubject } from '../../../backend-sync/auth/lockout.service';
import { defaultPolicyFor } from '../../../backend-sync/auth/policy-source';
import { LockoutTracker } from '../../../electron/core/auth/lockout';
import { PASSWORD } from '../../backend/auth/support/auth-helpers';
import {
  createPerson,
  createStore,
  serverEvents,
  type Person,
} from '../../backend/stores/support/admin-api';
import { describeEachDialect } from '../../backend/support/server-harness';
import { errorCode, expectStep } from '../../support/core-harness';
import { startSyncWorld, TestPc, type SyncWorld } from './support/sync-world';

/**
 * On a connected PC, a manager's temporary password for someone locked out there lifts the
 * PC's lock at once (audited there), and, once it syncs, the server's lock too (audited there
 * with the manager as actor): the same rule on both sides (common/auth/lockout-schedule.ts).
 */
describeEachDialect('a reset on a connected PC unlocks on the PC and on the server', (dialect) => {
  let world: SyncWorld;
  let pc: TestPc;
  let manager: Person;
  let crew: Person;
  beforeAll(async () => {
    world = await startSyncWorld(dialect);
    const maple = await createStore(world.api, 'Maple Street');
    manager = await createPerson(world.api, { role: 'manager', stores: [maple] });
    crew = await createPerson(world.api, { role: 'viewer', stores: [maple] });
    pc = new TestPc(world);
    await pc.connect(world, maple);
  });
  afterAll(async () => {
    pc?.dispose();
    await world?.close();
  });

  it('locked on both, one reset, one sync: open on both', async () => {
    const policy = defaultPolicyFor('viewer');
    const server = new LockoutService(world.api.s.database.db);
    const subject = lockoutSubject({ id: crew.id }, '');
    for (let i = 0; i < policy.lockout.threshold; i += 1) {
      await server.recordFailure(subject, world.api.clock.nowMs(), policy);
      await errorCode(() => pc.kh.signIn.signIn(crew.username, 'a wrong guess'));
      pc.clock.advance(31_000);
    }
    expect(await errorCode(() => pc.kh.signIn.signIn(crew.username, PASSWORD))).toBe(
      'account_locked',
    );
    expect((await server.check(subject, world.api.clock.nowMs())).state).toBe('locked');

    const max = await pc.signInWithCode(manager.username, PASSWORD, manager.secret);
    const reset = await pc.kh.staff.resetPassword(max.sessionId, crew.id, PASSWORD);
    expect(reset.unlocked).toBe(true);
    expect(new LockoutTracker(pc.kh.db).check(crew.username, pc.kh.time.now()).state).toBe('open');
    expect(pc.kh.audit.query({ action: 'account.unlock' }).entries[0]).toMatchObject({
      actorName: manager.username,
      targetName: crew.username,
      details: { wasLocked: true, reason: 'password_reset' },
    });
    expectStep(await pc.kh.signIn.signIn(crew.username, reset.temporaryPassword), 'needs_totp');

    expect((await pc.kh.sync.syncNow()).pendingAccountChanges).toBe(0);
    expect((await server.check(subject, world.api.clock.nowMs())).state).toBe('open');
    const unlocks = (await serverEvents(world.api.s, 'user.unlock')).filter(
      (e) => e.targetId === crew.id,
    );
    expect(unlocks).toMatchObject([
      { actorId: manager.id, details: { wasLocked: true, reason: 'password_reset' } },
    ]);
  });
});
