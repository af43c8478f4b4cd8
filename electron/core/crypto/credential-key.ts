import {
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { hashRaw } from '@node-rs/argon2';
import {
  CREDENTIAL_KDF,
  CREDENTIAL_LABELS,
  type Credential,
} from '../../../common/identity/credential';

/** `Algorithm.Argon2id` (a const enum, which isolated modules cannot import). */
const ARGON2ID_ALGORITHM = 2;
/** DER prefixes of PKCS#8 Ed25519 and X25519 private keys; the 32-byte seed follows (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** What a person's password yields (common/identity/credential.ts). Held in memory only. */
export interface CredentialMaterial {
  readonly credential: Credential;
  readonly signingKey: KeyObject;
  /** Opens what was sealed to the credential's `box` key (crypto/sealed-box.ts). */
  readonly boxKey: KeyObject;
}

/** A private key of `type` from its 32-byte seed. */
export function privateKeyFromSeed(type: 'ed25519' | 'x25519', seed: Buffer): KeyObject {
  const prefix = type === 'ed25519' ? ED25519_PKCS8_PREFIX : X25519_PKCS8_PREFIX;
  return createPrivateKey({ key: Buffer.concat([prefix, seed]), format: 'der', type: 'pkcs8' });
}

/** The raw 32-byte public key (base64) of an Ed25519 or X25519 key. */
export function rawPublicKey(key: KeyObject): string {
  const x = createPublicKey(key).export({ format: 'jwk' }).x ?? '';
  return Buffer.from(x, 'base64url').toString('base64');
}

/** The credential of `password` with `salt` (base64): one argon2id, then two HKDFs. */
export async function deriveCredential(
  password: string,
  salt: string,
): Promise<CredentialMaterial> {
  const seed = await hashRaw(password, {
    algorithm: ARGON2ID_ALGORITHM,
    memoryCost: CREDENTIAL_KDF.memoryCost,
    timeCost: CREDENTIAL_KDF.timeCost,
    parallelism: CREDENTIAL_KDF.parallelism,
    outputLen: CREDENTIAL_KDF.outputLen,
    salt: Buffer.from(salt, 'base64'),
  });
  const part = (label: string) => Buffer.from(hkdfSync('sha256', seed, Buffer.alloc(0), label, 32));
  const signingKey = privateKeyFromSeed('ed25519', part(CREDENTIAL_LABELS.signing));
  const boxKey = privateKeyFromSeed('x25519', part(CREDENTIAL_LABELS.box));
  return {
    credential: { salt, key: rawPublicKey(signingKey), box: rawPublicKey(boxKey) },
    signingKey,
    boxKey,
  };
}

/** A new credential for a password being set (a random salt). */
export function newCredential(password: string): Promise<CredentialMaterial> {
  return deriveCredential(password, randomBytes(CREDENTIAL_KDF.saltBytes).toString('base64'));
}

export function signText(key: KeyObject, text: string): string {
  return sign(null, Buffer.from(text, 'utf8'), key).toString('base64');
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
