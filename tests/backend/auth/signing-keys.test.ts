import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  KEY_DIR_NAME,
  KEY_FILE_NAME,
  loadSigningKeys,
  SigningKeyError,
} from '../../../backend-sync/keys/signing-keys';

describe('server signing keys', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'keyholder-keys-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const keyFile = () => join(dataDir, KEY_DIR_NAME, KEY_FILE_NAME);

  it('generates an Ed25519 key at first start, owner-only, and reuses it after', () => {
    const first = loadSigningKeys({ dataDir });
    expect(first.source).toBe('generated');
    expect(statSync(join(dataDir, KEY_DIR_NAME)).mode & 0o777).toBe(0o700);
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile(), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);

    const again = loadSigningKeys({ dataDir });
    expect(again.source).toBe('file');
    expect(again.policy.publicKeyPem).toBe(first.policy.publicKeyPem);
    expect(again.token.keyId).toBe(first.token.keyId);
  });

  it('signs bytes, verifies them, and keeps token and policy keys apart', () => {
    const { policy, token } = loadSigningKeys({ dataDir });
    const bytes = new TextEncoder().encode('{"version":2}');
    const signature = policy.sign(bytes);
    expect(signature).toHaveLength(64);
    expect(policy.verify(bytes, signature)).toBe(true);
    expect(policy.verify(new TextEncoder().encode('{"version":3}'), signature)).toBe(false);
    expect(token.verify(bytes, signature)).toBe(false);
    expect(token.publicKeyPem).not.toBe(policy.publicKeyPem);
    expect(policy.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(policy.keyId).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('takes the key from SIGNING_KEY (base64 PKCS#8 PEM), the same on every instance', () => {
    const pem = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const SIGNING_KEY = Buffer.from(pem).toString('base64');
    const a = loadSigningKeys({ dataDir, SIGNING_KEY });
    const otherDir = mkdtempSync(join(tmpdir(), 'keyholder-keys-'));
    const b = loadSigningKeys({ dataDir: otherDir, SIGNING_KEY });
    rmSync(otherDir, { recursive: true, force: true });
    expect(a.source).toBe('environment');
    expect(a.token.keyId).toBe(b.token.keyId);
    expect(a.policy.publicKeyPem).toBe(b.policy.publicKeyPem);
    expect(() => statSync(keyFile())).toThrow(); // nothing written to disk
  });

  it('refuses a key of the wrong type, a malformed one, and one others can read', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() =>
      loadSigningKeys({ dataDir, SIGNING_KEY: Buffer.from(rsa).toString('base64') }),
    ).toThrow(/must be Ed25519/);
    expect(() => loadSigningKeys({ dataDir, SIGNING_KEY: 'bm90IGEga2V5' })).toThrow(
      SigningKeyError,
    );

    loadSigningKeys({ dataDir });
    chmodSync(keyFile(), 0o644);
    expect(() => loadSigningKeys({ dataDir })).toThrow(/readable by other users/);
  });
});
