// Count first, verify after (LockoutTracker): attempts whose factor is an argon2 hash are
// counted before the hash is checked, so guesses sent in parallel meet the progressive delay
// and the lock exactly as guesses sent one after another, and a right answer behaves as before.
// Real core, real argon2id; the hasher only counts the verifies it is asked for (or holds one).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FREE_FAILURES } from '../../../common/auth/lockout-schedule';
import { PasswordHasher, type VerifyResult } from '../../../electron/core/accounts/password-hasher';
import { STORE_UNWRITABLE_MESSAGE } from '../../../electron/core/db/storage-faults';
import { ADMIN_PASSWORD, CoreHarness, errorCode, expectStep } from '../../support/core-harness';
import { MemorySecretStore } from '../../support/memory-secret-store';
import { FakeClock } from '../../support/fake-clock';

/** The real hasher, counting verifies; `hold` parks the next verify until `release`. */
class CountingHasher extends PasswordHasher {
  verifies = 0;
  private held: { release: () => void; reached: Promise<void> } | null = null;

  hold(): { release: () => void; reached: Promise<void> } {
    let release!: () => void;
    let reach!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const reached = new Promise<void>((r) => (reach = r));
    this.held = { release, reached };
    this.gateOnce = async () => {
      reach();
      await gate;
    };
    return this.held;
  }

  private gateOnce: (() => Promise<void>) | null = null;

  override async verify(stored: string, password: string): Promise<VerifyResult> {
    this.verifies += 1;
    const gate = this.gateOnce;
    this.gateOnce = null;
    if (gate) await gate();
    return super.verify(stored, password);
  }
}

const WRONG = 'definitely not the password';

describe('count first, verify after', () => {
  let h: CoreHarness;
  let hasher: CountingHasher;
  let secret: string;
  const codes = (results: string[]) =>
    results.reduce<Record<string, number>>((n, c) => ({ ...n, [c]: (n[c] ?? 0) + 1 }), {});
  const burst = (n: number, attempt: () => Promise<unknown>) =>
    Promise.all(Array.from({ length: n }, () => errorCode(attempt)));
  const signInAuditReasons = () =>
    h.kh.audit
      .query({ action: 'auth.sign_in', limit: 500 })
      .entries.map((e) => (e.details as { reason?: string }).reason)
      .filter((r) => r !== undefined);

  beforeEach(async () => {
    hasher = new CountingHasher();
    h = new CoreHarness(new MemorySecretStore(), new FakeClock(), { hasher });
    ({ secret } = await h.setUp());
    hasher.verifies = 0;
  });
  afterEach(() => h.dispose());

  it('parallel wrong passwords are checked only as far as the delay schedule allows', async () => {
    // A fresh counter lets FREE_FAILURES + 1 attempts through at one instant, in parallel as
    // one after another; every further one waits for the delay the earlier ones started.
    const fresh = await burst(8, () => h.kh.signIn.signIn('ada.admin', WRONG));
    expect(codes(fresh)).toEqual({ invalid_credentials: FREE_FAILURES + 1, throttled: 5 });
    expect(hasher.verifies).toBe(FREE_FAILURES + 1);

    // Once the free failures are spent, only the first of a burst is checked.
    h.clock.advance(1_000);
    hasher.verifies = 0;
    const spent = await burst(6, () => h.kh.signIn.signIn('ada.admin', WRONG));
    expect(codes(spent)).toEqual({ invalid_credentials: 1, throttled: 5 });
    expect(hasher.verifies).toBe(1);

    // Every attempt is in the audit log: the checked ones as failures, the rest as refusals.
    const reasons = signInAuditReasons();
    expect(reasons.filter((r) => r === 'bad_password')).toHaveLength(FREE_FAILURES + 2);
    expect(reasons.filter((r) => r === 'throttled')).toHaveLength(10);
  });

  it('bursts lock the account at the threshold, as attempts one after another do', async () => {
    const results: string[] = [];
    for (let round = 0; round < 12; round += 1) {
      results.push(...(await burst(4, () => h.kh.signIn.signIn('ada.admin', WRONG))));
      h.clock.advance(31_000);
    }
    // Standard profile: 10 failures lock; nothing after the lock was even checked.
    expect(hasher.verifies).toBe(10);
    expect(codes(results).invalid_credentials).toBe(10);
    expect(results.slice(-4)).toEqual(Array(4).fill('account_locked'));
    expect(h.kh.audit.query({ action: 'auth.lockout' }).entries).toHaveLength(1);
    expect(await errorCode(() => h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD))).toBe(
      'account_locked',
    );
  });

  it('a right password as the 10th attempt still signs in, with no delay on the code step', async () => {
    for (let i = 0; i < 9; i += 1) {
      expect(await errorCode(() => h.kh.signIn.signIn('ada.admin', WRONG))).toBe(
        'invalid_credentials',
      );
      h.clock.advance(31_000);
    }
    const step = expectStep(await h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD), 'needs_totp');
    // Same instant: the right password took its provisional count back, last failure time too.
    const done = await h.kh.signIn.submitCode(step.challengeId, h.code(secret));
    expectStep(done, 'signed_in');
    expect(h.kh.audit.query({ action: 'auth.lockout' }).total).toBe(0);
    expect(h.kh.db.prepare('SELECT count(*) AS n FROM sign_in_failures').get()).toEqual({ n: 0 });
  });

  it('while a right 10th password is being checked, a parallel guess finds the account locked', async () => {
    for (let i = 0; i < 9; i += 1) {
      await errorCode(() => h.kh.signIn.signIn('ada.admin', WRONG));
      h.clock.advance(31_000);
    }
    hasher.verifies = 0;
    const held = hasher.hold();
    const right = h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD);
    await held.reached;
    // The count in flight reached the threshold: the row says "locked" until the verdict.
    expect(await errorCode(() => h.kh.signIn.signIn('ada.admin', WRONG))).toBe('account_locked');
    held.release();
    const step = expectStep(await right, 'needs_totp');
    expect(hasher.verifies).toBe(1);
    // The right answer lifted the lock its own count had set; the guess extended nothing.
    expectStep(await h.kh.signIn.submitCode(step.challengeId, h.code(secret)), 'signed_in');
    expect(h.kh.audit.query({ action: 'auth.lockout' }).total).toBe(0);
  });

  it('an attempt whose verdict never comes (the app stopped mid-hash) stays counted', async () => {
    const held = hasher.hold();
    const pending = h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD);
    await held.reached;
    h.kh.close();
    held.release();
    // The verdict cannot be written to a closed store; the attempt is not answered as right.
    expect(await errorCode(() => pending)).not.toBe('no error');
    await h.open();
    expect(
      h.kh.db.prepare('SELECT failures FROM sign_in_failures WHERE username = ?').get('ada.admin'),
    ).toEqual({ failures: 1 });
  });

  it('a store that cannot count the attempt refuses it before the verdict is read', async () => {
    h.kh.db.pragma('query_only = ON'); // every write fails, as on a read-only disk
    for (const password of [WRONG, ADMIN_PASSWORD]) {
      // The hash (started as the count is written) never finishes: the refusal cannot have
      // waited for its verdict, so it says nothing about the password.
      const held = hasher.hold();
      const refused = await h.kh.signIn.signIn('ada.admin', password).catch((e: unknown) => e);
      expect(refused).toMatchObject({
        code: 'store_unwritable',
        message: STORE_UNWRITABLE_MESSAGE,
      });
      held.release();
    }
  });

  it('a right password whose verdict cannot be written is refused like a wrong one, and stays counted', async () => {
    const held = hasher.hold();
    const right = h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD).catch((e: unknown) => e);
    await held.reached;
    h.kh.db.pragma('query_only = ON');
    held.release();
    expect(await right).toMatchObject({ code: 'store_unwritable' });
    h.kh.db.pragma('query_only = OFF');
    expect(
      h.kh.db.prepare('SELECT failures FROM sign_in_failures WHERE username = ?').get('ada.admin'),
    ).toEqual({ failures: 1 });
  });

  it('re-entering the password to unlock a session is counted first too', async () => {
    const session = await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secret);
    h.kh.sessions.lock(session.sessionId, 'manual');
    hasher.verifies = 0;
    const results = await burst(6, () => h.kh.myAccount.unlockSession(session.sessionId, WRONG));
    expect(codes(results)).toEqual({ invalid_credentials: FREE_FAILURES + 1, throttled: 3 });
    expect(hasher.verifies).toBe(FREE_FAILURES + 1);
    h.clock.advance(1_000);
    const view = await h.kh.myAccount.unlockSession(session.sessionId, ADMIN_PASSWORD);
    expect(view.state).toBe('active');
  });

  it('wrong recovery codes in parallel are counted before they are checked', async () => {
    const step = expectStep(await h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD), 'needs_totp');
    const results = await burst(5, () =>
      h.kh.signIn.submitRecoveryCode(step.challengeId, 'aaaaa-bbbbb'),
    );
    // The first refusal also ends the sign-in (as before), so the last one finds it gone.
    expect(codes(results)).toEqual({
      invalid_recovery_code: FREE_FAILURES + 1,
      throttled: 1,
      challenge_expired: 1,
    });
  });
});
