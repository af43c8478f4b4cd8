import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config';

/**
 * The server's Ed25519 signing keys.
 *
 * One master key, from SIGNING_KEY (base64 of a PKCS#8 PEM, for several instances sharing a
 * database) or generated at first start in DATA_DIR/keys (directory 0700, file 0600). From it:
 * - `policy`: the master key itself; devices pin its public key when they enroll, so an
 *   operator who provides SIGNING_KEY knows exactly which public key devices trust;
 * - `token`: a key derived with HKDF-SHA256 (purpose label below). Separate keys mean an access
 *   token can never be presented as a policy signature or the other way round, and there is
 *   still only one secret to back up or to share between instances.
 * Private keys never leave this module except as KeyObjects handed to the signer (jose).
 */
export interface SigningKey {
  readonly purpose: 'policy' | 'token';
  /** RFC 7638 JWK thumbprint of the public key (base64url SHA-256). */
  readonly keyId: string;
  readonly publicKeyPem: string;
  readonly publicKey: KeyObject;
  /** For signers that take a key object (jose). Do not export or log it. */
  readonly privateKey: KeyObject;
  sign(bytes: Uint8Array): Uint8Array;
  verify(bytes: Uint8Array, signature: Uint8Array): boolean;
}

export interface SigningKeys {
  readonly policy: SigningKey;
  readonly token: SigningKey;
  /** Where the master key came from (logged at start, never the key). */
  readonly source: 'environment' | 'file' | 'generated';
}

export const KEY_DIR_NAME = 'keys';
export const KEY_FILE_NAME = 'signing-key.pem';
const TOKEN_KEY_LABEL = 'keyholder/sync/access-token-signing/v1';
/** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export class SigningKeyError extends Error {}

export function loadSigningKeys(config: Pick<Config, 'SIGNING_KEY' | 'dataDir'>): SigningKeys {
  const { key, source } = config.SIGNING_KEY
    ? { key: fromEnvironment(config.SIGNING_KEY), source: 'environment' as const }
    : fromDataDir(join(config.dataDir, KEY_DIR_NAME));
  return { policy: signingKey('policy', key), token: signingKey('token', deriveKey(key)), source };
}

/**
 * A symmetric secret for one purpose (an HMAC key), derived with HKDF-SHA256 from the master
 * key under `label`: nothing more to generate, store or back up, and changing the signing key
 * changes it too. Use one label per purpose ("keyholder/sync/<purpose>/v1").
 */
export function derivedSecret(keys: SigningKeys, label: string): Buffer {
  return Buffer.from(
    hkdfSync('sha256', seedOf(keys.policy.privateKey), Buffer.alloc(0), label, 32),
  );
}

function fromEnvironment(value: string): KeyObject {
  const text = value.trim().startsWith('-----BEGIN')
    ? value
    : Buffer.from(value.trim(), 'base64').toString('utf8');
  return parseEd25519(text, 'SIGNING_KEY: expected base64 of an Ed25519 private key (PKCS#8 PEM)');
}

function fromDataDir(dir: string): { key: KeyObject; source: 'file' | 'generated' } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir honours the umask and leaves an existing folder alone: set the mode explicitly.
  if (process.platform !== 'win32') chmodSync(dir, 0o700);
  const file = join(dir, KEY_FILE_NAME);
  if (!existsSync(file)) {
    const pem = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    if (writeOnce(file, pem)) return { key: parseEd25519(pem, file), source: 'generated' };
  }
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    // Like OpenSSH: a key others could have read is not silently trusted.
    throw new SigningKeyError(
      `${file} is readable by other users. Check who had access, then run: chmod 600 "${file}"`,
    );
  }
  return { key: parseEd25519(readFileSync(file, 'utf8'), file), source: 'file' };
}

/**
 * Writes `content` to `file` only if it does not exist yet, atomically: a temporary file
 * (0600, fsynced) is hard-linked into place, so a crash never leaves a half-written key and two
 * processes starting at once agree on one key. Returns false when another writer won.
 */
function writeOnce(file: string, content: string): boolean {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(tmp);
  }
}

function parseEd25519(pem: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new SigningKeyError(`${where}: not a readable private key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyError(`${where}: the key must be Ed25519, not ${key.asymmetricKeyType}`);
  }
  return key;
}

function seedOf(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (!jwk.d) throw new SigningKeyError('not a private key');
  return Buffer.from(jwk.d, 'base64url');
}

function deriveKey(master: KeyObject): KeyObject {
  const seed = Buffer.from(
    hkdfSync('sha256', seedOf(master), Buffer.alloc(0), TOKEN_KEY_LABEL, 32),
  );
  return createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
}

function signingKey(purpose: SigningKey['purpose'], privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey);
  const x = publicKey.export({ format: 'jwk' }).x ?? '';
  // RFC 7638: members in lexicographic order, no whitespace.
  const keyId = createHash('sha256')
    .update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x }))
    .digest('base64url');
  return {
    purpose,
    keyId,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicKey,
    privateKey,
    sign: (bytes) => new Uint8Array(sign(null, bytes, privateKey)),
    verify: (bytes, signature) => verify(null, bytes, publicKey, signature),
  };
}
