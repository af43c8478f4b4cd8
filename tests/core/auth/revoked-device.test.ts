// A PC that knows an administrator revoked it signs nobody in (issue 12, item 5). The sync
// engine records `device_revoked` through SyncStateRepository; here it is recorded the same way
// directly, so these tests are about the rule, not the network (the real engine and server are
// in tests/core/sync/sync-engine-more.test.ts).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PasswordHasher, type VerifyResult } from '../../../electron/core/accounts/password-hasher';
import type { SyncStateRepository } from '../../../electron/core/sync/sync-state';
import { ADMIN_PASSWORD, CoreHarness, errorCode, expectStep } from '../../support/core-harness';
import { FakeClock } from '../../support/fake-clock';
import { MemorySecretStore } from '../../support/memory-secret-store';
import { PASSWORD } from '../../backend/auth/support/auth-helpers';
import {
  call,
  createPerson,
  createStore,
  type Person,
} from '../../backend/stores/support/admin-api';
import { issueCode, startSyncWorld, TestPc, type SyncWorld } from '../sync/support/sync-world';

const REVOKED_MESSAGE =
  'This PC was disconnected from the sync server by an administrator, so nobody can sign in here. Ask your administrator to connect it again.';
const SERVER = 'https://sync.example.test';

class CountingHasher extends PasswordHasher {
  verifies = 0;
  override verify(stored: string, password: string): Promise<VerifyResult> {
    this.verifies += 1;
    return super.verify(stored, password);
  }
}

describe('a revoked PC', () => {
  let h: CoreHarness;
  let hasher: CountingHasher;
  const repo = (): SyncStateRepository => h.kh.sync.stateRepository;
  const connect = () => repo().connect(SERVER, 'store-1', 'pinned key', h.clock.nowMs());
  const revoke = () =>
    repo().recordError('device_revoked', 'This PC is no longer connected to the sync server.');
  const signInError = async (username: string, password: string) => {
    try {
      await h.kh.signIn.signIn(username, password);
      return null;
    } catch (error) {
      return { code: (error as { code?: string }).code, message: (error as Error).message };
    }
  };

  beforeEach(async () => {
    hasher = new CountingHasher();
    h = new CoreHarness(new MemorySecretStore(), new FakeClock(), { hasher });
    await h.setUp();
    connect();
    hasher.verifies = 0;
  });
  afterEach(() => h.dispose());

  it('keeps device_revoked over later errors and successes; only a reconnect clears it', () => {
    revoke();
    repo().recordError('server_unreachable', 'The sync server could not be reached.');
    repo().recordError('server_unavailable', 'The sync server is not available right now.');
    repo().recordSuccess(h.clock.nowMs());
    expect(repo().get()?.lastError?.code).toBe('device_revoked');
    expect(repo().revoked()).toBe(true);
    expect(h.kh.sync.status().state).toBe('revoked');
    connect();
    expect(repo().revoked()).toBe(false);
    expect(repo().get()?.lastError).toBeNull();
    // Other errors still replace each other as before.
    repo().recordError('server_unreachable', 'x');
    repo().recordError('rate_limited', 'y');
    expect(repo().get()?.lastError?.code).toBe('rate_limited');
  });

  it('refuses every sign-in at once, before any password is checked, and audits it', async () => {
    revoke();
    const failuresBefore = h.kh.db.prepare('SELECT count(*) AS n FROM sign_in_failures').get();
    for (const [username, password] of [
      ['ada.admin', ADMIN_PASSWORD],
      ['ada.admin', 'a wrong password'],
      ['nobody.here', 'anything'],
    ] as const) {
      expect(await signInError(username, password)).toEqual({
        code: 'device_revoked',
        message: REVOKED_MESSAGE,
      });
    }
    expect(hasher.verifies).toBe(0);
    // Refused, not counted: the same answer for right and wrong, and no lock to be had.
    expect(h.kh.db.prepare('SELECT count(*) AS n FROM sign_in_failures').get()).toEqual(
      failuresBefore,
    );
    const refusals = h.kh.audit
      .query({ action: 'auth.sign_in', outcome: 'denied' })
      .entries.filter((e) => e.details.reason === 'device_revoked');
    expect(refusals.map((e) => e.targetName).sort()).toEqual([
      'ada.admin',
      'ada.admin',
      'nobody.here',
    ]);
  });
});

/** The same rule on a PC really connected to a server that really revoked it. */
describe('a revoked PC, connected for real', () => {
  let world: SyncWorld;
  let store: string;
  let cam: Person;
  let pc: TestPc;
  const revokeOnServer = async () => {
    const r = await call(
      world.api.s,
      'POST',
      `/api/v1/devices/${pc.kh.deviceId}/revoke`,
      world.api.admin,
    );
    expect(r.statusCode, r.body).toBe(200);
    expect((await pc.kh.sync.syncNow()).state).toBe('revoked');
  };
  const reconnect = async () =>
    pc.kh.sync.connect(null, {
      serverUrl: world.url,
      code: await issueCode(world.api, store),
      deviceName: 'Till 1',
    });

  beforeAll(async () => {
    world = await startSyncWorld('sqlite');
    store = await createStore(world.api, 'Maple Street');
    cam = await createPerson(world.api, { role: 'viewer', stores: [store] });
  });
  beforeEach(async () => {
    pc = new TestPc(world);
    await pc.connect(world, store);
  });
  afterEach(() => pc.dispose());
  afterAll(() => world.close());

  it('still refuses after the server becomes unreachable and after a restart', async () => {
    await revokeOnServer();
    world.proxy.down = true;
    await pc.kh.sync.syncNow();
    world.proxy.down = false;
    expect(await errorCode(() => pc.kh.signIn.signIn(cam.username, PASSWORD))).toBe(
      'device_revoked',
    );
    await pc.reopen();
    expect(await errorCode(() => pc.kh.signIn.signIn(cam.username, PASSWORD))).toBe(
      'device_revoked',
    );
    expect((await reconnect()).state).toBe('idle');
    expectStep(await pc.kh.signIn.signIn(cam.username, PASSWORD), 'needs_totp');
  });

  it('stops a sign-in that was under way when the revocation arrived', async () => {
    const step = expectStep(await pc.kh.signIn.signIn(cam.username, PASSWORD), 'needs_totp');
    await revokeOnServer();
    expect(
      await errorCode(() => pc.kh.signIn.submitCode(step.challengeId, pc.code(cam.secret))),
    ).toBe('device_revoked');
    // The challenge is gone: reconnecting does not revive it.
    await reconnect();
    expect(
      await errorCode(() => pc.kh.signIn.submitCode(step.challengeId, pc.code(cam.secret))),
    ).toBe('challenge_expired');
  });
});
