import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockoutTracker } from '../../../electron/core/auth/lockout';
import { ADMIN_PASSWORD, CoreHarness, errorCode, expectStep } from '../../support/core-harness';
import { signInFully } from '../../support/sign-in-fully';

const MAX = 'orange kayak thunder 42';
const MIA = 'harbour lantern pebble 17';
const VIC = 'lilac violin morning tea';

/** Fails `n` times with a wrong password, waiting out each progressive delay. */
async function fail(h: CoreHarness, username: string, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    await errorCode(() => h.kh.signIn.signIn(username, 'definitely wrong'));
    h.clock.advance(31_000);
  }
}

/**
 * A manager's password reset on a locked-out account lifts the lock in the same transaction,
 * audited as an unlock for `password_reset`, so the temporary password she hands over works
 * at once; nobody who may not reset can use it to get round a lock.
 */
describe('a password reset on a locked account', () => {
  let h: CoreHarness;
  let ids: Record<string, string>;
  let temporary: Record<string, string>;
  /** Vic's session from before the lock (a lock ends no session). */
  let crewSession: string;
  beforeEach(async () => {
    h = new CoreHarness();
    const { secret } = await h.setUp();
    const ada = await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secret);
    ids = {};
    temporary = {};
    for (const [username, role] of [
      ['max', 'manager'],
      ['mia', 'manager'],
      ['vic', 'viewer'],
    ] as const) {
      const made = await h.kh.staff.create(ada.sessionId, {
        username,
        displayName: username,
        email: '',
        role,
      });
      ids[username] = made.account.id;
      temporary[username] = made.temporaryPassword;
    }
    h.kh.sessions.end(ada.sessionId, 'signed_out');
    // Vic chose her own password, then someone guessed at it until it locked.
    crewSession = (await signInFully(h, 'vic', temporary.vic!, VIC)).session.sessionId;
    await fail(h, 'vic', 10);
    expect(await errorCode(() => h.kh.signIn.signIn('vic', VIC))).toBe('account_locked');
  });
  afterEach(() => h.dispose());

  const signInMax = async () => (await signInFully(h, 'max', temporary.max!, MAX)).session;
  const lockState = () => new LockoutTracker(h.kh.db).check('vic', h.kh.time.now()).state;

  it('unlocks it, audited; the temporary password signs in and forces a change; a restart keeps it so', async () => {
    await h.reopen();
    expect(await errorCode(() => h.kh.signIn.signIn('vic', VIC))).toBe('account_locked');
    const max = await signInMax();
    expect(h.kh.staff.list(max.sessionId).find((a) => a.id === ids.vic)?.locked).toBe(true);

    const reset = await h.kh.staff.resetPassword(max.sessionId, ids.vic!, MAX);
    expect(reset.unlocked).toBe(true);
    expect(reset.account.locked).toBe(false);
    const unlock = h.kh.audit.query({ action: 'account.unlock' }).entries;
    expect(unlock).toHaveLength(1);
    expect(unlock[0]).toMatchObject({
      actorName: 'max',
      targetName: 'vic',
      outcome: 'success',
      details: { wasLocked: true, reason: 'password_reset' },
    });
    // The unlock is written with the reset, right after its entry.
    const issued = h.kh.audit.query({ action: 'password.temporary_issued' }).entries[0]!;
    expect(unlock[0]!.seq).toBe(issued.seq + 1);

    await h.reopen();
    expect(lockState()).toBe('open');
    const first = expectStep(
      await h.kh.signIn.signIn('vic', reset.temporaryPassword),
      'needs_password_change',
    );
    expect(first.reason).toBe('temporary');
    expectStep(
      await h.kh.signIn.submitNewPassword(first.challengeId, 'a fresh passphrase for vic 5'),
      'signed_in',
    );
  });

  it('cannot be used to get round a lock by anyone who may not reset', async () => {
    // Crew have no reset at all.
    expect(await errorCode(() => h.kh.staff.resetPassword(crewSession, ids.max!, VIC))).toBe(
      'forbidden',
    );
    // A manager cannot reset a peer: Mia, locked, stays locked.
    await signInFully(h, 'mia', temporary.mia!, MIA);
    await fail(h, 'mia', 10);
    const max = await signInMax();
    expect(await errorCode(() => h.kh.staff.resetPassword(max.sessionId, ids.mia!, MAX))).toBe(
      'forbidden',
    );
    expect(new LockoutTracker(h.kh.db).check('mia', h.kh.time.now()).state).toBe('locked');
    // Her own password is asked for: a wrong one resets nothing and lifts nothing.
    expect(
      await errorCode(() => h.kh.staff.resetPassword(max.sessionId, ids.vic!, 'not my password')),
    ).toBe('invalid_credentials');
    expect(lockState()).toBe('locked');
    expect(h.kh.audit.query({ action: 'account.unlock' }).total).toBe(0);
  });

  it('clears a failure count without an unlock entry when there was no lock', async () => {
    const max = await signInMax();
    h.kh.staff.unlock(max.sessionId, ids.vic!);
    await fail(h, 'vic', 4); // below the lock, but slowed down
    expect(lockState()).not.toBe('locked');
    const before = h.kh.audit.query({ action: 'account.unlock' }).total;
    const reset = await h.kh.staff.resetPassword(max.sessionId, ids.vic!, MAX);
    expect(reset.unlocked).toBe(false);
    expect(h.kh.audit.query({ action: 'account.unlock' }).total).toBe(before);
    // No progressive delay left over from the guesses: the temporary password works now.
    expectStep(await h.kh.signIn.signIn('vic', reset.temporaryPassword), 'needs_password_change');
  });
});
