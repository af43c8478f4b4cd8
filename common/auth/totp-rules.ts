import { verifySync } from 'otplib';

/**
 * TOTP as Keyholder uses it everywhere (RFC 6238): SHA-1, six digits, 30-second steps, one step
 * either side, 160-bit secrets. The desktop core and the sync server both match codes here, so
 * a code a person's phone shows means the same on a store PC and on the server, and the step a
 * code is claimed under (`totp_last_step`, the replay decision) is the same number on both.
 */
export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** The issuer authenticator apps show above the account. */
export const TOTP_ISSUER = 'Keyholder';

/** HMAC-SHA-1 of `message` under `key`: each side passes its platform's (node:crypto here). */
export type HmacSha1 = (key: Uint8Array, message: Uint8Array) => Uint8Array;

/** Six digits, spaces allowed ("123 456"). Anything else is simply a wrong code. */
export function normalizeTotpCode(code: string): string | null {
  const digits = code.replace(/\s+/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

/** The secret grouped in fours ("JBSW Y3DP …"), for typing into an authenticator app. */
export function manualKeyOf(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * The time step `code` belongs to (within one step of `nowMs`), or null. It does not use the
 * code up: callers claim the step with a conditional write, which is the decision.
 *
 * Secrets in the form Keyholder stores (RFC 4648 base32, upper case, whole 40-bit groups, 16–64
 * bytes) are matched with the platform's HMAC, steps tried oldest first with the first match
 * winning, which is otplib's order (tests/common/totp-rules.test.ts compares them); otplib
 * computes the HMAC in JavaScript, a quarter of a millisecond per sign-in. Anything else goes
 * to otplib, which decides (and refuses) as it always has.
 */
export function matchTotpStep(
  secret: string,
  code: string,
  nowMs: number,
  hmacSha1: HmacSha1,
): number | null {
  const token = normalizeTotpCode(code);
  if (!token) return null;
  const epoch = Math.floor(nowMs / 1000);
  const key = plainBase32Key(secret);
  if (!key) return otplibMatch(secret, token, epoch);
  const first = Math.max(0, Math.floor((epoch - TOTP_STEP_SECONDS) / TOTP_STEP_SECONDS));
  const last = Math.floor((epoch + TOTP_STEP_SECONDS) / TOTP_STEP_SECONDS);
  for (let step = first; step <= last; step++) {
    if (sameDigits(hotp(key, step, hmacSha1), token)) return step;
  }
  return null;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function plainBase32Key(secret: string): Uint8Array | null {
  if (secret.length % 8 !== 0 || !/^[A-Z2-7]+$/.test(secret)) return null;
  const bytes = new Uint8Array((secret.length * 5) / 8);
  let bits = 0;
  let value = 0;
  let at = 0;
  for (const char of secret) {
    value = ((value << 5) | BASE32.indexOf(char)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[at++] = (value >>> bits) & 0xff;
    }
  }
  return bytes.length >= 16 && bytes.length <= 64 ? bytes : null;
}

/** RFC 4226 HOTP, six digits. */
function hotp(key: Uint8Array, counter: number, hmacSha1: HmacSha1): string {
  const message = new Uint8Array(8);
  new DataView(message.buffer).setBigUint64(0, BigInt(counter));
  const mac = hmacSha1(key, message);
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const binary = new DataView(mac.buffer, mac.byteOffset, mac.byteLength).getUint32(offset);
  return String((binary & 0x7fffffff) % 10 ** TOTP_DIGITS).padStart(TOTP_DIGITS, '0');
}

/** Compares every digit whatever the first difference, so timing tells nothing of the code. */
function sameDigits(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function otplibMatch(secret: string, token: string, epoch: number): number | null {
  const result = verifySync({
    secret,
    token,
    epoch,
    period: TOTP_STEP_SECONDS,
    epochTolerance: TOTP_STEP_SECONDS,
  });
  return result.valid ? Math.floor(epoch / TOTP_STEP_SECONDS) + result.delta : null;
}
