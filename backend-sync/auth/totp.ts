import { generateSecret, generateURI, verifySync } from 'otplib';

/**
 * RFC 6238 with the house parameters (same as the desktop): SHA-1, 6 digits, 30 s step,
 * ±1 step, 160-bit secrets. A code is usable once: callers claim the matched step with a
 * conditional write on `users.totp_last_step`, which is the authorisation decision.
 */
export const TOTP_STEP_SECONDS = 30;
const ISSUER = 'Keyholder';

export interface TotpEnrollment {
  /** Base32, for authenticator apps that take the key as is. */
  secret: string;
  /** The same key grouped in fours, for typing. */
  manualKey: string;
  otpauthUri: string;
}

export function newTotpEnrollment(secret: string, label: string): TotpEnrollment {
  return {
    secret,
    manualKey: secret.replace(/(.{4})(?=.)/g, '$1 '),
    otpauthUri: generateURI({ issuer: ISSUER, label, secret }),
  };
}

/** 20 random bytes (160 bits), base32. */
export function newTotpSecret(): string {
  return generateSecret();
}

/** Six digits, spaces allowed ("123 456"). Anything else is simply a wrong code. */
function normalizeCode(code: string): string | null {
  const digits = code.replace(/\s+/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

/** The time step `code` belongs to (within ±1 step of `nowMs`), or null. Does not use it up. */
export function matchTotpStep(secret: string, code: string, nowMs: number): number | null {
  const token = normalizeCode(code);
  if (!token) return null;
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
