import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { generateSecret, generateURI, verifySync } from 'otplib';
import type { DB } from '../db/schema';

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
  const key = plainBase32Key(secret);
  if (key) {
    // RFC 6238 with node:crypto's HMAC-SHA-1, steps tried in otplib's order (oldest first, the
    // first match wins), so the step is the one otplib's verifySync would return
    // (tests/backend/auth/totp-fast.test.ts compares them). otplib computes the HMAC in
    // JavaScript, a quarter of a millisecond per sign-in.
    const given = Buffer.from(token, 'ascii');
    const first = Math.max(0, Math.floor((epoch - TOTP_STEP_SECONDS) / TOTP_STEP_SECONDS));
    const last = Math.floor((epoch + TOTP_STEP_SECONDS) / TOTP_STEP_SECONDS);
    for (let step = first; step <= last; step++) {
      if (timingSafeEqual(Buffer.from(hotp(key, step), 'ascii'), given)) return step;
    }
    return null;
  }
  return otplibMatch(secret, token, epoch);
}

/**
 * The key of a secret in the form this server stores (RFC 4648 base32, upper case, unpadded
 * whole 40-bit groups, within otplib's 16–64 byte guardrails), or null: anything else goes to
 * otplib, which decides (and refuses) exactly as before.
 */
function plainBase32Key(secret: string): Buffer | null {
  if (secret.length % 8 !== 0 || !/^[A-Z2-7]+$/.test(secret)) return null;
  const bytes = Buffer.alloc((secret.length * 5) / 8);
  let bits = 0;
  let value = 0;
  let at = 0;
  for (let i = 0; i < secret.length; i++) {
    value = ((value << 5) | BASE32.indexOf(secret[i]!)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[at++] = (value >>> bits) & 0xff;
    }
  }
  return bytes.length >= 16 && bytes.length <= 64 ? bytes : null;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4226 HOTP, SHA-1, six digits. */
function hotp(key: Buffer, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(binary).padStart(6, '0');
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

/**
 * The authorisation decision for a TOTP code: moves the account's last used step forward to
 * `step`, which only one request can do. False if the step (or a later one) was used already.
 */
export async function claimTotpStep(
  trx: Kysely<DB>,
  userId: string,
  step: number,
): Promise<boolean> {
  const claimed = await trx
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where('totp_last_step', '<', step)
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}
