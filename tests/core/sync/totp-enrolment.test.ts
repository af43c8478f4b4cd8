// An authenticator enrolled on a connected PC (issue 12): sent to the sync server signed by its
// owner, signed into the person's record, and so working on every PC of the store; removed by
// hand afterwards, noticed; an admin's reset on the server wins over an older enrolment.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { PASSWORD } from '../../backend/auth/support/auth-helpers';
import {
  call,
  createPerson,
  createStore,
  type Person,
} from '../../backend/stores/support/admin-api';
import { describeEachDialect } from '../../backend/support/server-harness';
import { errorCode, expectStep } from '../../support/core-harness';
import { startSyncWorld, TestPc, type SyncWorld } from './support/sync-world';

describeEachDialect('an authenticator enrolled on a store PC', (dialect) => {
  let world: SyncWorld;
  let store: string;
  const pcs: TestPc[] = [];

  beforeAll(async () => {
    world = await startSyncWorld(dialect);
    store = await createStore(world.api, 'Maple Street');
  });
  afterEach(() => {
    for (const pc of pcs.splice(0)) pc.dispose();
  });
  afterAll(() => world.close());

  async function connectedPc() {
    const pc = new TestPc(world);
    pcs.push(pc);
    await pc.connect(world, store);
    return pc;
  }
  /** Cam signs in with his password and enrols a phone in My account; returns its secret. */
  async function enrol(pc: TestPc, cam: Person): Promise<string> {
    const session = expectStep(await pc.kh.signIn.signIn(cam.username, PASSWORD), 'signed_in');
    const start = await pc.kh.myAccount.beginTotpEnrollment(session.session.sessionId, PASSWORD);
    const secret = start.manualKey.replace(/\s/g, '');
    await pc.kh.myAccount.confirmTotpEnrollment(session.session.sessionId, pc.code(secret));
    pc.clock.advance(30_000);
    return secret;
  }
  const serverSecretSet = async (id: string) =>
    (
      await world.api.s.database.db
        .selectFrom('users')
        .select('totp_secret')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).totp_secret !== null;
  const results = (pc: TestPc) =>
    pc.kh.audit
      .query({ action: 'sync.account_change', limit: 50 })
      .entries.filter((e) => e.details.kind === 'totp_enrolled')
      .map((e) => e.details.result);

  it('reaches the server and the store’s other PC: one phone for both', async () => {
    const cam = await createPerson(world.api, { role: 'viewer', stores: [store], totp: false });
    const till1 = await connectedPc();
    const till2 = await connectedPc();
    const secret = await enrol(till1, cam);
    expect((await till1.kh.sync.syncNow()).lastError).toBeNull();
    expect(results(till1)).toEqual(['applied']);
    expect(await serverSecretSet(cam.id)).toBe(true);

    await till2.kh.sync.syncNow();
    const first = expectStep(await till2.kh.signIn.signIn(cam.username, PASSWORD), 'needs_totp');
    expectStep(
      await till2.kh.signIn.submitCode(first.challengeId, till2.code(secret)),
      'signed_in',
    );
    // Now the server's: only an admin's reset there takes it away.
    const again = expectStep(await till1.kh.signIn.signIn(cam.username, PASSWORD), 'needs_totp');
    const session = expectStep(
      await till1.kh.signIn.submitCode(again.challengeId, till1.code(secret, 1)),
      'signed_in',
    ).session;
    expect(
      await errorCode(() =>
        till1.kh.myAccount.disableTotp(session.sessionId, PASSWORD, till1.code(secret, 2)),
      ),
    ).toBe('totp_managed');
  });

  it('deleted from the PC’s store once the server signed it: noticed, and nobody signs in as Cam', async () => {
    const cam = await createPerson(world.api, { role: 'viewer', stores: [store], totp: false });
    const till = await connectedPc();
    await enrol(till, cam);
    await till.kh.sync.syncNow();
    till.kh.db.prepare('UPDATE accounts SET totp_secret = NULL WHERE id = ?').run(cam.id);
    expect(await errorCode(() => till.kh.signIn.signIn(cam.username, PASSWORD))).toBe(
      'account_tampered',
    );
  });

  it('an admin’s reset on the server after the enrolment wins: the phone stops working here too', async () => {
    const cam = await createPerson(world.api, { role: 'viewer', stores: [store], totp: false });
    const till = await connectedPc();
    world.proxy.down = true;
    await enrol(till, cam);
    world.api.clock.advance(60_000);
    // Meanwhile the admin resets Cam's two-step sign-in on the server (a phone reported lost).
    const reset = await call(
      world.api.s,
      'POST',
      `/api/v1/users/${cam.id}/two-factor-reset`,
      world.api.admin,
    );
    expect(reset.statusCode).toBe(200);
    world.proxy.down = false;
    expect((await till.kh.sync.syncNow()).lastError).toBeNull();
    expect(results(till)).toEqual(['superseded']);
    expect(await serverSecretSet(cam.id)).toBe(false);
    expect((await till.kh.signIn.signIn(cam.username, PASSWORD)).status).toBe('signed_in');
  });

  it('an enrolment written into the PC’s outbox by hand is refused: not signed by Cam', async () => {
    const cam = await createPerson(world.api, { role: 'viewer', stores: [store], totp: false });
    const till = await connectedPc();
    till.kh.db
      .prepare(
        `INSERT INTO totp_outbox (account_id, totp_secret, changed_at, base_version, authorization)
         VALUES (?, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', ?, 1, NULL)`,
      )
      .run(cam.id, world.api.clock.nowMs());
    await till.kh.sync.syncNow();
    expect(results(till)).toEqual(['refused']);
    expect(await serverSecretSet(cam.id)).toBe(false);
  });
});
