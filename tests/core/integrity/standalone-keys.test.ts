// A standalone PC signs its own records (integrity/store-keyring.ts): who holds which key, when a
// password is asked for, and how a PC from before store keys takes one on. Attacks on these
// records through the real keychain are in standalone-attacks.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../../common/policy/policy';
import { syncedAccountSchema } from '../../../common/sync/protocol';
import { ADMIN_PASSWORD, CoreHarness, errorCode, expectStep } from '../../support/core-harness';
import { asBeforeStoreKeys } from '../../support/pre-store-keys';

const PASSWORDS: Record<Role, string> = {
  admin: 'spare keys hang by the office door',
  manager: 'the safe keys live in the back office',
  viewer: 'espresso tamper on the counter',
};

describe('a standalone PC’s own keys', () => {
  let h: CoreHarness;
  let admin: string;
  let adminSecret: string;
  beforeEach(async () => {
    h = new CoreHarness();
    const done = await h.setUp();
    admin = done.session.sessionId;
    adminSecret = done.secret;
  });
  afterEach(() => h.dispose());

  /** Someone `by` adds, signed in for the first time with their own password. */
  async function person(role: Role, username: string, by = admin) {
    const made = await h.kh.staff.create(by, { username, displayName: username, email: '', role });
    const first = expectStep(
      await h.kh.signIn.signIn(username, made.temporaryPassword),
      'needs_password_change',
    );
    let step = await h.kh.signIn.submitNewPassword(first.challengeId, PASSWORDS[role]);
    let secret = '';
    if (step.status === 'needs_totp_enrollment') {
      const enrollment = await h.kh.signIn.beginEnrollment(step.challengeId);
      secret = enrollment.manualKey.replace(/\s/g, '');
      step = await h.kh.signIn.confirmEnrollment(step.challengeId, h.code(secret));
      h.clock.advance(30_000);
    }
    return { id: made.account.id, session: expectStep(step, 'signed_in').session, secret };
  }
  const record = (accountId: string) => {
    const row = h.kh.db
      .prepare('SELECT signed_record FROM accounts WHERE id = ?')
      .get(accountId) as { signed_record: string | null };
    return row.signed_record === null
      ? null
      : syncedAccountSchema.parse(JSON.parse(row.signed_record));
  };
  const heldKey = (accountId: string) =>
    (
      h.kh.db.prepare('SELECT kind FROM store_keys WHERE account_id = ?').get(accountId) as
        { kind: string } | undefined
    )?.kind ?? null;
  const signsIn = async (username: string, password: string) =>
    (await h.kh.signIn.signIn(username, password)).status;

  it('first run pins a store key, names it in the chain and opens it for the admin’s first session', async () => {
    expect(h.kh.authority.active()).toBe(true);
    const setup = h.kh.audit.query({ action: 'setup.first_admin' }).entries[0]!;
    expect(setup.details.storeKey).toMatch(/^[0-9a-f]{32}$/);
    expect(setup.details.recordVersion).toBe(1);
    expect(heldKey(setup.actorId!)).toBe('store');
    // No second prompt right after setting up.
    const { account } = await h.kh.staff.create(admin, {
      username: 'cam',
      displayName: 'Cam',
      email: '',
      role: 'viewer',
    });
    expect(record(account.id)).toMatchObject({ role: 'viewer', version: 1 });
    expect(record(account.id)?.signedBy).toBeUndefined();
  });

  it('a later session asks for the password once; a wrong one counts like a failed sign-in', async () => {
    const session = await h.signInWithCode('ada.admin', ADMIN_PASSWORD, adminSecret, {
      stepUp: false,
    });
    const add = () =>
      h.kh.staff.create(session.sessionId, {
        username: 'cam',
        displayName: 'Cam',
        email: '',
        role: 'viewer',
      });
    expect(await errorCode(add)).toBe('password_required');
    expect(await errorCode(() => h.kh.authority.unlock(session, 'not my password'))).toBe(
      'invalid_credentials',
    );
    const counted = h.kh.db
      .prepare('SELECT failures FROM sign_in_failures WHERE username = ?')
      .get('ada.admin') as { failures: number };
    expect(counted.failures).toBe(1);
    await h.kh.authority.unlock(session, ADMIN_PASSWORD);
    const { account } = await add();
    // Locking the session drops the key: after unlocking it, the password is asked again.
    h.kh.sessions.lock(session.sessionId, 'manual');
    await h.kh.myAccount.unlockSession(session.sessionId, ADMIN_PASSWORD);
    expect(
      await errorCode(() => h.kh.staff.setStatus(session.sessionId, account.id, 'disabled')),
    ).toBe('password_required');
  });

  it('a manager holds a key of her own that signs crew records; her password change keeps it', async () => {
    const mia = await person('manager', 'mia');
    expect(heldKey(mia.id)).toBe('manager');
    expect(record(mia.id)?.managerKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const addCrew = () =>
      h.kh.staff.create(mia.session.sessionId, {
        username: 'cam',
        displayName: 'Cam',
        email: '',
        role: 'viewer',
      });
    // Her key opened when she chose her password at her first sign-in: no prompt now.
    const cam = await addCrew();
    expect(record(cam.account.id)).toMatchObject({ signedBy: mia.id, version: 1 });
    expect(await signsIn('cam', cam.temporaryPassword)).toBe('needs_password_change');

    // Her own new password opens the same key; the old one opens nothing.
    const next = 'a brand new manager passphrase';
    await h.kh.myAccount.changePassword(mia.session.sessionId, PASSWORDS.manager, next);
    const again = await h.signInWithCode('mia', next, mia.secret, { stepUp: false });
    expect(
      await errorCode(() => h.kh.staff.setStatus(again.sessionId, cam.account.id, 'disabled')),
    ).toBe('password_required');
    expect(await errorCode(() => h.kh.authority.unlock(again, PASSWORDS.manager))).toBe(
      'invalid_credentials',
    );
    await h.kh.authority.unlock(again, next);
    expect(h.kh.staff.setStatus(again.sessionId, cam.account.id, 'disabled').status).toBe(
      'disabled',
    );
    expect(record(cam.account.id)).toMatchObject({ status: 'disabled', signedBy: mia.id });
  });

  it('when a manager’s key goes, the store key signs her crew again: nobody is locked out', async () => {
    const mia = await person('manager', 'mia');
    const cam = await h.kh.staff.create(mia.session.sessionId, {
      username: 'cam',
      displayName: 'Cam',
      email: '',
      role: 'viewer',
    });
    h.kh.staff.setStatus(admin, mia.id, 'disabled');
    expect(heldKey(mia.id)).toBeNull();
    expect(record(mia.id)).toMatchObject({ status: 'disabled', managerKey: null });
    expect(record(cam.account.id)?.signedBy).toBeUndefined();
    expect(await signsIn('cam', cam.temporaryPassword)).toBe('needs_password_change');
  });

  it('an admin holds the store key; a demotion takes it away', async () => {
    const bo = await person('admin', 'bo.admin');
    expect(heldKey(bo.id)).toBe('store');
    await h.kh.authority.unlock(bo.session, PASSWORDS.admin);
    // Bo signs with the store key itself: she may change a manager.
    const mia = await h.kh.staff.create(bo.session.sessionId, {
      username: 'mia',
      displayName: 'Mia',
      email: '',
      role: 'manager',
    });
    expect(record(mia.account.id)?.signedBy).toBeUndefined();
    h.kh.staff.changeRole(admin, bo.id, 'viewer');
    expect(heldKey(bo.id)).toBeNull();
    expect(record(bo.id)).toMatchObject({ role: 'viewer', managerKey: null });
  });

  it('the policy an admin saves is signed; the audit entry names its version', async () => {
    const before = h.kh.policies.current();
    const proposed = {
      roles: {
        ...before.roles,
        viewer: { profile: 'standard' as const, overrides: { lockout: { threshold: 7 } } },
      },
    };
    h.kh.deviceAdmin.updatePolicy(admin, proposed);
    const bundle = h.kh.db.prepare('SELECT signed_bundle FROM policy').get() as {
      signed_bundle: string;
    };
    expect(JSON.parse(bundle.signed_bundle)).toMatchObject({ version: before.version + 1 });
    expect(h.kh.policies.forRole('viewer').lockout.threshold).toBe(7);
  });

  describe('a PC set up before store keys', () => {
    beforeEach(async () => {
      const mia = await person('manager', 'mia');
      await person('viewer', 'cam', mia.session.sessionId);
      await asBeforeStoreKeys(h);
    });

    it('keeps working unsigned; an admin’s first change asks for her password and signs it all', async () => {
      expect(h.kh.authority.active()).toBe(false);
      expect(await signsIn('cam', PASSWORDS.viewer)).toBe('signed_in');
      const session = await h.signInWithCode('ada.admin', ADMIN_PASSWORD, adminSecret, {
        stepUp: false,
      });
      const add = () =>
        h.kh.staff.create(session.sessionId, {
          username: 'dee',
          displayName: 'Dee',
          email: '',
          role: 'viewer',
        });
      expect(await errorCode(add)).toBe('password_required');
      await h.kh.authority.unlock(session, ADMIN_PASSWORD);
      expect(h.kh.authority.active()).toBe(true);
      const adopted = h.kh.audit.query({ action: 'store.sign' }).entries[0]!;
      expect(adopted.details).toMatchObject({ reason: 'adopted' });
      expect(adopted.details.storeKey).toMatch(/^[0-9a-f]{32}$/);
      const dee = await add();
      // Every account now has a record signed by the new key, and the policy a bundle.
      for (const a of h.kh.staff.list(session.sessionId)) expect(record(a.id)).not.toBeNull();
      expect(await signsIn('cam', PASSWORDS.viewer)).toBe('signed_in');
      expect(await signsIn('dee', dee.temporaryPassword)).toBe('needs_password_change');
      // A restart keeps it all: the records verify against the pinned key.
      await h.reopen();
      expect(h.kh.authority.active()).toBe(true);
      expect(await signsIn('cam', PASSWORDS.viewer)).toBe('signed_in');
    });

    it('a hash imported or made weaker is upgraded at the next sign-in while nothing is signed', async () => {
      const cam = h.kh.db.prepare("SELECT id FROM accounts WHERE username = 'cam'").get() as {
        id: string;
      };
      const { hashSync } = await import('bcryptjs');
      h.kh.db
        .prepare('UPDATE accounts SET password_hash = ? WHERE id = ?')
        .run(hashSync(PASSWORDS.viewer, 10), cam.id);
      expect(await signsIn('cam', PASSWORDS.viewer)).toBe('signed_in');
      const upgraded = h.kh.db
        .prepare('SELECT password_hash FROM accounts WHERE id = ?')
        .get(cam.id) as { password_hash: string };
      expect(upgraded.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    });
  });
});
