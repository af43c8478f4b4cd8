import bcrypt from 'bcryptjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PasswordHasher } from '../../../electron/core/accounts/password-hasher';
import { ADMIN_PASSWORD, CoreHarness, errorCode, expectStep } from '../../support/core-harness';

const VIEWER_PASSWORD = 'espresso tamper on the counter';

describe('staff management and passwords', () => {
  let h: CoreHarness;
  let admin: string;
  beforeEach(async () => {
    h = new CoreHarness();
    const { secret } = await h.setUp();
    admin = (await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secret)).sessionId;
  });
  afterEach(() => h.dispose());

  async function createViewer(username = 'vic') {
    return h.kh.staff.create(admin, {
      username,
      displayName: 'Vic Viewer',
      email: 'vic@example.test',
      role: 'viewer',
    });
  }

  it('a new account gets a random temporary password that must be changed at first sign-in', async () => {
    const { account, temporaryPassword } = await createViewer();
    expect(temporaryPassword).toMatch(/^[A-Za-z2-9]{16}$/);
    expect(account).toMatchObject({ mustChangePassword: true, status: 'active', role: 'viewer' });
    const step = expectStep(
      await h.kh.signIn.signIn('vic', temporaryPassword),
      'needs_password_change',
    );
    expect(step.reason).toBe('temporary');
    const rejected = await errorCode(() =>
      h.kh.signIn.submitNewPassword(step.challengeId, 'vicviewer123'),
    );
    expect(rejected).toBe('password_rejected');
    const done = expectStep(
      await h.kh.signIn.submitNewPassword(step.challengeId, VIEWER_PASSWORD),
      'signed_in',
    );
    expect(done.session.role).toBe('viewer');
    // The temporary password is gone; the new one works without another change.
    expect(await errorCode(() => h.kh.signIn.signIn('vic', temporaryPassword))).toBe(
      'invalid_credentials',
    );
    h.clock.advance(60_000);
    expectStep(await h.kh.signIn.signIn('vic', VIEWER_PASSWORD), 'signed_in');
  });

  it('a temporary password expires after one hour', async () => {
    const { temporaryPassword } = await createViewer();
    h.clock.advance(60 * 60_000 + 1);
    expect(await errorCode(() => h.kh.signIn.signIn('vic', temporaryPassword))).toBe(
      'temporary_password_expired',
    );
  });

  it('a manager resets a crew password; the old one and her sessions end', async () => {
    const { account, temporaryPassword } = await createViewer();
    const first = expectStep(
      await h.kh.signIn.signIn('vic', temporaryPassword),
      'needs_password_change',
    );
    const vic = expectStep(
      await h.kh.signIn.submitNewPassword(first.challengeId, VIEWER_PASSWORD),
      'signed_in',
    ).session;
    const reset = await h.kh.staff.resetPassword(admin, account.id, ADMIN_PASSWORD);
    expect(reset.temporaryPassword).not.toBe(temporaryPassword);
    expect(await errorCode(() => h.kh.sessions.get(vic.sessionId))).toBe('session_ended');
    expect(await errorCode(() => h.kh.signIn.signIn('vic', VIEWER_PASSWORD))).toBe(
      'invalid_credentials',
    );
    h.clock.advance(60_000);
    expectStep(await h.kh.signIn.signIn('vic', reset.temporaryPassword), 'needs_password_change');
  });

  it('permissions are enforced in core: crew cannot manage staff, managers only crew', async () => {
    const { account: vicAccount, temporaryPassword } = await createViewer();
    const c = expectStep(
      await h.kh.signIn.signIn('vic', temporaryPassword),
      'needs_password_change',
    );
    const vic = expectStep(
      await h.kh.signIn.submitNewPassword(c.challengeId, VIEWER_PASSWORD),
      'signed_in',
    ).session;
    expect(await errorCode(() => h.kh.staff.list(vic.sessionId))).toBe('forbidden');
    expect(await errorCode(() => h.kh.auditLog.query(vic.sessionId, {}))).toBe('forbidden');

    const mgr = await h.kh.staff.create(admin, {
      username: 'mia',
      displayName: 'Mia Manager',
      email: '',
      role: 'manager',
    });
    // Managers must enroll 2FA: walk her through it.
    const m1 = expectStep(
      await h.kh.signIn.signIn('mia', mgr.temporaryPassword),
      'needs_password_change',
    );
    const m2 = expectStep(
      await h.kh.signIn.submitNewPassword(m1.challengeId, 'the safe keys live in the back office'),
      'needs_totp_enrollment',
    );
    const enrollment = await h.kh.signIn.beginEnrollment(m2.challengeId);
    const mia = expectStep(
      await h.kh.signIn.confirmEnrollment(m2.challengeId, h.code(enrollment.manualKey)),
      'signed_in',
    ).session;

    expect(h.kh.staff.list(mia.sessionId).length).toBe(3);
    expect(
      await errorCode(() =>
        h.kh.staff.create(mia.sessionId, {
          username: 'max',
          displayName: 'Max',
          email: '',
          role: 'admin',
        }),
      ),
    ).toBe('forbidden');
    expect(
      await errorCode(() =>
        h.kh.staff.setStatus(
          mia.sessionId,
          h.kh.staff.list(admin).find((a) => a.role === 'admin')!.id,
          'disabled',
        ),
      ),
    ).toBe('forbidden');
    expect(
      await errorCode(() => h.kh.staff.changeRole(mia.sessionId, vicAccount.id, 'manager')),
    ).toBe('forbidden');
    // Her change is signed with her own key, opened when she chose her password just now.
    expect(h.kh.staff.setStatus(mia.sessionId, vicAccount.id, 'disabled').status).toBe('disabled');
    expect(h.kh.audit.query({ action: 'permission.denied' }).total).toBe(5);
  });

  it('disabling ends the person’s sessions and refuses her next sign-in', async () => {
    const { account, temporaryPassword } = await createViewer();
    const c = expectStep(
      await h.kh.signIn.signIn('vic', temporaryPassword),
      'needs_password_change',
    );
    const vic = expectStep(
      await h.kh.signIn.submitNewPassword(c.challengeId, VIEWER_PASSWORD),
      'signed_in',
    ).session;
    h.kh.staff.setStatus(admin, account.id, 'disabled');
    expect(await errorCode(() => h.kh.sessions.requireActive(vic.sessionId))).toBe('session_ended');
    expect(await errorCode(() => h.kh.signIn.signIn('vic', VIEWER_PASSWORD))).toBe(
      'account_disabled',
    );
    expect(await errorCode(() => h.kh.signIn.signIn('vic', 'wrong password!!'))).toBe(
      'invalid_credentials',
    );
  });

  it('role changes are audited with before and after; the last admin cannot be demoted', async () => {
    const { account } = await createViewer();
    h.kh.staff.changeRole(admin, account.id, 'manager');
    expect(h.kh.audit.query({ action: 'account.role_change' }).entries[0]).toMatchObject({
      targetName: 'vic',
      details: { before: 'viewer', after: 'manager' },
    });
    expect(
      await errorCode(() =>
        h.kh.staff.changeRole(admin, h.kh.sessions.get(admin).accountId, 'viewer'),
      ),
    ).toBe('not_on_self');
  });

  it('password change needs the current password and respects history under PCI', async () => {
    await h.kh.deviceAdmin.updatePolicy(admin, {
      roles: { admin: { profile: 'pci' }, manager: { profile: 'pci' }, viewer: { profile: 'pci' } },
    });
    expect(
      await errorCode(() =>
        h.kh.myAccount.changePassword(admin, 'not my password', 'brand new pass 2026'),
      ),
    ).toBe('invalid_credentials');
    await h.kh.myAccount.changePassword(admin, ADMIN_PASSWORD, 'brand new pass 2026');
    await h.kh.myAccount.changePassword(admin, 'brand new pass 2026', 'second new pass 2026');
    const err = await h.kh.myAccount
      .changePassword(admin, 'second new pass 2026', 'brand new pass 2026')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'password_rejected',
      details: { violations: [{ code: 'reused', count: 4 }] },
    });
  });

  it('an expired password (Classic profile, 90 days) forces a change before anything else', async () => {
    await h.kh.deviceAdmin.updatePolicy(admin, {
      roles: {
        admin: { profile: 'standard' },
        manager: { profile: 'standard' },
        viewer: { profile: 'classic' },
      },
    });
    expect(h.kh.audit.query({ action: 'policy.change' }).entries[0]?.details).toHaveProperty(
      'warnings',
    );
    const { temporaryPassword } = await createViewer();
    const c = expectStep(
      await h.kh.signIn.signIn('vic', temporaryPassword),
      'needs_password_change',
    );
    expectStep(await h.kh.signIn.submitNewPassword(c.challengeId, 'Latte2Go!Now'), 'signed_in');
    h.clock.advance(91 * 24 * 3_600_000);
    const step = expectStep(
      await h.kh.signIn.signIn('vic', 'Latte2Go!Now'),
      'needs_password_change',
    );
    expect(step.reason).toBe('expired');
  });

  // The upgrade at sign-in itself is for records nothing signs (a PC from before store keys):
  // tests/core/integrity/standalone-keys.test.ts. A signed record's hash is changed by its signer.
  it('bcrypt hashes verify, weaker argon2id hashes ask for a rehash, and bcrypt never truncates', async () => {
    const hasher = new PasswordHasher();
    expect(await hasher.verify(bcrypt.hashSync(VIEWER_PASSWORD, 10), VIEWER_PASSWORD)).toEqual({
      ok: true,
      needsRehash: true,
    });
    const current = await hasher.hash(VIEWER_PASSWORD);
    expect(current).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(current, VIEWER_PASSWORD)).toEqual({ ok: true, needsRehash: false });
    const stronger = new PasswordHasher({ memoryCost: 19_456, timeCost: 3, parallelism: 1 });
    expect(await stronger.verify(current, VIEWER_PASSWORD)).toEqual({
      ok: true,
      needsRehash: true,
    });
    // bcrypt compares only 72 bytes; a longer password must never match a bcrypt hash.
    const long = 'a'.repeat(72);
    expect(await hasher.verify(bcrypt.hashSync(long, 4), `${long}anything`)).toEqual({
      ok: false,
    });
  });

  it('disabling 2FA needs the password and a current code, and is refused where policy requires it', async () => {
    const { temporaryPassword } = await createViewer();
    const c = expectStep(
      await h.kh.signIn.signIn('vic', temporaryPassword),
      'needs_password_change',
    );
    const vic = expectStep(
      await h.kh.signIn.submitNewPassword(c.challengeId, VIEWER_PASSWORD),
      'signed_in',
    ).session;
    const enrollment = await h.kh.myAccount.beginTotpEnrollment(vic.sessionId, VIEWER_PASSWORD);
    const { recoveryCodes } = await h.kh.myAccount.confirmTotpEnrollment(
      vic.sessionId,
      h.code(enrollment.manualKey),
    );
    expect(recoveryCodes).toHaveLength(10);
    h.clock.advance(30_000);
    expect(
      await errorCode(() => h.kh.myAccount.disableTotp(vic.sessionId, VIEWER_PASSWORD, '123456')),
    ).toBe('invalid_code');
    await h.kh.myAccount.disableTotp(vic.sessionId, VIEWER_PASSWORD, h.code(enrollment.manualKey));
    expect(h.kh.myAccount.overview(vic.sessionId).totpEnabled).toBe(false);
    expect(await errorCode(() => h.kh.myAccount.disableTotp(admin, ADMIN_PASSWORD, '123456'))).toBe(
      'totp_required',
    );
  });
});
