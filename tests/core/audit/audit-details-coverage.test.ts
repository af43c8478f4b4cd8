import { afterEach, describe, expect, it } from 'vitest';
import { defaultPolicyDocument } from '../../../common/policy/policy';
import { expectDetailsInCatalogue } from '../../support/audit-details-check';
import { ADMIN_PASSWORD, CoreHarness, errorCode, expectStep } from '../../support/core-harness';

const NEW_PASSWORD = 'a quiet walk by the harbour';

/**
 * What the real core writes matches the catalogue of entry details (common/audit/
 * audit-details.ts): a store day on a standalone PC through the real services, then every entry
 * read back through it. A detail the catalogue does not know (a new key, a code without words,
 * a value of another kind) would reach the screen as "key: value" and fails here. Connected PCs:
 * tests/core/sync/sync-engine-more.test.ts; tampering: tests/core/integrity/record-attacks.test.ts.
 */
describe('audit details catalogue against the real core', () => {
  let h: CoreHarness;
  afterEach(() => h.dispose());

  it('knows every detail of a store day', async () => {
    h = new CoreHarness();
    const { secret, recoveryCodes } = await h.setUp();
    let admin = await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secret);

    // People: create, role, temporary password, disable and enable, 2FA reset, unlock.
    const made = await h.kh.staff.create(admin.sessionId, {
      username: 'vic',
      displayName: 'Vic Crew',
      email: '',
      role: 'viewer',
    });
    const vic = made.account.id;
    h.kh.staff.changeRole(admin.sessionId, vic, 'manager');
    h.kh.staff.changeRole(admin.sessionId, vic, 'viewer');
    const { temporaryPassword } = await h.kh.staff.resetPassword(
      admin.sessionId,
      vic,
      ADMIN_PASSWORD,
    );
    h.kh.staff.setStatus(admin.sessionId, vic, 'disabled');
    h.kh.staff.setStatus(admin.sessionId, vic, 'active');
    h.kh.staff.resetTwoFactor(admin.sessionId, vic);

    // Policy: a profile that is not recommended (warnings), then back.
    const doc = defaultPolicyDocument();
    const classic = { ...doc.roles, viewer: { profile: 'classic' as const } };
    h.kh.deviceAdmin.updatePolicy(admin.sessionId, { roles: classic });
    h.kh.deviceAdmin.updatePolicy(admin.sessionId, { roles: doc.roles });

    // Crew: forced change, a permission refused, failures to a lockout, refused while locked.
    const first = expectStep(
      await h.kh.signIn.signIn('vic', temporaryPassword),
      'needs_password_change',
    );
    const crew = expectStep(
      await h.kh.signIn.submitNewPassword(first.challengeId, NEW_PASSWORD),
      'signed_in',
    );
    expect(await errorCode(() => h.kh.staff.list(crew.session.sessionId))).toBe('forbidden');
    h.kh.sessions.lock(crew.session.sessionId, 'switch_user');
    for (let i = 0; i < 10; i++) {
      await errorCode(() => h.kh.signIn.signIn('vic', 'definitely wrong'));
      h.clock.advance(31_000);
    }
    expect(await errorCode(() => h.kh.signIn.signIn('vic', NEW_PASSWORD))).toBe('account_locked');
    await errorCode(() => h.kh.signIn.signIn('nobody.here', 'whatever'));
    h.kh.staff.unlock(admin.sessionId, vic);

    // The admin: lock and unlock, a password change, new recovery codes, one used, sign-out.
    h.kh.sessions.lock(admin.sessionId, 'manual');
    await h.kh.myAccount.unlockSession(admin.sessionId, ADMIN_PASSWORD);
    await h.kh.myAccount.changePassword(admin.sessionId, ADMIN_PASSWORD, NEW_PASSWORD);
    await h.kh.myAccount.regenerateRecoveryCodes(admin.sessionId, NEW_PASSWORD);
    h.kh.sessions.end(admin.sessionId, 'signed_out');
    const again = expectStep(await h.kh.signIn.signIn('ada.admin', NEW_PASSWORD), 'needs_totp');
    expect(recoveryCodes.length).toBeGreaterThan(0);
    await errorCode(() => h.kh.signIn.submitRecoveryCode(again.challengeId, 'AAAA-BBBB-CCCC'));

    // The clock set back across a restart, then confirmed by the admin.
    await h.reopen();
    h.clock.setWall(h.clock.nowMs() - 2 * 3_600_000);
    await h.reopen();
    // The phone keeps the right time, which is what trusted time still says.
    const step = expectStep(await h.kh.signIn.signIn('ada.admin', NEW_PASSWORD), 'needs_totp');
    const code = h.code(secret, 0, h.kh.time.now());
    admin = expectStep(await h.kh.signIn.submitCode(step.challengeId, code), 'signed_in').session;
    await h.kh.authority.unlock(admin, NEW_PASSWORD);
    h.kh.deviceAdmin.confirmTime(admin.sessionId);

    const entries = h.kh.audit.query({ limit: 500 }).entries;
    const actions = new Set(entries.map((e) => e.action));
    for (const a of [
      'setup.first_admin',
      'auth.sign_in',
      'auth.lockout',
      'account.create',
      'account.role_change',
      'password.temporary_issued',
      'account.disable',
      'account.enable',
      'totp.reset',
      'policy.change',
      'permission.denied',
      'auth.session_lock',
      'account.unlock',
      'password.change',
      'recovery_codes.generate',
      'auth.sign_out',
      'time.anomaly',
      'time.reanchor',
    ])
      expect(actions, a).toContain(a);
    expectDetailsInCatalogue(h.kh);
  });
});
