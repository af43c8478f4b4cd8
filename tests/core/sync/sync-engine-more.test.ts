import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyDocument } from '../../../common/policy/policy';
import { secretName } from '../../../electron/core/keychain/secret-store';
import { PASSWORD } from '../../backend/auth/support/auth-helpers';
import {
  call,
  createPerson,
  createStore,
  type Person,
} from '../../backend/stores/support/admin-api';
import { describeEachDialect } from '../../backend/support/server-harness';
import { expectDetailsInCatalogue } from '../../support/audit-details-check';
import { ADMIN_PASSWORD, errorCode } from '../../support/core-harness';
import {
  issueCode,
  ManualTimers,
  serverChain,
  startSyncWorld,
  TestPc,
  type SyncWorld,
} from './support/sync-world';

describeEachDialect('sync engine: policy, reconnect, recovery', (dialect) => {
  let world: SyncWorld;
  let maple: string;
  let fran: Person;
  const pcs: TestPc[] = [];
  const newPc = () => {
    const pc = new TestPc(world);
    pcs.push(pc);
    return pc;
  };

  beforeAll(async () => {
    world = await startSyncWorld(dialect);
    maple = await createStore(world.api, 'Maple Street');
    fran = await createPerson(world.api, { role: 'admin', stores: [maple] });
  });
  afterEach(() => {
    world.proxy.tamper = null;
  });
  afterAll(async () => {
    for (const pc of pcs) pc.dispose();
    await world.close();
  });

  it('refuses a policy whose signature does not verify, keeps its own, and says so', async () => {
    const pc = newPc();
    world.proxy.tamper = (path, body) => {
      const page = body as { policy?: { document: { roles: { admin: { profile: string } } } } };
      if (path.includes('/sync/pull') && page.policy)
        page.policy.document.roles.admin.profile = 'classic';
      return body;
    };
    const status = await pc.connect(world, maple);
    expect(status.state).toBe('error');
    expect(status.lastError?.code).toBe('policy_refused');
    expect(pc.kh.policies.current().roles.admin.profile).toBe('standard');
    expect(pc.kh.audit.query({ action: 'sync.policy_refused' }).total).toBe(1);
    // Nothing of that page was applied: no accounts either (one transaction per page).
    expect(pc.kh.db.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual({ n: 0 });

    world.proxy.tamper = null;
    expect((await pc.kh.sync.syncNow()).state).toBe('idle');
    expect(pc.kh.db.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual({ n: 1 });
  });

  it('applies a newly published policy, and never an older one', async () => {
    const pc = newPc();
    await pc.connect(world, maple);
    const before = pc.kh.policies.current().version;
    const roles = defaultPolicyDocument('pci').roles;
    const published = await call(world.api.s, 'PUT', '/api/v1/policies', world.api.admin, {
      roles,
    });
    expect(published.statusCode, published.body).toBe(200);
    await pc.kh.sync.syncNow();
    const after = pc.kh.policies.current();
    expect(after.version).toBeGreaterThan(before);
    expect(after.roles.manager.profile).toBe('pci');
    expect(pc.kh.sync.stateRepository.get()?.policyVersion).toBe(after.version);
  });

  it('a revoked PC signs nobody in, even offline or restarted, until an admin connects it again', async () => {
    const pc = newPc();
    await pc.connect(world, maple);
    await world.api.s.database.db
      .updateTable('devices')
      .set({ revoked_at: world.api.clock.nowMs() })
      .where('id', '=', pc.kh.deviceId)
      .execute();
    expect((await pc.kh.sync.syncNow()).state).toBe('revoked');
    const signIn = () => errorCode(() => pc.kh.signIn.signIn(fran.username, PASSWORD));
    expect(await signIn()).toBe('device_revoked');

    // A later run that cannot reach the server does not make the PC forget it was revoked.
    world.proxy.down = true;
    try {
      const offline = await pc.kh.sync.syncNow();
      expect(offline.state).toBe('revoked');
      expect(offline.lastError?.code).toBe('device_revoked');
    } finally {
      world.proxy.down = false;
    }
    await pc.reopen();
    expect(await signIn()).toBe('device_revoked');

    // With nobody able to sign in, an admin's new code connects it again, to its own server only.
    expect(
      await errorCode(() =>
        pc.kh.sync.connect(null, {
          serverUrl: 'https://elsewhere.example.test',
          code: 'X'.repeat(16),
          deviceName: 'Till again',
        }),
      ),
    ).toBe('reconnect_other_server');
    const status = await pc.kh.sync.connect(null, {
      serverUrl: world.url,
      code: await issueCode(world.api, maple),
      deviceName: 'Till again',
    });
    expect(status).toMatchObject({ state: 'idle', pendingEntries: 0 });
    expect(pc.kh.audit.query({ action: 'sync.connect' }).entries[0]?.details).toMatchObject({
      afterRevocation: true,
    });
    const macKey = (await pc.secrets.get(secretName(pc.kh.profileId, 'audit-mac-key')))!;
    const chain = await serverChain(world, pc.kh.deviceId, macKey);
    expect(chain).toMatchObject({ count: pc.kh.audit.after(0, 10_000).length, verified: true });
    await pc.signInWithCode(fran.username, PASSWORD, fran.secret);
  });

  it('a PC set up on its own hands its people over to the server when an admin connects it', async () => {
    const pc = newPc();
    const { session, secret } = await pc.setUp();
    expect(
      await errorCode(() =>
        pc.kh.sync.connect(null, { serverUrl: world.url, code: 'X'.repeat(16), deviceName: 'T' }),
      ),
    ).toBe('session_ended');
    const code = await issueCode(world.api, maple);
    const input = { serverUrl: world.url, code, deviceName: 'Back office' };
    // Never on one click: the admin confirms the plan first (connect-handover.test.ts).
    expect(await errorCode(() => pc.kh.sync.connect(session.sessionId, input))).toBe(
      'handover_not_confirmed',
    );
    const status = await pc.kh.sync.connect(session.sessionId, { ...input, confirmHandover: true });
    expect(status.state).toBe('idle');
    // The local admin was handed over as a manager of the store (her admin session ends with
    // the role); she signs in with what she had, and the store's people are here too.
    expect(await errorCode(() => pc.kh.sessions.requireActive(session.sessionId))).toBe(
      'session_ended',
    );
    expect((await pc.signInWithCode('ada.admin', ADMIN_PASSWORD, secret)).role).toBe('manager');
    expect(pc.kh.audit.verify()).toMatchObject({ ok: true });
    expect((await pc.signInWithCode(fran.username, PASSWORD, fran.secret)).role).toBe('admin');
  });

  it('recovers when its acknowledged seq is ahead of the server (sequence gap)', async () => {
    const pc = newPc();
    await pc.connect(world, maple);
    pc.kh.db.prepare('UPDATE sync_state SET acknowledged_seq = 1').run();
    await world.api.s.database.db
      .deleteFrom('audit_events')
      .where('device_id', '=', pc.kh.deviceId)
      .execute();
    await world.api.s.database.db
      .updateTable('devices')
      .set({ last_seq: 0, last_hash: '0'.repeat(64) })
      .where('id', '=', pc.kh.deviceId)
      .execute();
    pc.kh.audit.append({ action: 'auth.session_lock', outcome: 'success' });
    expect((await pc.kh.sync.syncNow()).state).toBe('idle');
    const macKey = (await pc.secrets.get(secretName(pc.kh.profileId, 'audit-mac-key')))!;
    expect((await serverChain(world, pc.kh.deviceId, macKey)).verified).toBe(true);
  });

  it('every entry these PCs wrote is one the catalogue of entry details knows', () => {
    // Connects, pulls, a refused policy, a revocation, a hand-over: all shown in words.
    for (const pc of pcs) expectDetailsInCatalogue(pc.kh);
  });
});

/** The TLS test makes its self-signed certificate with the openssl command. */
const HAS_OPENSSL = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    console.warn(
      '\n[keyholder] TLS refusal test skipped: install openssl (apt-get install openssl).\n',
    );
    return false;
  }
})();

describe('sync engine: TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyholder-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.runIf(HAS_OPENSSL)(
    'refuses a server whose certificate cannot be verified, and writes nothing',
    async () => {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
        ],
        { stdio: 'ignore' },
      );
      const server = createServer(
        { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
        (_req, res) => res.end('{}'),
      );
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const pc = new TestPc({ api: { clock: undefined } } as never);
      try {
        await pc.open();
        const url = `https://localhost:${(server.address() as AddressInfo).port}`;
        const error = await pc.kh.sync
          .connect(null, { serverUrl: url, code: 'ABCD-EFGH-JKLM-NPQR', deviceName: 'Till' })
          .then(
            () => null,
            (e: { code: string; message: string }) => e,
          );
        expect(error?.code).toBe('tls_error');
        expect(error?.message).toMatch(/self-signed/);
        expect(pc.kh.sync.status().connected).toBe(false);
      } finally {
        pc.dispose();
        server.closeAllConnections();
        server.close();
      }
    },
  );
});

describe('sync engine: the schedule', () => {
  let world: SyncWorld;
  let maple: string;
  beforeAll(async () => {
    world = await startSyncWorld('sqlite');
    maple = await createStore(world.api, 'Maple Street');
  });
  afterAll(() => world.close());

  const waitForRun = async (pc: TestPc) => {
    for (let i = 0; i < 200 && pc.kh.sync.status().state === 'syncing'; i += 1)
      await new Promise((r) => setTimeout(r, 10));
  };

  it('syncs on an interval, backs off while the server is down, and at once when the network returns', async () => {
    const timers = new ManualTimers();
    const pc = new TestPc(world, timers);
    try {
      await pc.connect(world, maple);
      // After a good run: the next one in 5 minutes.
      expect(timers.pending?.ms).toBe(5 * 60_000);
      expect(pc.kh.sync.status().nextSyncAt).toBe(pc.kh.time.now() + 5 * 60_000);

      world.proxy.down = true;
      timers.fire();
      await waitForRun(pc);
      expect(pc.kh.sync.status().state).toBe('offline');
      const first = timers.pending!.ms;
      timers.fire();
      await waitForRun(pc);
      const second = timers.pending!.ms;
      // Exponential with jitter (random = 0.5 here): each wait longer, never past the interval.
      expect(first).toBeGreaterThanOrEqual(1_000);
      expect(second).toBeGreaterThan(first);
      expect(second).toBeLessThanOrEqual(5 * 60_000);

      world.proxy.down = false;
      pc.kh.sync.networkChanged(true);
      await waitForRun(pc);
      expect(pc.kh.sync.status().state).toBe('idle');
      expect(timers.pending?.ms).toBe(5 * 60_000);

      // A revoked PC does not keep knocking.
      await world.api.s.database.db
        .updateTable('devices')
        .set({ revoked_at: world.api.clock.nowMs() })
        .where('id', '=', pc.kh.deviceId)
        .execute();
      timers.fire();
      await waitForRun(pc);
      expect(pc.kh.sync.status().state).toBe('revoked');
      expect(timers.pending).toBeNull();
    } finally {
      pc.dispose();
    }
  });

  it('two callers share one run', async () => {
    const pc = new TestPc(world);
    try {
      await pc.connect(world, maple);
      const before = world.proxy.count('/sync/pull');
      const [a, b] = await Promise.all([pc.kh.sync.syncNow(), pc.kh.sync.syncNow()]);
      expect(a.state).toBe('idle');
      expect(b.state).toBe('idle');
      expect(world.proxy.count('/sync/pull') - before).toBe(1);
    } finally {
      pc.dispose();
    }
  });
});
