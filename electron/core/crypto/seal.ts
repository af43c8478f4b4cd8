import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function hmacHex(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex strings (false for different lengths). */
export function hexEquals(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export function randomKeyBase64(): string {
  return randomBytes(32).toString('base64');
}

/** A value stored next to its MAC, so an edit without the keychain key is detected. */
export function sealValue(key: Buffer, name: string, value: string): string {
  return hmacHex(key, `${name}\n${value}`);
}
