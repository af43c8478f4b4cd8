import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultPolicyDocument } from '../../../common/policy/policy';
import { expectDetailsInCatalogue } from '../../support/audit-details-check';
import { ADMIN_PASSWORD, CoreHarness, errorCode, expectStep } from '../../support/core-harness';

const CREW_PASSWORD = 'a quiet walk by the harbour';
const MINUTE = 60_000;

/**
 * A policy change reaches sessions already open: idle time and lifetime are read from the policy
 * as it is now, not as it was at sign-in (fake clock, real core on a standalone PC). The policy
 * pulled from a sync server: tests/core/sync/sync-status-truth.test.ts.
 */
describe('policy changes apply to open sessions at once', () => {
  let h: CoreHarness;
  let admin: string;
  let crew: string;

  beforeEach(async () => {
    h = new CoreHarness();
    const { secret } = await h.setUp();
    admin = (await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secret)).sessionId;
    const made = await h.kh.staff.create(admin, {
      username: 'vic',
      displayName: 'Vic Crew',
      email: '',
      role: 'viewer',
    });
    const first = expectStep(
      await h.kh.signIn.signIn('vic', made.temporaryPassword),
      'needs_password_change',
    );
    const done = expectStep(
      await h.kh.signIn.submitNewPassword(first.challengeId, CREW_PASSWORD),
      'signed_in',
    );
    crew = done.session.sessionId;
  });
  afterEach(() => h.dispose());

  const crewSession = (overrides: { idleLockMinutes?: number; maxSessionHours?: number }) => {
    const roles = defaultPolicyDocument().roles;
    h.kh.sessions.requireActive(admin);
    return h.kh.deviceAdmin.updatePolicy(admin, {
      roles: { ...roles, viewer: { profile: 'standard', overrides: { session: overrides } } },
    });
  };

  it('a shorter idle time locks an open session at the new time, and says so', () => {
    expect(h.kh.sessions.get(crew).idleLockMinutes).toBe(15);
    h.clock.advance(4 * MINUTE);
    crewSession({ idleLockMinutes: 5 });
    // The session shows the new idle time; four minutes idle is still under five.
    expect(h.kh.sessions.get(crew)).toMatchObject({ state: 'active', idleLockMinutes: 5 });
    // "My account → sessions" shows the same.
    const vic = h.kh.sessions.get(crew).accountId;
    expect(h.kh.sessions.listFor(vic)[0]).toMatchObject({ idleLockMinutes: 5 });
    h.clock.advance(MINUTE + 1_000);
    expect(h.kh.sessions.get(crew).state).toBe('locked');
    const lock = h.kh.audit.query({ action: 'auth.session_lock' }).entries[0];
    expect(lock).toMatchObject({ actorName: 'vic', details: { reason: 'idle' } });
    // Not the admin's: the change was for crew only (the admin was active a minute ago).
    expect(h.kh.sessions.get(admin).state).toBe('active');
  });

  it('a longer idle time keeps an open session going past its old limit', () => {
    crewSession({ idleLockMinutes: 30 });
    h.clock.advance(20 * MINUTE);
    expect(h.kh.sessions.get(crew).state).toBe('active');
  });

  it('a shorter session lifetime ends an open session that is past it', async () => {
    for (let i = 0; i < 8; i++) {
      h.clock.advance(14 * MINUTE);
      h.kh.sessions.requireActive(crew);
      h.kh.sessions.requireActive(admin);
    }
    const before = h.kh.sessions.get(crew);
    crewSession({ maxSessionHours: 1 });
    expect(await errorCode(() => h.kh.sessions.requireActive(crew))).toBe('session_expired');
    expect(await errorCode(() => h.kh.sessions.get(crew))).toBe('session_ended');
    expect(before.expiresAt).toBe(before.startedAt + 12 * 3_600_000);
  });

  it('the policy-changed entry names each setting it moved, before and after, and nothing else', () => {
    crewSession({ idleLockMinutes: 5, maxSessionHours: 8 });
    const entry = h.kh.audit.query({ action: 'policy.change' }).entries[0]!;
    const versionBefore = entry.details.versionBefore as number;
    expect(entry.details).toEqual({
      versionBefore,
      versionAfter: versionBefore + 1,
      changes: [
        { role: 'viewer', field: 'session.idleLockMinutes', before: 15, after: 5 },
        { role: 'viewer', field: 'session.maxSessionHours', before: 12, after: 8 },
      ],
    });
    // A new profile: the profile and every setting it moves, for that role only.
    const roles = defaultPolicyDocument().roles;
    h.kh.deviceAdmin.updatePolicy(admin, { roles: { ...roles, manager: { profile: 'pci' } } });
    const pci = h.kh.audit.query({ action: 'policy.change' }).entries[0]!;
    const changes = pci.details.changes as { role: string; field: string }[];
    expect(changes.filter((c) => c.role === 'manager').map((c) => c.field)).toEqual([
      'profile',
      'password.requireLetter',
      'password.requireDigit',
      'password.historyCount',
      'password.expiryDays',
      'password.expiryOnlyWithoutTotp',
      'lockout.durationMinutes',
      'offline.maxHoursSinceSync',
      'offline.maxSignInsSinceSync',
    ]);
    // Crew went back to the profile's own session settings.
    expect(changes.filter((c) => c.role === 'viewer')).toEqual([
      { role: 'viewer', field: 'session.idleLockMinutes', before: 5, after: 15 },
      { role: 'viewer', field: 'session.maxSessionHours', before: 8, after: 12 },
    ]);
    expect(changes.some((c) => c.role === 'admin')).toBe(false);
    expectDetailsInCatalogue(h.kh);
  });
});
