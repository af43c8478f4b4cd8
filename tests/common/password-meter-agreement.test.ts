import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PROFILE_IDS,
  ROLES,
  defaultPolicyDocument,
  describeViolation,
  evaluatePassword,
  meterPasses,
  policyDocumentSchema,
  resolvePolicy,
  type EffectivePolicy,
  type PasswordContext,
} from '../../common/policy';

// The meter and the policy must never disagree: for any string, under any policy a store can
// have, the meter says "fails" exactly when the rules refuse, an accepted password is shown at
// its own estimate (never raised to look better, never below the role's floor), and a refused
// one comes with at least one reason in words.

/** Every profile × role, plus each role with the blocklist off and with the floor at 2 or 4. */
const POLICIES: EffectivePolicy[] = (() => {
  const out: EffectivePolicy[] = [];
  for (const profile of PROFILE_IDS) {
    for (const role of ROLES) out.push(resolvePolicy(defaultPolicyDocument(profile), role));
  }
  for (const password of [{ blocklist: false }, { minStrength: 2 }, { minStrength: 4 }]) {
    const base = defaultPolicyDocument();
    const doc = policyDocumentSchema.parse({
      ...base,
      roles: {
        admin: { profile: 'standard', overrides: { password } },
        manager: { profile: 'pci', overrides: { password } },
        viewer: { profile: 'classic', overrides: { password } },
      },
    });
    for (const role of ROLES) out.push(resolvePolicy(doc, role));
  }
  return out;
})();

const WORDS = ['violet', 'kettle', 'drums', 'noon', 'orbit', 'lantern', 'heron', 'maple', 'Street'];
const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm', '1234567890', '1qaz2wsx3edc', 'azertyuiop'];

/** Shapes people really type, so both verdicts occur often, not only random noise. */
const candidate = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 12, maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 4 }), fc.integer({ min: 2, max: 10 }))
    .map(([unit, times]) => unit.repeat(times)),
  fc
    .tuple(
      fc.constantFrom('a', 'A', 'k', '0', '5', 'z'),
      fc.integer({ min: 3, max: 16 }),
      fc.constantFrom(1, -1),
    )
    .map(([start, length, dir]) =>
      Array.from({ length }, (_, i) => String.fromCodePoint(start.codePointAt(0)! + dir * i)).join(
        '',
      ),
    ),
  fc
    .tuple(fc.constantFrom(...ROWS), fc.nat(9), fc.integer({ min: 3, max: 12 }))
    .map(([row, from, length]) => row.slice(from, from + length)),
  fc
    .tuple(
      fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 }),
      fc.constantFrom(' ', '-', ''),
      fc.string({ maxLength: 4 }),
    )
    .map(([words, sep, tail]) => words.join(sep) + tail),
);

const context = fc.option(
  fc.record<PasswordContext>({
    storeName: fc.constantFrom('Maple Street', 'Harbour'),
    username: fc.constantFrom('alice.smith', 'bo'),
  }),
  { nil: {} },
);

describe('meter and policy agree', () => {
  it('for arbitrary strings: refused ⇔ the meter fails; accepted shows its own score', () => {
    const seen = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(candidate, fc.constantFrom(...POLICIES), context, (password, policy, ctx) => {
        const r = evaluatePassword(password, policy, ctx);
        expect(r.ok).toBe(r.violations.length === 0);
        expect(meterPasses(r.meter)).toBe(r.ok);
        if (r.ok) {
          seen.accepted += 1;
          expect(r.meter).toBe(r.strength.score);
          expect(r.meter).toBeGreaterThanOrEqual(policy.password.minStrength);
        } else {
          seen.refused += 1;
          expect(r.meter).toBeLessThanOrEqual(1);
          for (const v of r.violations) expect(describeViolation(v)).toMatch(/^[A-Z"].+\.$/);
        }
      }),
      { numRuns: 600 },
    );
    // Both sides of the equivalence were exercised, not just refusals.
    expect(seen.accepted).toBeGreaterThan(30);
    expect(seen.refused).toBeGreaterThan(30);
  });

  it('the refusals the issue reported are shown as failing, in the same evaluation', () => {
    const admin = resolvePolicy(defaultPolicyDocument(), 'admin');
    for (const pw of [
      'aaaaaaaaaaaa',
      'abcabcabcabc',
      'abcdefghijkl',
      '87654321abcd',
      'qwertyuiop12',
    ]) {
      const r = evaluatePassword(pw, admin);
      expect(r.ok, pw).toBe(false);
      expect(meterPasses(r.meter), pw).toBe(false);
    }
  });
});
