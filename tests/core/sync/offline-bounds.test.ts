import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../../backend/auth/support/auth-helpers';
import {
  call,
  createPerson,
  createStore,
  refreshAdmin,
  type Person,
} from '../../backend/stores/support/admin-api';
import { describeEachDialect } from '../../backend/support/server-harness';
import { errorCode } from '../../support/core-harness';
import { startSyncWorld, TestPc, type SyncWorld } from './support/sync-world';

const HOUR = 3_600_000;

/**
 * Offline bounds on a connected PC (invariant 5), judged from the last receipt the server
 * signed: hours since its server time, sign-ins counted in the audit chain after the head it
 * names. The store's own counters are mirrors: editing them lifts nothing.
 */
describeEachDialect('offline bounds from the signed receipt', (dialect) => {
  let world: SyncWorld;
  let store: string;
  let cam: Person;
  const pcs: TestPc[] = [];
  const newPc = async () => {
    const pc = new TestPc(world);
    pcs.push(pc);
    await pc.connect(world, store);
    return pc;
  };
  const signIn = (pc: TestPc) => pc.signInWithCode(cam.username, PASSWORD, cam.secret);

  beforeAll(async () => {
    world = await startSyncWorld(dialect);
    store = await createStore(world.api, 'Maple Street');
    cam = await createPerson(world.api, { role: 'viewer', stores: [store] });
  });
  afterAll(async () => {
    for (const pc of pcs) pc.dispose();
    await world.close();
  });

  it('hours since the last sync: refused past the role’s bound, fine again after a sync', async () => {
    const pc = await newPc();
    world.proxy.down = true;
    world.api.clock.advance(71 * HOUR);
    await signIn(pc);
    world.api.clock.advance(2 * HOUR);
    const err = await pc.kh.signIn.signIn(cam.username, PASSWORD).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'offline_limit', details: { kind: 'hours' } });
    expect((err as Error).message).toContain('72 hours');
    world.proxy.down = false;
    expect((await pc.kh.sync.syncNow()).lastError).toBeNull();
    await signIn(pc);
  });

  describe('sign-ins since the last sync', () => {
    beforeAll(async () => {
      await refreshAdmin(world.api); // the test's admin token expired with the hours above
      const view = await call(world.api.s, 'GET', '/api/v1/policies', world.api.admin);
      const current = view.json<{ current: { version: number } }>().current;
      const r = await call(world.api.s, 'PUT', '/api/v1/policies', world.api.admin, {
        basedOnVersion: current.version,
        roles: {
          admin: { profile: 'standard' },
          manager: { profile: 'standard' },
          viewer: { profile: 'standard', overrides: { offline: { maxSignInsSinceSync: 3 } } },
        },
      });
      expect(r.statusCode, r.body).toBe(200);
    });

    it('counts them in the chain, so resetting the counter or moving the sync time lifts nothing', async () => {
      const pc = await newPc();
      world.proxy.down = true;
      for (let i = 0; i < 3; i += 1) await signIn(pc);
      expect(await errorCode(() => pc.kh.signIn.signIn(cam.username, PASSWORD))).toBe(
        'offline_limit',
      );
      // Someone at the desktop with the store key resets the counter and dates the last sync
      // to now, and says the PC is standalone: still refused, and reported.
      pc.kh.db
        .prepare("UPDATE device SET sign_ins_since_sync = 0, last_sync_at = ?, mode = 'standalone'")
        .run(pc.kh.time.now());
      await pc.reopen();
      expect(pc.kh.device.state().mode).toBe('enrolled');
      expect(await errorCode(() => pc.kh.signIn.signIn(cam.username, PASSWORD))).toBe(
        'offline_limit',
      );
      const tampers = pc.kh.audit
        .query({ action: 'integrity.tamper' })
        .entries.map((e) => `${e.details.subject}:${e.details.reason}`);
      expect(tampers).toEqual(
        expect.arrayContaining(['device:mode_edited', 'device:counters_edited']),
      );

      // The next sync reports them to the server and starts a new count.
      world.proxy.down = false;
      expect((await pc.kh.sync.syncNow()).lastError).toBeNull();
      const onServer = await world.api.s.database.db
        .selectFrom('audit_events')
        .select('details')
        .where('device_id', '=', pc.kh.deviceId)
        .where('action', '=', 'integrity.tamper')
        .execute();
      expect(onServer.map((r) => JSON.parse(r.details).reason)).toEqual(
        expect.arrayContaining(['mode_edited', 'counters_edited']),
      );
      await signIn(pc);
    });
  });
});
