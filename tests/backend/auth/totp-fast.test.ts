import { randomInt } from 'node:crypto';
import { generateSync, verifySync } from 'otplib';
import { describe, expect, it } from 'vitest';
import { matchTotpStep, newTotpSecret, TOTP_STEP_SECONDS } from '../../../backend-sync/auth/totp';

/** What otplib's verifySync decides, as the server did before (the reference). */
function reference(secret: string, token: string, nowMs: number): number | null {
  const epoch = Math.floor(nowMs / 1000);
  const result = verifySync({
    secret,
    token,
    epoch,
    period: TOTP_STEP_SECONDS,
    epochTolerance: TOTP_STEP_SECONDS,
  });
  return result.valid ? Math.floor(epoch / TOTP_STEP_SECONDS) + result.delta : null;
}

describe('TOTP check with node:crypto', () => {
  it('matches the same step as otplib for codes of nearby steps, and refuses the rest', () => {
    for (let i = 0; i < 300; i++) {
      const secret = newTotpSecret();
      const nowMs = Date.UTC(2026, 0, 1) + randomInt(0, 2 ** 40);
      const epoch = Math.floor(nowMs / 1000);
      for (const steps of [-3, -2, -1, 0, 1, 2, 3]) {
        const token = generateSync({ secret, epoch: epoch + steps * TOTP_STEP_SECONDS });
        expect(matchTotpStep(secret, token, nowMs)).toBe(reference(secret, token, nowMs));
      }
      const random = String(randomInt(0, 1_000_000)).padStart(6, '0');
      expect(matchTotpStep(secret, random, nowMs)).toBe(reference(secret, random, nowMs));
      expect(matchTotpStep(secret, random.slice(0, 3) + ' ' + random.slice(3), nowMs)).toBe(
        reference(secret, random, nowMs),
      );
    }
  });

  it('near the epoch, and for secrets it does not read itself, decides as otplib', () => {
    const secret = newTotpSecret();
    for (const nowMs of [0, 1_000, 29_999, 30_000, 59_000]) {
      const token = generateSync({ secret, epoch: Math.floor(nowMs / 1000) });
      expect(matchTotpStep(secret, token, nowMs)).toBe(reference(secret, token, nowMs));
    }
    // Lower case, a 26-character secret: otplib's own path, same answers.
    const nowMs = Date.now();
    const lower = secret.toLowerCase();
    const token = generateSync({ secret, epoch: Math.floor(nowMs / 1000) });
    expect(matchTotpStep(lower, token, nowMs)).toBe(reference(lower, token, nowMs));
    expect(matchTotpStep(secret, 'abcdef', nowMs)).toBeNull();
    expect(matchTotpStep(secret, '1234567', nowMs)).toBeNull();
  });
});
