import { hash, randomBytes } from 'node:crypto';

/**
 * Random secrets handed to people or clients, and how they are stored: only a SHA-256 hash
 * is kept. These secrets are long and random (≥ 128 bits), so a fast hash is enough — unlike
 * passwords, there is nothing to brute-force.
 */

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Prefix that makes a leaked refresh token recognisable to secret scanners. */
const REFRESH_PREFIX = 'khr_';

export function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex');
}

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/**
 * A one-time setup code: 160 random bits as 32 base32 characters, shown in groups of four
 * ("ABCD-EFGH-…") because an operator may have to read it out or type it.
 */
export function newSetupCode(): string {
  return base32(randomBytes(20)).replace(/(.{4})(?=.)/g, '$1-');
}

/** The canonical form that is hashed: upper case, no spaces or dashes. Null if malformed. */
export function normalizeSetupCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  return /^[A-Z2-7]{32}$/.test(code) ? code : null;
}

/** An opaque refresh token: 256 random bits. */
export function newRefreshToken(): string {
  return REFRESH_PREFIX + randomBytes(32).toString('base64url');
}

export function isWellFormedRefreshToken(token: string): boolean {
  return /^khr_[A-Za-z0-9_-]{43}$/.test(token);
}

/** Email addresses are compared in one form: trimmed, lower case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
