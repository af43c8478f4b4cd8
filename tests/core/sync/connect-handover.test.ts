// Connecting a standalone PC hands its people over to the server's store
// (common/sync/handover.ts): real cores against a real sync server on loopback, on both dialects.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../common/policy/policy';
import { EnrollmentService } from '../../../backend-sync/sync/enrollment.service';
import { createPerson, createStore, type Person } from '../../backend/stores/support/admin-api';
import { describeEachDialect } from '../../backend/support/server-harness';
import { ADMIN_PASSWORD, errorCode, expectStep } from '../../support/core-harness';
import { asBeforeStoreKeys } from '../../support/pre-store-keys';
import { issueCode, startSyncWorld, TestPc, type SyncWorld } from './support/sync-world';

const PASSWORDS: Record<Role, string> = {
  admin: ADMIN_PASSWORD,
  manager: 'the safe keys live in the back office',
  viewer: 'espresso tamper on the counter',
};

describeEachDialect('connecting a standalone PC hands its people over', (dialect) => {
  let world: SyncWorld;
  let maple: string;
  let oak: string;
  let mia: Person;
  const pcs: TestPc[] = [];

  beforeAll(async () => {
    world = await startSyncWorld(dialect);
    maple = await createStore(world.api, 'Maple Street');
    oak = await createStore(world.api, 'Oak Avenue');
    mia = await createPerson(world.api, { role: 'manager', stores: [maple], name: 'Mia M' });
  });
  afterAll(async () => {
    for (const pc of pcs) pc.dispose();
    await world.close();
  });

  /** A standalone PC set up by Ada (admin), with people of its own who signed in once. */
  async function standalonePc() {
    const pc = new TestPc(world);
    pcs.push(pc);
    const { session, secret } = await pc.setUp();
    const person = async (role: Role, username: string, email: string) => {
      const made = await pc.kh.staff.create(session.sessionId, {
        username,
        displayName: username,
        email,
        role,
      });
      const first = expectStep(
        await pc.kh.signIn.signIn(username, made.temporaryPassword),
        'needs_password_change',
      );
      let step = await pc.kh.signIn.submitNewPassword(first.challengeId, PASSWORDS[role]);
      let totp = '';
      if (step.status === 'needs_totp_enrollment') {
        const enrollment = await pc.kh.signIn.beginEnrollment(step.challengeId);
        totp = enrollment.manualKey.replace(/\s/g, '');
        step = await pc.kh.signIn.confirmEnrollment(step.challengeId, pc.code(totp));
        pc.clock.advance(30_000);
      }
      const signedIn = expectStep(step, 'signed_in').session;
      pc.kh.sessions.end(signedIn.sessionId, 'signed_out');
      return { id: made.account.id, username, totp };
    };
    return { pc, admin: session, adminSecret: secret, person };
  }

  /** Password + authenticator on this PC: the status the sign-in reaches. */
  async function signIn(pc: TestPc, username: string, password: string, totp: string) {
    pc.clock.advance(30_000);
    const first = await pc.kh.signIn.signIn(username, password);
    if (first.status === 'signed_in') return { status: first.status, role: first.session.role };
    if (first.status !== 'needs_totp') return { status: first.status, role: null };
    const done = await pc.kh.signIn.submitCode(first.challengeId, pc.code(totp));
    return { status: done.status, role: done.status === 'signed_in' ? done.session.role : null };
  }

  const accounts = (pc: TestPc) =>
    (
      pc.kh.db.prepare('SELECT username FROM accounts ORDER BY username').all() as {
        username: string;
      }[]
    ).map((a) => a.username);

  it('a refused connect leaves the standalone store as it was', async () => {
    const { pc, admin, person } = await standalonePc();
    const cam = await person('viewer', 'cam.crew', 'cam@pc.example');
    const before = { people: accounts(pc), head: pc.kh.audit.headSeq() };
    const input = { serverUrl: world.url, deviceName: 'Till 1', confirmHandover: true };

    // Not confirmed: refused before anything is asked of the server.
    expect(
      await errorCode(() =>
        pc.kh.sync.connect(admin.sessionId, {
          ...input,
          code: 'AAAA-BBBB-CCCC-DDDD',
          confirmHandover: false,
        }),
      ),
    ).toBe('handover_not_confirmed');
    // A wrong code: the server's generic refusal.
    expect(
      await errorCode(() =>
        pc.kh.sync.connect(admin.sessionId, { ...input, code: 'AAAA-BBBB-CCCC-DDDD' }),
      ),
    ).toBe('enrollment_refused');
    // The server refuses the enrollment itself after the preview (this PC's id is enrolled).
    const code = await issueCode(world.api, maple);
    const elsewhere = await new EnrollmentService(
      world.api.s.database.db,
      world.api.clock,
    ).issueCode(oak, world.api.adminId);
    await new EnrollmentService(world.api.s.database.db, world.api.clock).enroll({
      code: elsewhere.code,
      deviceId: pc.kh.deviceId,
      deviceName: 'Impostor',
      appVersion: '0.1.0',
      auditMacKey: Buffer.alloc(32).toString('base64'),
    });
    expect(await errorCode(() => pc.kh.sync.connect(admin.sessionId, { ...input, code }))).toBe(
      'device_exists',
    );
    // Nothing was handed over, and the PC is the standalone PC it was.
    const created = await world.api.s.database.db
      .selectFrom('users')
      .select('id')
      .where('id', '=', cam.id)
      .execute();
    expect(created).toEqual([]);
    expect(pc.kh.sync.status().connected).toBe(false);
    expect(pc.kh.authority.active()).toBe(true);
    expect(accounts(pc)).toEqual(before.people);
    expect(pc.kh.audit.query({ action: 'sync.connect' }).entries).toEqual([]);
    expect((await signIn(pc, 'cam.crew', PASSWORDS.viewer, cam.totp)).status).toBe('signed_in');
  });

  it('shows the plan, then hands people over: they go on signing in, the admin as a manager', async () => {
    const { pc, admin, adminSecret, person } = await standalonePc();
    const cam = await person('viewer', 'cam.crew2', 'cam2@pc.example');
    await person('viewer', 'dee.crew', '');
    const code = await issueCode(world.api, maple);

    const preview = await pc.kh.sync.previewConnect(admin.sessionId, {
      serverUrl: world.url,
      code,
    });
    expect(preview).toMatchObject({
      storeName: 'Maple Street',
      keepsAWayIn: true,
      serverPeople: [{ username: mia.username, displayName: 'Mia M', role: 'manager' }],
    });
    expect(preview.plan.map((e) => [e.username, e.outcome, e.reason, e.serverRole])).toEqual([
      ['ada.admin', 'handed_over', 'role_lowered', 'manager'],
      ['cam.crew2', 'handed_over', 'new', 'viewer'],
      ['dee.crew', 'not_handed_over', 'no_email', 'viewer'],
    ]);

    // An address typed for someone without one hands them over too (only such a person's).
    const dee = pc.kh.db.prepare("SELECT id FROM accounts WHERE username = 'dee.crew'").get() as {
      id: string;
    };
    const typed = { [dee.id]: 'dee@pc.example', [cam.id]: 'not-used@pc.example' };
    const again = await pc.kh.sync.previewConnect(admin.sessionId, {
      serverUrl: world.url,
      code,
      emails: typed,
    });
    expect(again.plan.map((e) => [e.username, e.outcome])).toEqual([
      ['ada.admin', 'handed_over'],
      ['cam.crew2', 'handed_over'],
      ['dee.crew', 'handed_over'],
    ]);

    const status = await pc.kh.sync.connect(admin.sessionId, {
      serverUrl: world.url,
      code,
      deviceName: 'Till 2',
      confirmHandover: true,
      emails: { [dee.id]: 'dee@pc.example' },
    });
    expect(status).toMatchObject({ connected: true, state: 'idle', storeName: 'Maple Street' });
    // The server holds the store's people: the three handed over and Mia.
    expect(accounts(pc).sort()).toEqual(
      ['ada.admin', 'cam.crew2', 'dee.crew', mia.username].sort(),
    );
    const connect = pc.kh.audit.query({ action: 'sync.connect' }).entries[0]!;
    expect(connect.details).toMatchObject({ handedOver: 3, kept: 0, notHandedOver: 0 });
    const emails = await world.api.s.database.db
      .selectFrom('users')
      .select(['username', 'email'])
      .where('id', 'in', [dee.id, cam.id])
      .orderBy('username')
      .execute();
    expect(emails).toEqual([
      { username: 'cam.crew2', email: 'cam2@pc.example' },
      { username: 'dee.crew', email: 'dee@pc.example' },
    ]);

    // Everyone handed over signs in with what they had; Ada keeps a way in, as a manager.
    expect(await signIn(pc, 'Ada.Admin', ADMIN_PASSWORD, adminSecret)).toEqual({
      status: 'signed_in',
      role: 'manager',
    });
    expect(await signIn(pc, 'cam.crew2', PASSWORDS.viewer, cam.totp)).toEqual({
      status: 'signed_in',
      role: 'viewer',
    });
    // Their records are the server's now (signed with its key), with the same ids.
    const server = await world.api.s.database.db
      .selectFrom('users')
      .innerJoin('user_stores', 'user_stores.user_id', 'users.id')
      .select(['users.id', 'users.username', 'users.role', 'user_stores.store_id'])
      .where('users.id', '=', cam.id)
      .execute();
    expect(server).toEqual([
      { id: cam.id, username: 'cam.crew2', role: 'viewer', store_id: maple },
    ]);
  });

  it('refuses to connect when the admin would be left without a way in, and changes nothing', async () => {
    const { pc, admin } = await standalonePc();
    // Ada's username is now someone's at Maple Street (handed over above): not at Oak Avenue.
    const code = await issueCode(world.api, oak);
    const preview = await pc.kh.sync.previewConnect(admin.sessionId, {
      serverUrl: world.url,
      code,
    });
    expect(preview.keepsAWayIn).toBe(false);
    expect(preview.plan[0]).toMatchObject({
      username: 'ada.admin',
      outcome: 'not_handed_over',
      reason: 'username_taken',
    });
    expect(
      await errorCode(() =>
        pc.kh.sync.connect(admin.sessionId, {
          serverUrl: world.url,
          code,
          deviceName: 'Till 3',
          confirmHandover: true,
        }),
      ),
    ).toBe('connect_no_way_in');
    expect(pc.kh.sync.status().connected).toBe(false);
    expect(pc.kh.authority.active()).toBe(true);
    // The code was not used: it still previews.
    expect(
      (await pc.kh.sync.previewConnect(admin.sessionId, { serverUrl: world.url, code })).storeName,
    ).toBe('Oak Avenue');
  });

  it('never hands over a person whose row was edited behind Keyholder’s back', async () => {
    const { pc, admin, person } = await standalonePc();
    const fay = await person('viewer', 'fay.crew', 'fay@pc.example');
    // Someone at the desktop makes crew a manager in the store file (no service, no signature).
    pc.kh.db.prepare("UPDATE accounts SET role = 'manager' WHERE id = ?").run(fay.id);
    const code = await issueCode(world.api, oak);
    const preview = await pc.kh.sync.previewConnect(admin.sessionId, {
      serverUrl: world.url,
      code,
    });
    expect(preview.plan.find((e) => e.id === fay.id)).toMatchObject({
      outcome: 'not_handed_over',
      reason: 'record_check_failed',
    });
    // Ada (handed over above) is assigned to Birch Lane on the server too: she is kept there.
    const birch = await createStore(world.api, 'Birch Lane');
    const db = world.api.s.database.db;
    const ada = await db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'ada.admin')
      .executeTakeFirstOrThrow();
    await db.insertInto('user_stores').values({ user_id: ada.id, store_id: birch }).execute();
    const birchCode = await issueCode(world.api, birch);
    const plan = await pc.kh.sync.previewConnect(admin.sessionId, {
      serverUrl: world.url,
      code: birchCode,
    });
    expect(plan.plan.map((e) => [e.username, e.outcome, e.reason])).toEqual([
      ['ada.admin', 'kept', 'same_username'],
      ['fay.crew', 'not_handed_over', 'record_check_failed'],
    ]);
    const status = await pc.kh.sync.connect(admin.sessionId, {
      serverUrl: world.url,
      code: birchCode,
      deviceName: 'Till 5',
      confirmHandover: true,
    });
    expect(status).toMatchObject({ connected: true, state: 'idle' });
    // Fay was not sent; the edited row left this PC with the first pull.
    expect(accounts(pc)).toEqual(['ada.admin']);
    const onServer = await world.api.s.database.db
      .selectFrom('users')
      .select('id')
      .where('id', '=', fay.id)
      .execute();
    expect(onServer).toEqual([]);
  });

  it('asks for the admin’s password before handing anyone over', async () => {
    const { pc, adminSecret } = await standalonePc();
    const session = await pc.signInWithCode('Ada.Admin', ADMIN_PASSWORD, adminSecret, {
      stepUp: false,
    });
    const code = await issueCode(world.api, oak);
    expect(
      await errorCode(() =>
        pc.kh.sync.connect(session.sessionId, {
          serverUrl: world.url,
          code,
          deviceName: 'Till 4',
          confirmHandover: true,
        }),
      ),
    ).toBe('password_required');
    expect(pc.kh.sync.status().connected).toBe(false);
  });

  it('a PC from before store keys: the admin’s password signs every record, then they are handed over', async () => {
    const { pc, adminSecret, person } = await standalonePc();
    const cam = await person('viewer', 'cam.legacy', 'cam.legacy@pc.example');
    await asBeforeStoreKeys(pc);
    // Ada is on the server already (handed over above): assigned to Elm Row, she is kept there.
    const elm = await createStore(world.api, 'Elm Row');
    const db = world.api.s.database.db;
    const ada = await db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'ada.admin')
      .executeTakeFirstOrThrow();
    await db.insertInto('user_stores').values({ user_id: ada.id, store_id: elm }).execute();
    const session = await pc.signInWithCode('Ada.Admin', ADMIN_PASSWORD, adminSecret, {
      stepUp: false,
    });
    const code = await issueCode(world.api, elm);
    const input = { serverUrl: world.url, code, deviceName: 'Till 6', confirmHandover: true };
    const preview = await pc.kh.sync.previewConnect(session.sessionId, input);
    expect(preview.plan.map((e) => [e.username, e.outcome])).toEqual([
      ['ada.admin', 'kept'],
      ['cam.legacy', 'handed_over'],
    ]);
    expect(await errorCode(() => pc.kh.sync.connect(session.sessionId, input))).toBe(
      'password_required',
    );
    await pc.kh.authority.unlock(session, ADMIN_PASSWORD);
    expect(pc.kh.authority.active()).toBe(true);
    expect(await pc.kh.sync.connect(session.sessionId, input)).toMatchObject({
      connected: true,
      state: 'idle',
    });
    expect(await signIn(pc, 'cam.legacy', PASSWORDS.viewer, cam.totp)).toEqual({
      status: 'signed_in',
      role: 'viewer',
    });
  });

  describe('who may ask', () => {
    it('crew cannot preview or connect', async () => {
      const { pc, person } = await standalonePc();
      const crew = await person('viewer', `eve.${randomUUID().slice(0, 6)}`, '');
      const session = expectStep(
        await pc.kh.signIn.signIn(crew.username, PASSWORDS.viewer),
        'signed_in',
      ).session;
      const code = await issueCode(world.api, oak);
      expect(
        await errorCode(() =>
          pc.kh.sync.previewConnect(session.sessionId, { serverUrl: world.url, code }),
        ),
      ).toBe('forbidden');
    });
  });
});
