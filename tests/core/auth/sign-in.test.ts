import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, CoreHarness, errorCode, expectStep } from '../../support/core-harness';

describe('offline sign-in with password and TOTP', () => {
  let h: CoreHarness;
  let secret: string;
  beforeEach(async () => {
    h = new CoreHarness();
    ({ secret } = await h.setUp());
  });
  afterEach(() => h.dispose());

  it('first run creates the only account, an admin, who must enroll 2FA', async () => {
    expect(h.kh.firstRun.needsSetup()).toBe(false);
    const [admin] = h.kh.staff.list(
      (await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secret)).sessionId,
    );
    expect(admin).toMatchObject({ username: 'ada.admin', role: 'admin', totpEnabled: true });
    expect(
      await errorCode(() =>
        h.kh.firstRun.createFirstAdmin({
          profile: 'standard',
          storeName: '',
          brandName: '',
          username: 'eve',
          displayName: 'Eve',
          email: '',
          password: ADMIN_PASSWORD,
        }),
      ),
    ).toBe('already_set_up');
  });

  it('signs in with password then a current code', async () => {
    const session = await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secret);
    expect(session).toMatchObject({ username: 'ada.admin', role: 'admin', state: 'active' });
    expect(JSON.stringify(session)).not.toContain(secret);
  });

  it('refuses a replayed code and a code from an earlier step', async () => {
    const first = expectStep(await h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD), 'needs_totp');
    const code = h.code(secret);
    expectStep(await h.kh.signIn.submitCode(first.challengeId, code), 'signed_in');
    const again = expectStep(await h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD), 'needs_totp');
    expect(await errorCode(() => h.kh.signIn.submitCode(again.challengeId, code))).toBe(
      'code_replayed',
    );
    h.clock.advance(30_000);
    // The previous step's code is inside the ±1 window but older than the last used step.
    expect(
      await errorCode(() => h.kh.signIn.submitCode(again.challengeId, h.code(secret, -1))),
    ).toBe('code_replayed');
    expectStep(await h.kh.signIn.submitCode(again.challengeId, h.code(secret)), 'signed_in');
  });

  it('accepts codes one step either side and refuses two steps away', async () => {
    h.clock.advance(10 * 30_000);
    for (const [steps, ok] of [
      [2, false],
      [-2, false],
      [-1, true],
      [1, true],
    ] as const) {
      const c = expectStep(await h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD), 'needs_totp');
      const result = await errorCode(() =>
        h.kh.signIn.submitCode(c.challengeId, h.code(secret, steps)),
      );
      expect(result, `step ${steps}`).toBe(ok ? 'no error' : 'invalid_code');
      h.clock.advance(3 * 30_000);
    }
  });

  it('gives unknown users and wrong passwords the same answer', async () => {
    expect(await errorCode(() => h.kh.signIn.signIn('nobody', ADMIN_PASSWORD))).toBe(
      'invalid_credentials',
    );
    expect(await errorCode(() => h.kh.signIn.signIn('ada.admin', 'wrong password here'))).toBe(
      'invalid_credentials',
    );
    expect(await errorCode(() => h.kh.signIn.signIn('x', 'short'))).toBe('invalid_credentials');
  });

  it('verifies a 64+ character password exactly as typed, without truncation', async () => {
    const session = await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secret);
    const long = 'the quick brown fox jumps over the lazy dog while the barista steams milk!';
    expect(long.length).toBeGreaterThan(64);
    await h.kh.myAccount.changePassword(session.sessionId, ADMIN_PASSWORD, long);
    expect(await errorCode(() => h.kh.signIn.signIn('ada.admin', long.slice(0, 72)))).toBe(
      'invalid_credentials',
    );
    expect(await errorCode(() => h.kh.signIn.signIn('ada.admin', `${long}x`))).toBe(
      'invalid_credentials',
    );
    h.clock.advance(60_000);
    expectStep(await h.kh.signIn.signIn('ada.admin', long), 'needs_totp');
  });

  it('signs in with a recovery code once, and never twice', async () => {
    const { recoveryCodes } = await h.kh.myAccount.regenerateRecoveryCodes(
      (await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secret)).sessionId,
      ADMIN_PASSWORD,
    );
    expect(recoveryCodes).toHaveLength(10);
    const c1 = expectStep(await h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD), 'needs_totp');
    const done = expectStep(
      await h.kh.signIn.submitRecoveryCode(c1.challengeId, recoveryCodes[0]!.toUpperCase()),
      'signed_in',
    );
    expect(done.recoveryCodesLeft).toBe(9);
    const c2 = expectStep(await h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD), 'needs_totp');
    expect(
      await errorCode(() => h.kh.signIn.submitRecoveryCode(c2.challengeId, recoveryCodes[0]!)),
    ).toBe('invalid_recovery_code');
  });

  it('old recovery codes stop working when a new set is generated', async () => {
    const sid = (await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secret)).sessionId;
    const { recoveryCodes: old } = await h.kh.myAccount.regenerateRecoveryCodes(
      sid,
      ADMIN_PASSWORD,
    );
    await h.kh.myAccount.regenerateRecoveryCodes(sid, ADMIN_PASSWORD);
    const c = expectStep(await h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD), 'needs_totp');
    expect(await errorCode(() => h.kh.signIn.submitRecoveryCode(c.challengeId, old[1]!))).toBe(
      'invalid_recovery_code',
    );
  });
});
