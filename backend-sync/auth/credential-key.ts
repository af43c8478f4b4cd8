import { createPrivateKey, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';
import { hashRaw } from '@node-rs/argon2';
import {
  CREDENTIAL_KDF,
  CREDENTIAL_LABELS,
  type Credential,
} from '../../common/identity/credential';

/** `Algorithm.Argon2id` (a const enum, which isolated modules cannot import). */
const ARGON2ID_ALGORITHM = 2;
/** DER prefixes of PKCS#8 Ed25519 and X25519 private keys; the 32-byte seed follows (RFC 8410). */
const PKCS8_PREFIX = {
  ed25519: Buffer.from('302e020100300506032b657004220420', 'hex'),
  x25519: Buffer.from('302e020100300506032b656e04220420', 'hex'),
};

/**
 * The credential (common/identity/credential.ts) of a password the server sets: it sees the
 * password then, and only then. Derived exactly as the store PCs derive it
 * (electron/core/crypto/credential-key.ts); tests/common/credential.test.ts checks both give
 * the same key for the same password and salt.
 */
export async function credentialOf(
  password: string,
  salt = randomBytes(CREDENTIAL_KDF.saltBytes).toString('base64'),
): Promise<Credential> {
  const seed = await hashRaw(password, {
    algorithm: ARGON2ID_ALGORITHM,
    memoryCost: CREDENTIAL_KDF.memoryCost,
    timeCost: CREDENTIAL_KDF.timeCost,
    parallelism: CREDENTIAL_KDF.parallelism,
    outputLen: CREDENTIAL_KDF.outputLen,
    salt: Buffer.from(salt, 'base64'),
  });
  const publicOf = (type: 'ed25519' | 'x25519', label: string) => {
    const part = Buffer.from(hkdfSync('sha256', seed, Buffer.alloc(0), label, 32));
    const key = createPrivateKey({
      key: Buffer.concat([PKCS8_PREFIX[type], part]),
      format: 'der',
      type: 'pkcs8',
    });
    const x = createPublicKey(key).export({ format: 'jwk' }).x ?? '';
    return Buffer.from(x, 'base64url').toString('base64');
  };
  return {
    salt,
    key: publicOf('ed25519', CREDENTIAL_LABELS.signing),
    box: publicOf('x25519', CREDENTIAL_LABELS.box),
  };
}

/** Whether `signature` over `text` is by the holder of `credential` (false for anything odd). */
export function signedByCredential(
  credential: Pick<Credential, 'key'>,
  text: string,
  signature: string,
): boolean {
  try {
    const key = createPublicKey({
      key: {
        kty: 'OKP',
        crv: 'Ed25519',
        x: Buffer.from(credential.key, 'base64').toString('base64url'),
      },
      format: 'jwk',
    });
    return verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
