// Issue 12, "How it is shown": the audit log's tail, its head and the trusted-time seal,
// attacked through the real store and keychain of a connected PC. Cutting or rewriting what
// the PC holds is detected, never repaired, and what the server was already told stays true.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../../electron/core/keychain/keytar-secret-store';
import { secretName, type SecretKind } from '../../../electron/core/keychain/secret-store';
import { PASSWORD } from '../../backend/auth/support/auth-helpers';
import { createPerson, createStore, type Person } from '../../backend/stores/support/admin-api';
import { errorCode } from '../../support/core-harness';
import { DesktopAttacker } from '../../support/desktop-attacker';
import { describeWithKeychain } from '../../support/keyring';
import { startSyncWorld, TestPc, type SyncWorld } from '../sync/support/sync-world';

const HOUR = 3_600_000;
const KINDS: SecretKind[] = ['database-key', 'audit-mac-key', 'time-seal-key', 'device-credential'];

describeWithKeychain('a shared store PC: its audit log and clock attacked from the desktop', () => {
  let world: SyncWorld;
  let store: string;
  let cam: Person;
  let dee: Person;
  const keychain = new KeytarSecretStore({ service: `Keyholder-test-${randomUUID()}` });
  const pcs: TestPc[] = [];

  async function connectedPc() {
    const pc = new TestPc(world, undefined, keychain);
    pcs.push(pc);
    await pc.connect(world, store);
    return { pc, attacker: new DesktopAttacker(pc.dir, keychain, pc.kh.profileId) };
  }
  const tampers = (pc: TestPc) =>
    pc.kh.audit
      .query({ action: 'integrity.tamper', limit: 100 })
      .entries.map((e) => `${String(e.details.subject)}:${String(e.details.reason)}`);
  const chainBreaks = async (pc: TestPc) =>
    (
      await world.api.s.database.db
        .selectFrom('server_audit')
        .select('details')
        .where('action', '=', 'audit.chain_break')
        .where('target_id', '=', pc.kh.deviceId)
        .execute()
    ).map((r) => JSON.parse(r.details) as Record<string, unknown>);
  /** Failed sign-ins: audited events that happen while nobody syncs. */
  const failedSignIns = async (pc: TestPc, n: number) => {
    for (let i = 0; i < n; i += 1) {
      world.api.clock.advance(60_000);
      expect(await errorCode(() => pc.kh.signIn.signIn(cam.username, 'not the password'))).toBe(
        'invalid_credentials',
      );
    }
  };
  const headSeq = (pc: TestPc) => pc.kh.audit.after(0, 100_000).at(-1)?.seq ?? 0;

  beforeAll(async () => {
    world = await startSyncWorld('sqlite');
    store = await createStore(world.api, 'Maple Street');
    cam = await createPerson(world.api, { role: 'viewer', stores: [store] });
    dee = await createPerson(world.api, { role: 'viewer', stores: [store] });
  });
  afterEach(async () => {
    world.proxy.down = false;
    for (const pc of pcs.splice(0)) {
      const profile = pc.kh.profileId;
      pc.dispose();
      for (const kind of KINDS) await keychain.delete(secretName(profile, kind));
    }
  });
  afterAll(() => world.close());

  it('the unsynced tail cut, then a new event: recorded as a break that stays, sign-in waits for a sync', async () => {
    const { pc, attacker } = await connectedPc();
    await failedSignIns(pc, 4);
    const head = headSeq(pc);
    // While Keyholder runs: the last three entries go (the evidence of those attempts).
    await attacker.edit((db) => db.prepare('DELETE FROM audit_log WHERE seq > ?').run(head - 3));
    await failedSignIns(pc, 1); // the next audited event notices, before it extends the chain
    expect(tampers(pc)).toContain('audit:truncated');
    expect(pc.kh.audit.verify()).toMatchObject({
      ok: false,
      firstBadSeq: head - 2,
      reason: 'truncated',
    });
    // Not Cam (her failures delay her next try): anyone, until a sync starts a new count.
    expect(await errorCode(() => pc.kh.signIn.signIn(dee.username, PASSWORD))).toBe(
      'sync_required',
    );
    // Still reported after a restart, and the server is told at the next sync.
    await pc.reopen();
    expect(pc.kh.audit.verify()).toMatchObject({ ok: false, reason: 'truncated' });
    expect(await errorCode(() => pc.kh.signIn.signIn(dee.username, PASSWORD))).toBe(
      'sync_required',
    );
    expect((await pc.kh.sync.syncNow()).lastError).toBeNull();
    const onServer = await world.api.s.database.db
      .selectFrom('server_audit')
      .select('details')
      .where('action', '=', 'device.tamper')
      .where('target_id', '=', pc.kh.deviceId)
      .execute();
    expect(onServer.map((r) => JSON.parse(r.details).reason)).toContain('truncated');
    expect((await pc.kh.signIn.signIn(dee.username, PASSWORD)).status).toBe('needs_totp');
  });

  it('the sealed head deleted, or the whole log with it: tampering, found at start-up', async () => {
    const { pc, attacker } = await connectedPc();
    pc.kh.close();
    await attacker.edit((db) =>
      db.prepare("DELETE FROM sealed_state WHERE name = 'audit_head'").run(),
    );
    await pc.open();
    expect(tampers(pc)).toContain('audit:head_missing');

    const other = await connectedPc();
    await failedSignIns(other.pc, 2);
    await other.pc.kh.sync.syncNow(); // the server now holds the whole log
    other.pc.kh.close();
    await other.attacker.edit((db) => {
      db.prepare('DELETE FROM audit_log').run();
      db.prepare("DELETE FROM sealed_state WHERE name = 'audit_head'").run();
    });
    await other.pc.open();
    expect(tampers(other.pc)).toContain('audit:log_deleted');
    // The new log restarts at seq 1: the PC's next pull reports far less than before.
    await other.pc.kh.sync.syncNow();
    expect(await chainBreaks(other.pc)).toContainEqual(
      expect.objectContaining({ reason: 'head_went_back', nowSeq: headSeq(other.pc) }),
    );
  });

  it('a log cut and its head re-sealed with the keychain’s key: the server still notices', async () => {
    const { pc, attacker } = await connectedPc();
    await failedSignIns(pc, 3);
    await pc.kh.sync.syncNow(); // reports its head, then uploads
    const reportedHead = headSeq(pc);
    pc.kh.close();
    // A perfect local forgery: the last entries gone and the head sealed again as Keyholder
    // would, with the MAC key read from the keychain (and the time seal to match).
    await attacker.edit(async (db) => {
      db.prepare('DELETE FROM audit_log WHERE seq > ?').run(reportedHead - 2);
      const last = db
        .prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')
        .get() as { seq: number; hash: string };
      const head = JSON.stringify({ seq: last.seq, hash: last.hash });
      db.prepare("UPDATE sealed_state SET value = ?, mac = ? WHERE name = 'audit_head'").run(
        head,
        await attacker.seal('audit-mac-key', 'audit_head', head),
      );
    });
    await pc.open();
    await pc.kh.sync.syncNow();
    expect(await chainBreaks(pc)).toContainEqual(
      expect.objectContaining({ reason: 'head_went_back', reportedSeq: reportedHead }),
    );
  });

  it('the time seal deleted or an older one put back: a clock problem, like a clock set back', async () => {
    const { pc, attacker } = await connectedPc();
    const older = await attacker.edit((db) =>
      db.prepare("SELECT value, mac FROM sealed_state WHERE name = 'trusted_time'").get(),
    );
    await failedSignIns(pc, 2);
    pc.kh.close();
    await attacker.edit((db) =>
      db
        .prepare("UPDATE sealed_state SET value = @value, mac = @mac WHERE name = 'trusted_time'")
        .run(older),
    );
    await pc.open();
    expect(await errorCode(() => pc.kh.signIn.signIn(cam.username, PASSWORD))).toBe(
      'clock_problem',
    );
    const anomalies = pc.kh.audit.query({ action: 'time.anomaly' }).entries;
    expect(anomalies.map((e) => e.details.seal)).toContain('seal_stale');

    // A sync re-anchors time from the server; then the seal goes altogether.
    await pc.kh.sync.syncNow();
    expect((await pc.kh.signIn.signIn(cam.username, PASSWORD)).status).toBe('needs_totp');
    pc.kh.close();
    await attacker.edit((db) =>
      db.prepare("DELETE FROM sealed_state WHERE name = 'trusted_time'").run(),
    );
    await pc.open();
    expect(await errorCode(() => pc.kh.signIn.signIn(cam.username, PASSWORD))).toBe(
      'clock_problem',
    );
    expect(pc.kh.audit.query({ action: 'time.anomaly' }).entries[0]?.details.seal).toBe(
      'seal_missing',
    );
  });

  it('a seal re-made with the keychain’s key does not hide a clock set back: the chain remembers', async () => {
    const { pc, attacker } = await connectedPc();
    world.proxy.down = true;
    world.api.clock.advance(6 * HOUR);
    await failedSignIns(pc, 2); // hours of attempts, each audited at trusted time
    pc.kh.close();
    // The clock goes back five hours, and the seal is written as if nothing had happened.
    world.api.clock.setWall(world.api.clock.nowMs() - 5 * HOUR);
    await attacker.edit(async (db) => {
      const last = db
        .prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')
        .get() as { seq: number; hash: string };
      const value = JSON.stringify({
        highWater: world.api.clock.nowMs(),
        anomalySince: null,
        anomalyWall: null,
        auditSeq: last.seq,
        auditHash: last.hash,
      });
      db.prepare("UPDATE sealed_state SET value = ?, mac = ? WHERE name = 'trusted_time'").run(
        value,
        await attacker.seal('time-seal-key', 'trusted_time', value),
      );
    });
    await pc.open();
    expect(await errorCode(() => pc.kh.signIn.signIn(cam.username, PASSWORD))).toBe(
      'clock_problem',
    );
  });
});
