import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { z } from 'zod';
import { rawPublicKey } from './credential-key';

const b64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/);

/** Something sealed to an X25519 public key (ECIES: ephemeral X25519, HKDF-SHA256, AES-256-GCM). */
export const sealedBoxSchema = z.object({ epk: b64, iv: b64, data: b64, tag: b64 }).strict();
export type SealedBox = z.infer<typeof sealedBoxSchema>;

function x25519Public(raw: string): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw, 'base64').toString('base64url') },
    format: 'jwk',
  });
}

/** The AES key of one box: both public keys and `label` bind it to its purpose. */
function boxKey(shared: Buffer, epk: string, recipient: string, label: string): Buffer {
  const salt = Buffer.concat([Buffer.from(epk, 'base64'), Buffer.from(recipient, 'base64')]);
  return Buffer.from(hkdfSync('sha256', shared, salt, label, 32));
}

/**
 * Seals `secret` to `recipient` (a credential's `box` key, base64): only the private key that
 * person's password yields opens it. `label` names what it is, and must be given to open it.
 */
export function sealTo(recipient: string, secret: Buffer, label: string): SealedBox {
  const ephemeral = generateKeyPairSync('x25519');
  const epk = rawPublicKey(ephemeral.privateKey);
  const shared = diffieHellman({
    privateKey: ephemeral.privateKey,
    publicKey: x25519Public(recipient),
  });
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', boxKey(shared, epk, recipient, label), iv);
  cipher.setAAD(Buffer.from(label, 'utf8'));
  const data = Buffer.concat([cipher.update(secret), cipher.final()]);
  return {
    epk,
    iv: iv.toString('base64'),
    data: data.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/** Opens a box with the recipient's private X25519 key; null if it is not theirs or was changed. */
export function openBox(box: SealedBox, privateKey: KeyObject, label: string): Buffer | null {
  try {
    const shared = diffieHellman({ privateKey, publicKey: x25519Public(box.epk) });
    const key = boxKey(shared, box.epk, rawPublicKey(privateKey), label);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(box.iv, 'base64'));
    decipher.setAAD(Buffer.from(label, 'utf8'));
    decipher.setAuthTag(Buffer.from(box.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(box.data, 'base64')), decipher.final()]);
  } catch {
    return null;
  }
}
