import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../../backend/auth/support/auth-helpers';
import {
  createPerson,
  createStore,
  serverEvents,
  type Person,
} from '../../backend/stores/support/admin-api';
import { errorCode, expectStep } from '../../support/core-harness';
import { startSyncWorld, TestPc, type SyncWorld } from './support/sync-world';

const NEW_PASSWORD = 'a fresh passphrase of my own';

/**
 * Password changes made offline on a PC carry the signature of whoever made them
 * (common/identity/credential.ts): the manager's key for a temporary password (she types her
 * own password to give it), the owner's key for the change that follows. The PC relies on them
 * only once they check out; the server takes them, and the store's other PC gets the result.
 */
describe('password changes made offline, signed by their makers', () => {
  let world: SyncWorld;
  let store: string;
  let mia: Person;
  let ben: Person;
  const pcs: TestPc[] = [];
  const newPc = async () => {
    const pc = new TestPc(world);
    pcs.push(pc);
    await pc.connect(world, store);
    return pc;
  };

  beforeAll(async () => {
    world = await startSyncWorld('sqlite');
    store = await createStore(world.api, 'Maple Street');
    mia = await createPerson(world.api, { role: 'manager', stores: [store] });
    ben = await createPerson(world.api, { role: 'viewer', stores: [store] });
  });
  afterAll(async () => {
    for (const pc of pcs) pc.dispose();
    await world.close();
  });

  it('a temporary password and the change after it reach the server and the other till', async () => {
    const till1 = await newPc();
    const till2 = await newPc();
    world.proxy.down = true;
    const session = await till1.signInWithCode(mia.username, PASSWORD, mia.secret);
    // Her own password confirms it; a wrong one gives nothing and counts like a failed sign-in.
    expect(
      await errorCode(() => till1.kh.staff.resetPassword(session.sessionId, ben.id, 'a guess')),
    ).toBe('invalid_credentials');
    expect(till1.kh.sync.status().pendingAccountChanges).toBe(0);
    const { temporaryPassword } = await till1.kh.staff.resetPassword(
      session.sessionId,
      ben.id,
      PASSWORD,
    );
    world.api.clock.advance(60_000); // Ben comes to the till a minute later
    const first = expectStep(
      await till1.kh.signIn.signIn(ben.username, temporaryPassword),
      'needs_totp',
    );
    const code = till1.code(ben.secret);
    const change = expectStep(
      await till1.kh.signIn.submitCode(first.challengeId, code),
      'needs_password_change',
    );
    expectStep(
      await till1.kh.signIn.submitNewPassword(change.challengeId, NEW_PASSWORD),
      'signed_in',
    );
    world.api.clock.advance(30_000);
    // Both changes wait, each signed, and this till relies on them: Ben signs in with his own.
    expect(till1.kh.sync.status().pendingAccountChanges).toBe(2);
    expect((await till1.kh.signIn.signIn(ben.username, NEW_PASSWORD)).status).toBe('needs_totp');

    world.proxy.down = false;
    expect(await till1.kh.sync.syncNow()).toMatchObject({
      lastError: null,
      pendingAccountChanges: 0,
    });
    const made = (await serverEvents(world.api.s, 'sync.account_change')).map((e) => ({
      kind: e.details.kind,
      result: e.details.result,
      by: e.details.by,
    }));
    expect(made).toEqual([
      { kind: 'password_reset', result: 'applied', by: mia.id },
      { kind: 'password_changed', result: 'applied', by: ben.id },
    ]);
    await till2.kh.sync.syncNow();
    expect((await till2.kh.signIn.signIn(ben.username, NEW_PASSWORD)).status).toBe('needs_totp');
    expect(await errorCode(() => till2.kh.signIn.signIn(ben.username, PASSWORD))).toBe(
      'invalid_credentials',
    );
  });
});
