import type { SignInStep } from '../../electron/core/auth/sign-in.service';
import type { CoreHarness } from './core-harness';

/**
 * Signs a person in through every step the policy asks for (a forced change to `next`, 2FA
 * enrollment), then, for an admin or manager on a standalone PC, confirms the password as the
 * app asks before a first change. Returns the session and the password that now works.
 */
export async function signInFully(
  h: CoreHarness,
  username: string,
  password: string,
  next: string,
) {
  let step: SignInStep = await h.kh.signIn.signIn(username, password);
  let current = password;
  for (;;) {
    if (step.status === 'signed_in') break;
    if (step.status === 'needs_password_change') {
      current = next;
      step = await h.kh.signIn.submitNewPassword(step.challengeId, next);
    } else if (step.status === 'needs_totp_enrollment') {
      const enrollment = await h.kh.signIn.beginEnrollment(step.challengeId);
      step = await h.kh.signIn.confirmEnrollment(step.challengeId, h.code(enrollment.manualKey));
    } else throw new Error(`unexpected step ${step.status}`);
    h.clock.advance(30_000);
  }
  if (step.session.role !== 'viewer' && h.kh.authority.active())
    await h.kh.authority.unlock(step.session, current);
  return { session: step.session, password: current };
}
