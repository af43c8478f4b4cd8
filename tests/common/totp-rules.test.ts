// TOTP as the PC and the server both match it (common/auth/totp-rules.ts): the RFC's own
// vectors, otplib's decisions as the reference, and both sides' entry points agreeing.
import { createHmac, randomInt } from 'node:crypto';
import { generateSync, verifySync } from 'otplib';
import { describe, expect, it } from 'vitest';
import { matchTotpStep as serverMatch, newTotpSecret } from '../../backend-sync/auth/totp';
import {
  manualKeyOf,
  matchTotpStep as match,
  normalizeTotpCode,
  TOTP_STEP_SECONDS,
  type HmacSha1,
} from '../../common/auth/totp-rules';
import { AccountRepository } from '../../electron/core/accounts/account-repository';
import { PasswordHasher } from '../../electron/core/accounts/password-hasher';
import { TotpService } from '../../electron/core/totp/totp.service';
import { CoreHarness } from '../support/core-harness';

const hmac: HmacSha1 = (key, message) => createHmac('sha1', key).update(message).digest();
const matchTotpStep = (secret: string, code: string, nowMs: number) =>
  match(secret, code, nowMs, hmac);

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

describe('TOTP rules shared by the PC and the server', () => {
  it("matches RFC 6238's SHA-1 test vectors (six digits of each)", () => {
    // RFC 6238 appendix B: the ASCII secret "12345678901234567890", base32.
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    for (const [seconds, code] of [
      [59, '287082'],
      [1111111109, '081804'],
      [1111111111, '050471'],
      [1234567890, '005924'],
      [2000000000, '279037'],
      [20000000000, '353130'],
    ] as const) {
      expect(matchTotpStep(secret, code, seconds * 1000)).toBe(Math.floor(seconds / 30));
    }
  });

  it('reads codes with spaces, refuses anything but six digits, groups keys in fours', () => {
    expect(normalizeTotpCode(' 123 456 ')).toBe('123456');
    for (const bad of ['12345', '1234567', '12a456', '', '１２３４５６']) {
      expect(normalizeTotpCode(bad)).toBeNull();
    }
    expect(manualKeyOf('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).toBe(
      'JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP',
    );
  });

  it('the server and the desktop core decide every code alike', async () => {
    const harness = new CoreHarness();
    try {
      const { db } = await harness.open();
      const totp = new TotpService(db, new AccountRepository(db), new PasswordHasher());
      for (let i = 0; i < 50; i++) {
        const secret = newTotpSecret();
        const nowMs = Date.UTC(2026, 0, 1) + randomInt(0, 2 ** 36);
        for (const steps of [-2, -1, 0, 1, 2]) {
          const token = generateSync({ secret, epoch: Math.floor(nowMs / 1000) + steps * 30 });
          const desktop = totp.match(
            { id: 'x', totpSecret: secret, totpLastStep: -1 },
            token,
            nowMs,
          );
          const server = serverMatch(secret, token, nowMs);
          expect(desktop.ok ? desktop.step : null).toBe(server);
        }
      }
    } finally {
      harness.dispose();
    }
  });

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
