import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openKeyholder, type Keyholder } from '../../../electron/core/keyholder';
import { KeytarSecretStore } from '../../../electron/core/keychain/keytar-secret-store';
import {
  secretName,
  type SecretKind,
  type SecretStore,
} from '../../../electron/core/keychain/secret-store';
import { describeEachDialect } from '../../backend/support/server-harness';
import { describeWithKeychain } from '../../support/keyring';
import { MemorySecretStore } from '../../support/memory-secret-store';
import { Child, killAllChildren, sleep, until } from './support/child';
import { KillWorld } from './support/kill9-world';
import { serverChainIn } from './support/sync-world';

/**
 * Invariant 8 with real processes: a kill -9 of the sync server or of the store PC, at random
 * points of a sync, leaves a state that converges on the next runs, with every audit entry on
 * the server exactly once and both chains intact.
 */

const KILLS = 20;
/** Generous: on an idle 2-core machine each test takes well under this; CI runners may be busy. */
const TIMEOUT_MS = 240_000;
const PC_CHILD = 'tests/core/sync/support/pc-child.ts';

/** Sync options for an in-process PC: no timers, short real sleeps between retries. */
const FAST_SYNC = {
  attempts: 3,
  sleep: (ms: number) => sleep(Math.min(ms, 50)),
  timers: { set: () => null, clear: () => undefined },
};

function appendBacklog(kh: Keyholder, count: number): void {
  kh.db.transaction(() => {
    for (let i = 0; i < count; i += 1) {
      kh.audit.append({ action: 'auth.session_lock', outcome: 'success', details: { i } });
    }
  })();
}

function localHead(kh: Keyholder): number {
  return (kh.db.prepare('SELECT coalesce(max(seq), 0) AS n FROM audit_log').get() as { n: number })
    .n;
}

/** Every local entry on the server once, in order, and the server's copy verifies. */
async function expectServerHoldsChain(world: KillWorld, kh: Keyholder, secrets: SecretStore) {
  const macKey = (await secrets.get(secretName(kh.profileId, 'audit-mac-key')))!;
  const chain = await serverChainIn((await world.database()).db, kh.deviceId, macKey);
  const head = localHead(kh);
  expect(head).toBeGreaterThan(0);
  expect(chain.count).toBe(head);
  expect(chain.seqs).toEqual(Array.from({ length: head }, (_, i) => i + 1));
  expect(chain.verified).toBe(true);
}

describeEachDialect('kill -9 of the sync server', (dialect) => {
  let world: KillWorld;
  let kh: Keyholder;
  const secrets = new MemorySecretStore();
  let pcDir = '';

  beforeAll(async () => {
    pcDir = mkdtempSync(join(tmpdir(), 'keyholder-kill9-pc-'));
    world = await KillWorld.create(dialect, 10);
    const code = await world.issueCode();
    await world.startChild();
    kh = await openKeyholder({ dataDir: pcDir, secrets, sync: FAST_SYNC });
    const connected = await kh.sync.connect(null, {
      serverUrl: world.url,
      code,
      deviceName: 'Till 1',
    });
    expect(connected).toMatchObject({ state: 'idle', pendingEntries: 0 });
  }, TIMEOUT_MS);
  afterAll(async () => {
    kh?.close();
    if (pcDir) rmSync(pcDir, { recursive: true, force: true });
    await world?.close();
    await killAllChildren();
  });

  it(
    `killed ${KILLS} times at random points of an upload, it holds every entry exactly once`,
    async () => {
      appendBacklog(kh, 4_000);
      let killedMidUpload = 0;
      for (let kill = 0; kill < KILLS; kill += 1) {
        // Enough waiting that the upload outlasts the kill window (~17,000 entries/s here).
        if (kh.sync.status().pendingEntries < 4_000) appendBacklog(kh, 4_000);
        const run = kh.sync.syncNow();
        await until(() => kh.sync.status().progress?.phase === 'upload', 20_000, 'the upload');
        await sleep(Math.random() * 150);
        const acknowledged = kh.sync.stateRepository.get()!.acknowledgedSeq;
        await world.killChild();
        const after = await run;
        // The PC noticed: the run ended offline with entries still to send.
        if (after.state === 'offline' && after.pendingEntries > 0) killedMidUpload += 1;
        expect(kh.sync.stateRepository.get()!.acknowledgedSeq).toBeGreaterThanOrEqual(acknowledged);
        await world.startChild();
      }
      expect(killedMidUpload).toBeGreaterThanOrEqual(KILLS - 2);

      // The next run converges (one more if its first request met the restart).
      let status = await kh.sync.syncNow();
      if (status.pendingEntries > 0) status = await kh.sync.syncNow();
      expect(status).toMatchObject({ state: 'idle', pendingEntries: 0, lastError: null });
      await world.stopChildren();
      await expectServerHoldsChain(world, kh, secrets);
      expect(kh.audit.verify()).toMatchObject({ ok: true });
    },
    TIMEOUT_MS,
  );
});

describeWithKeychain('kill -9 of the store PC', () => {
  const STORE_SIZE = 620; // more than one pull page (500)
  let world: KillWorld;
  const service = `keyholder-test-kill9-${randomBytes(4).toString('hex')}`;
  const secrets = new KeytarSecretStore({ service });
  let pcDir = '';
  let profileId: string | null = null;
  const spawnPc = () =>
    Child.spawn('store PC', PC_CHILD, {
      KH_PC_DATA_DIR: pcDir,
      KH_PC_KEYCHAIN_SERVICE: service,
      KH_PC_PASSWORD_HASH: world.passwordHash,
      KH_PC_AUDIT_BACKLOG: '1200',
      KH_PC_ACCOUNT_CHANGES: '150',
    });

  beforeAll(async () => {
    pcDir = mkdtempSync(join(tmpdir(), 'keyholder-kill9-pc-'));
    world = await KillWorld.create('sqlite', STORE_SIZE);
    await world.listenHere();
    // Connected once (enrollment is not what this test kills), then closed like an app.
    const kh = await openKeyholder({ dataDir: pcDir, secrets, sync: FAST_SYNC });
    profileId = kh.profileId;
    const status = await kh.sync.connect(null, {
      serverUrl: world.url,
      code: await world.issueCode(),
      deviceName: 'Till 1',
    });
    expect(status).toMatchObject({ state: 'idle', pendingEntries: 0 });
    expect(kh.db.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual({ n: STORE_SIZE });
    kh.close();
  }, TIMEOUT_MS);
  afterAll(async () => {
    await killAllChildren();
    await world?.close();
    if (profileId) {
      const kinds: SecretKind[] = [
        'database-key',
        'audit-mac-key',
        'time-seal-key',
        'device-credential',
      ];
      for (const kind of kinds)
        await secrets.delete(secretName(profileId, kind)).catch(() => false);
    }
    if (pcDir) rmSync(pcDir, { recursive: true, force: true });
  });

  it(
    `killed ${KILLS} times during pulls, account pushes and uploads, it converges`,
    async () => {
      const seeded = [...(await world.membership()).keys()];
      const targets = ['pull', 'accounts', 'audit', 'anywhere'] as const;
      const kills: Record<(typeof targets)[number], number> = {
        pull: 0,
        accounts: 0,
        audit: 0,
        anywhere: 0,
      };
      let standby = spawnPc();
      let total = 0;
      for (let round = 0; total < KILLS; round += 1) {
        expect(round).toBeLessThan(KILLS * 2);
        // Meanwhile on the server: everyone edited (two pull pages), and people come and go.
        await world.touchEveryone();
        if (round % 4 === 1) {
          await world.removeFromStore(seeded.pop()!);
          await world.disable(seeded.pop()!);
          await world.addPeople(2);
        }
        const pc = standby;
        standby = spawnPc();
        await pc.waitFor('loaded');
        pc.send('go work');
        const target = targets[round % targets.length]!;
        const finished = pc.waitFor((l) => l.startsWith('done '), 60_000).then(() => 'done');
        const reached =
          target === 'anywhere'
            ? sleep(Math.random() * 2_000).then(() => 'reached')
            : pc.waitFor(`request ${target}`, 60_000).then(async () => {
                await sleep(Math.random() * 40);
                return 'reached';
              });
        const first = await Promise.race([finished, reached]);
        finished.catch(() => undefined);
        if (first === 'reached' && pc.alive) {
          await pc.kill9();
          kills[target] += 1;
          total += 1;
        } else {
          await pc.exited;
        }
      }
      expect(kills.pull).toBeGreaterThanOrEqual(4);
      expect(kills.accounts).toBeGreaterThanOrEqual(3);
      expect(kills.audit).toBeGreaterThanOrEqual(4);

      // The next start runs to the end.
      await standby.waitFor('loaded');
      standby.send('go finish');
      const done = await standby.waitFor((l) => l.startsWith('done '), 60_000);
      await standby.exited;
      expect(JSON.parse(done.slice(5))).toMatchObject({ state: 'idle', pendingEntries: 0 });

      // Reopened (integrity is checked at open), in step with the server.
      const kh = await openKeyholder({ dataDir: pcDir, secrets, sync: FAST_SYNC });
      try {
        const status = await kh.sync.syncNow();
        expect(status).toMatchObject({
          state: 'idle',
          pendingEntries: 0,
          pendingAccountChanges: 0,
          lastError: null,
        });
        expect(kh.db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
        expect(kh.audit.verify()).toMatchObject({ ok: true });
        expect(kh.db.prepare('SELECT count(*) AS n FROM account_outbox').get()).toEqual({ n: 0 });
        await expectServerHoldsChain(world, kh, secrets);

        const members = await world.membership();
        const local = kh.db.prepare('SELECT id, status, server_version FROM accounts').all() as {
          id: string;
          status: string;
          server_version: number;
        }[];
        expect(local.map((a) => a.id).sort()).toEqual([...members.keys()].sort());
        for (const account of local) {
          const server = members.get(account.id)!;
          expect(account.status).toBe(server.status);
          if (server.status === 'active') expect(account.server_version).toBe(server.version);
        }
      } finally {
        kh.close();
      }
    },
    TIMEOUT_MS,
  );
});
