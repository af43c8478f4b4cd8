import { afterEach, describe, expect, it } from 'vitest';
import {
  defaultPolicyDocument,
  evaluatePassword,
  meterPasses,
  resolvePolicy,
  type PasswordRules,
  type PasswordViolation,
} from '../../../common/policy';
import { ADMIN_PASSWORD, CoreHarness, expectStep } from '../../support/core-harness';

/**
 * The form's live feedback (renderer/components/password-feedback.tsx) runs evaluatePassword
 * with the rules the core hands it; these tests hold the core to checking with exactly those
 * rules, so the meter's verdict is the core's, for a forced change and in My account.
 */

/** The violations the core refuses `attempt` with ([] when it accepts). */
async function refusal(attempt: () => Promise<unknown>): Promise<PasswordViolation[]> {
  try {
    await attempt();
    return [];
  } catch (error) {
    const e = error as { code?: string; details?: { violations?: PasswordViolation[] } };
    expect(e.code).toBe('password_rejected');
    return e.details?.violations ?? [];
  }
}

function feedback(rules: PasswordRules, password: string) {
  const r = evaluatePassword(password, rules.policy, rules.context);
  return { violations: r.violations, meterPasses: meterPasses(r.meter) };
}

describe('the rules the UI is given are the rules the core checks with', () => {
  let h: CoreHarness;
  afterEach(() => h.dispose());

  it("a manager's forced change: the role's floor, her names, and the same verdict", async () => {
    h = new CoreHarness();
    const { secret } = await h.setUp();
    const admin = (await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secret)).sessionId;
    const mia = await h.kh.staff.create(admin, {
      username: 'mia.lopez',
      displayName: 'Mia Lopez',
      email: 'mia.lopez@example.test',
      role: 'manager',
    });
    const step = expectStep(
      await h.kh.signIn.signIn('mia.lopez', mia.temporaryPassword),
      'needs_password_change',
    );
    expect(step.rules.policy).toEqual(resolvePolicy(defaultPolicyDocument(), 'manager'));
    expect(step.rules.policy.password.minStrength).toBe(3);
    expect(step.rules.context).toEqual({
      username: 'mia.lopez',
      displayName: 'Mia Lopez',
      email: 'mia.lopez@example.test',
      storeName: 'Maple Street',
      brandName: 'Northwind Coffee',
    });

    // Each refused by the core for the reason the form shows, the meter failing with it.
    for (const [password, code] of [
      ['aaaaaaaaaaaa', 'repetitive'],
      ['abcdefgh1234', 'sequential'],
      ['1qaz2wsx3edc', 'keyboard_walk'],
      ['rainbowfish1', 'too_guessable'], // enough for crew, not for a manager
      ['lopez family recipes', 'context_word'],
    ] as const) {
      const shown = feedback(step.rules, password);
      expect(shown.meterPasses, password).toBe(false);
      expect(
        shown.violations.map((v) => v.code),
        password,
      ).toContain(code);
      const refused = await refusal(() =>
        h.kh.signIn.submitNewPassword(step.challengeId, password),
      );
      expect(refused, password).toEqual(shown.violations);
    }
    const good = 'the safe keys live in the back office';
    expect(feedback(step.rules, good)).toEqual({ violations: [], meterPasses: true });
    expectStep(
      await h.kh.signIn.submitNewPassword(step.challengeId, good),
      'needs_totp_enrollment',
    );
  });

  it("crew on a PCI store: My account's rules are PCI's, not the Standard defaults", async () => {
    h = new CoreHarness();
    const { secret } = await h.setUp();
    const admin = (await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secret)).sessionId;
    const roles = h.kh.policies.current().roles;
    h.kh.deviceAdmin.updatePolicy(admin, { roles: { ...roles, viewer: { profile: 'pci' } } });
    const kim = await h.kh.staff.create(admin, {
      username: 'kim',
      displayName: 'Kim Crew',
      email: '',
      role: 'viewer',
    });
    const first = expectStep(
      await h.kh.signIn.signIn('kim', kim.temporaryPassword),
      'needs_password_change',
    );
    const current = 'paper lantern river song 7';
    const session = expectStep(
      await h.kh.signIn.submitNewPassword(first.challengeId, current),
      'signed_in',
    ).session;

    const { passwordRules: rules } = h.kh.myAccount.overview(session.sessionId);
    expect(rules.policy).toEqual(resolvePolicy(defaultPolicyDocument('pci'), 'viewer'));
    // Fine under Standard, refused here for its missing digit: the form says so too.
    const noDigit = 'violet kettle drums at noon';
    expect(feedback(rules, noDigit)).toEqual({
      violations: [{ code: 'needs_digit' }],
      meterPasses: false,
    });
    expect(
      await refusal(() => h.kh.myAccount.changePassword(session.sessionId, current, noDigit)),
    ).toEqual([{ code: 'needs_digit' }]);
    // Score 2 is enough for crew: accepted by both.
    expect(feedback(rules, 'rainbowfish1')).toEqual({ violations: [], meterPasses: true });
    h.clock.advance(1000);
    expect(
      await refusal(() =>
        h.kh.myAccount.changePassword(session.sessionId, current, 'rainbowfish1'),
      ),
    ).toEqual([]);
  });
});
