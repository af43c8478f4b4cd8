import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, CoreHarness, errorCode, expectStep } from '../../support/core-harness';

const HOUR = 3_600_000;
const CREW_PASSWORD = 'cold brew tastes like chocolate';

describe('trusted time, offline bounds and sessions', () => {
  let h: CoreHarness;
  let secret: string;
  let admin: string;
  beforeEach(async () => {
    h = new CoreHarness();
    ({ secret } = await h.setUp());
    admin = (await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secret)).sessionId;
    const { temporaryPassword } = await h.kh.staff.create(admin, {
      username: 'cam',
      displayName: 'Cam Crew',
      email: '',
      role: 'viewer',
    });
    const c = expectStep(
      await h.kh.signIn.signIn('cam', temporaryPassword),
      'needs_password_change',
    );
    expectStep(await h.kh.signIn.submitNewPassword(c.challengeId, CREW_PASSWORD), 'signed_in');
    h.clock.advance(60_000);
  });
  afterEach(() => h.dispose());

  it('a clock moved back fails closed across restarts until an admin confirms the time', async () => {
    h.clock.advance(2 * HOUR);
    await h.reopen();
    h.clock.setWall(h.clock.nowMs() - 2 * HOUR); // someone sets the clock back two hours
    await h.reopen();
    expect(h.kh.time.status()).toMatchObject({ ok: false, reason: 'clock_moved_back' });
    expect(await errorCode(() => h.kh.signIn.signIn('cam', CREW_PASSWORD))).toBe('clock_problem');
    expect(h.kh.audit.query({ action: 'time.anomaly' }).total).toBe(1);

    // Restarting does not clear it.
    await h.reopen();
    expect(await errorCode(() => h.kh.signIn.signIn('cam', CREW_PASSWORD))).toBe('clock_problem');

    // An admin can still sign in (someone must fix it) and confirms the time.
    const first = expectStep(await h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD), 'needs_totp');
    // The phone keeps the right time, which is what trusted time still says.
    const done = expectStep(
      await h.kh.signIn.submitCode(first.challengeId, h.code(secret, 0, h.kh.time.now())),
      'signed_in',
    );
    expect(done.clockProblem).toBe(true);
    expect(h.kh.deviceAdmin.confirmTime(done.session.sessionId)).toEqual({ ok: true });
    expectStep(await h.kh.signIn.signIn('cam', CREW_PASSWORD), 'signed_in');
    expect(h.kh.audit.query({ action: 'time.reanchor' }).entries[0]?.details).toMatchObject({
      by: 'admin',
    });
  });

  it('notices a clock moved back while the app runs; small corrections are tolerated', async () => {
    h.clock.setWall(h.clock.nowMs() - 60_000); // a one-minute NTP correction
    expectStep(await h.kh.signIn.signIn('cam', CREW_PASSWORD), 'signed_in');
    h.clock.setWall(h.clock.nowMs() - 3 * HOUR);
    expect(await errorCode(() => h.kh.signIn.signIn('cam', CREW_PASSWORD))).toBe('clock_problem');
  });

  it('a tampered time seal counts as a clock problem', async () => {
    h.kh.db
      .prepare(
        "UPDATE sealed_state SET value = replace(value, '\"highWater\":', '\"highWater\":1') WHERE name = 'trusted_time'",
      )
      .run();
    await h.reopen();
    expect(await errorCode(() => h.kh.signIn.signIn('cam', CREW_PASSWORD))).toBe('clock_problem');
  });

  it('a standalone PC has no offline bounds (tests/core/sync/offline-bounds.test.ts: connected)', async () => {
    h.clock.advance(1000 * HOUR);
    expectStep(await h.kh.signIn.signIn('cam', CREW_PASSWORD), 'signed_in');
  });

  it('sessions lock after the idle time, unlock with the password, and end at their lifetime', async () => {
    const s = expectStep(await h.kh.signIn.signIn('cam', CREW_PASSWORD), 'signed_in').session;
    expect(s.idleLockMinutes).toBe(15);
    h.clock.advance(14 * 60_000);
    expect(h.kh.sessions.requireActive(s.sessionId).state).toBe('active'); // activity resets idle
    h.clock.advance(15 * 60_000);
    expect(await errorCode(() => h.kh.sessions.requireActive(s.sessionId))).toBe('session_locked');
    expect(await errorCode(() => h.kh.myAccount.unlockSession(s.sessionId, 'wrong password'))).toBe(
      'invalid_credentials',
    );
    expect((await h.kh.myAccount.unlockSession(s.sessionId, CREW_PASSWORD)).state).toBe('active');
    // Moving the wall clock does not end or extend a session: only monotonic time counts.
    h.clock.setWall(h.clock.nowMs() + 48 * HOUR);
    expect(h.kh.sessions.requireActive(s.sessionId).state).toBe('active');
    for (let i = 0; i < 13 * 5; i += 1) {
      h.clock.advance(14 * 60_000);
      try {
        h.kh.sessions.requireActive(s.sessionId);
      } catch (e) {
        expect((e as { code: string }).code).toBe('session_expired');
        expect(i * 14).toBeGreaterThanOrEqual(11 * 60);
        return;
      }
    }
    throw new Error('session never expired');
  });

  it('lock, switch user and sign out', async () => {
    const s = expectStep(await h.kh.signIn.signIn('cam', CREW_PASSWORD), 'signed_in').session;
    expect(h.kh.sessions.lock(s.sessionId, 'switch_user').state).toBe('locked');
    expect(h.kh.sessions.listFor(s.accountId)).toContainEqual(
      expect.objectContaining({ sessionId: s.sessionId, state: 'locked' }),
    );
    h.kh.sessions.end(s.sessionId, 'signed_out');
    expect(await errorCode(() => h.kh.sessions.get(s.sessionId))).toBe('session_ended');
    const actions = h.kh.audit.query({ person: s.accountId }).entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.sign_out', 'auth.session_lock']));
  });
});
