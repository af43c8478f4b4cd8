import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { throttleDelayMs } from '../../../electron/core/auth/lockout';
import { ADMIN_PASSWORD, CoreHarness, errorCode, expectStep } from '../../support/core-harness';

/** Fails `n` times with a wrong password, waiting out each progressive delay. */
async function fail(h: CoreHarness, username: string, n: number): Promise<string[]> {
  const codes: string[] = [];
  for (let i = 0; i < n; i += 1) {
    codes.push(await errorCode(() => h.kh.signIn.signIn(username, 'definitely wrong')));
    h.clock.advance(31_000);
  }
  return codes;
}

describe('lockout and progressive delay', () => {
  let h: CoreHarness;
  let secret: string;
  beforeEach(async () => {
    h = new CoreHarness();
    ({ secret } = await h.setUp());
  });
  afterEach(() => h.dispose());

  it('slows down after repeated failures without counting the refused attempts', async () => {
    expect([1, 2, 3, 4, 5, 20].map(throttleDelayMs)).toEqual([0, 0, 1000, 2000, 4000, 30000]);
    for (let i = 0; i < 3; i += 1) await errorCode(() => h.kh.signIn.signIn('ada.admin', 'wrong'));
    // Third failure started a 1 s delay: even the right password is refused, and not counted.
    expect(await errorCode(() => h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD))).toBe(
      'throttled',
    );
    h.clock.advance(1_000);
    expectStep(await h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD), 'needs_totp');
  });

  it('locks after the policy threshold; the lock survives a restart; attempts while locked do not extend it', async () => {
    const codes = await fail(h, 'ada.admin', 10);
    expect(codes).toEqual([...Array(10).fill('invalid_credentials')]);
    expect(await errorCode(() => h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD))).toBe(
      'account_locked',
    );

    await h.reopen();
    expect(await errorCode(() => h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD))).toBe(
      'account_locked',
    );
    // Standard: 15 minutes from the locking failure (which was ~31 s before the loop ended).
    for (let i = 0; i < 5; i += 1) {
      h.clock.advance(2 * 60_000);
      expect(await errorCode(() => h.kh.signIn.signIn('ada.admin', 'still wrong'))).toBe(
        'account_locked',
      );
    }
    h.clock.advance(5 * 60_000);
    expectStep(await h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD), 'needs_totp');
  });

  it('counts every variant of a username on one counter', async () => {
    await fail(h, 'Ada.Admin', 4);
    await fail(h, 'ＡＤＡ.ＡＤＭＩＮ', 3);
    await fail(h, '  ada.admin ', 3);
    expect(await errorCode(() => h.kh.signIn.signIn('ADA.ADMIN', ADMIN_PASSWORD))).toBe(
      'account_locked',
    );
  });

  it('locks unknown usernames the same way, so lockout does not reveal who exists', async () => {
    const codes = await fail(h, 'ghost', 10);
    expect(new Set(codes)).toEqual(new Set(['invalid_credentials']));
    expect(await errorCode(() => h.kh.signIn.signIn('ghost', 'anything at all'))).toBe(
      'account_locked',
    );
  });

  it('wrong authentication codes count towards the lock', async () => {
    for (let i = 0; i < 10; i += 1) {
      const c = expectStep(await h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD), 'needs_totp');
      expect(await errorCode(() => h.kh.signIn.submitCode(c.challengeId, '000000'))).toBe(
        'invalid_code',
      );
      h.clock.advance(31_000);
    }
    expect(await errorCode(() => h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD))).toBe(
      'account_locked',
    );
  });

  it('moving the wall clock forward does not shorten a lock while the app runs', async () => {
    await fail(h, 'ada.admin', 10);
    h.clock.setWall(h.clock.nowMs() + 24 * 3_600_000);
    expect(await errorCode(() => h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD))).toBe(
      'account_locked',
    );
  });

  it('a manager unlock is audited and lifts the lock at once', async () => {
    const admin = await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secret);
    const { account, temporaryPassword } = await h.kh.staff.create(admin.sessionId, {
      username: 'vic',
      displayName: 'Vic Viewer',
      email: '',
      role: 'viewer',
    });
    await fail(h, 'vic', 10);
    expect(h.kh.staff.list(admin.sessionId).find((a) => a.id === account.id)?.locked).toBe(true);
    h.kh.staff.unlock(admin.sessionId, account.id);
    expectStep(await h.kh.signIn.signIn('vic', temporaryPassword), 'needs_password_change');
    const unlocks = h.kh.audit.query({ action: 'account.unlock' }).entries;
    expect(unlocks[0]).toMatchObject({
      actorName: 'ada.admin',
      targetName: 'vic',
      outcome: 'success',
      details: { wasLocked: true },
    });
    expect(h.kh.audit.query({ action: 'auth.lockout' }).total).toBe(1);
    // A lock is a refusal: searching for failures finds it.
    const failures = h.kh.audit.query({ outcome: 'failure' }).entries.map((e) => e.action);
    expect(failures).toContain('auth.lockout');
    expect(h.kh.audit.query({ action: 'auth.lockout', outcome: 'success' }).total).toBe(0);
  });
});
