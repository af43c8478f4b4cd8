import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiHandlers, type ApiHandlers } from '../../../electron/core/api/api-handlers';
import { dispatch } from '../../../electron/core/api/dispatch';
import { newWindowContext, type WindowContext } from '../../../electron/core/api/window-context';
import { expectDetailsInCatalogue } from '../../support/audit-details-check';
import { ADMIN_PASSWORD, CoreHarness, errorCode, expectStep } from '../../support/core-harness';

const CREW_PASSWORD = 'a quiet walk by the harbour';

/**
 * One session per person per PC: signing in again instead of pressing Resume replaces the
 * person's parked session (ended, audited as replaced), so "switch user" never lists anyone
 * twice and the old session can no longer be resumed. Real core, real IPC handlers.
 */
describe('one session per person on this PC', () => {
  let h: CoreHarness;
  let handlers: ApiHandlers;
  let ctx: WindowContext;

  beforeEach(async () => {
    h = new CoreHarness();
    const { secret } = await h.setUp();
    const admin = await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secret);
    const made = await h.kh.staff.create(admin.sessionId, {
      username: 'vic',
      displayName: 'Vic Crew',
      email: '',
      role: 'viewer',
    });
    const first = expectStep(
      await h.kh.signIn.signIn('vic', made.temporaryPassword),
      'needs_password_change',
    );
    await h.kh.signIn.submitNewPassword(first.challengeId, CREW_PASSWORD);
    h.kh.sessions.end(admin.sessionId, 'signed_out');
    handlers = createApiHandlers(h.kh);
    ctx = newWindowContext();
  });
  afterEach(() => h.dispose());

  const call = async (channel: string, payload: unknown = {}) => {
    const result = await dispatch(handlers, ctx, channel, payload);
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
    return result.data as Record<string, unknown>;
  };
  const signInAndSwitch = async () => {
    const step = await call('auth.signIn', { username: 'vic', password: CREW_PASSWORD });
    const sessionId = (step.session as { sessionId: string }).sessionId;
    await call('session.switchUser');
    h.clock.advance(60_000);
    return sessionId;
  };

  it('signing in five times instead of Resume leaves one parked session, the newest', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await signInAndSwitch());

    const state = await call('app.state');
    expect(state.parked).toEqual([{ sessionId: ids[4], username: 'vic', displayName: 'Vic Crew' }]);
    // The replaced sessions are gone: not resumable, not usable.
    for (const old of ids.slice(0, 4)) {
      expect(await errorCode(() => h.kh.sessions.get(old))).toBe('session_ended');
      expect(
        await errorCode(() => call('session.resume', { sessionId: old, password: CREW_PASSWORD })),
      ).toBe('session_ended');
    }
    const vic = h.kh.db.prepare("SELECT id FROM accounts WHERE username = 'vic'").get() as {
      id: string;
    };
    expect(h.kh.sessions.listFor(vic.id).map((s) => s.sessionId)).toEqual([ids[4]]);

    // Each one ended as replaced: in the sessions table and in the audit log, in words.
    const rows = h.kh.db
      .prepare('SELECT id, end_reason FROM sessions WHERE account_id = ? ORDER BY started_at')
      .all(vic.id) as { id: string; end_reason: string | null }[];
    expect(rows.slice(-5).map((r) => r.end_reason)).toEqual([
      'replaced',
      'replaced',
      'replaced',
      'replaced',
      null,
    ]);
    const ended = h.kh.audit.query({ action: 'auth.session_expired', person: vic.id }).entries;
    // Five: the four above, and the session of her first sign-in (before this test's loop).
    expect(ended.map((e) => e.details)).toEqual(Array(5).fill({ reason: 'replaced' }));
    expectDetailsInCatalogue(h.kh);

    // The one left resumes with the password.
    const resumed = await call('session.resume', { sessionId: ids[4], password: CREW_PASSWORD });
    expect(resumed).toMatchObject({ sessionId: ids[4], state: 'active' });
    expect((await call('app.state')).parked).toEqual([]);
  });

  it('a person signing in while their session is the window’s own replaces it too', async () => {
    const a = await call('auth.signIn', { username: 'vic', password: CREW_PASSWORD });
    const first = (a.session as { sessionId: string }).sessionId;
    await call('session.lock', { reason: 'manual' });
    // Another window (the browser shell gives each launch its own) signs the same person in.
    const other = newWindowContext();
    const b = await dispatch(handlers, other, 'auth.signIn', {
      username: 'vic',
      password: CREW_PASSWORD,
    });
    expect(b.ok).toBe(true);
    expect(await errorCode(() => h.kh.sessions.get(first))).toBe('session_ended');
    expect((await call('app.state')).session).toBeNull();
  });
});
