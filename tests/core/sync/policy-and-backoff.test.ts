import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultPolicyDocument } from '../../../common/policy/policy';
import { policySigningInput, type SignedPolicy } from '../../../common/sync/protocol';
import {
  backoffDelay,
  parseRetryAfter,
  REQUEST_BACKOFF,
} from '../../../electron/core/sync/backoff';
import { verifySignedPolicy } from '../../../electron/core/sync/policy-verifier';
import { SyncError } from '../../../electron/core/sync/sync-errors';

const server = generateKeyPairSync('ed25519');
const stranger = generateKeyPairSync('ed25519');
const pinned = server.publicKey.export({ type: 'spki', format: 'pem' }).toString();

function bundle(version: number, key = server.privateKey, documentVersion = version): SignedPolicy {
  const unsigned = {
    version,
    issuedAt: 1_800_000_000_000,
    document: { ...defaultPolicyDocument('standard'), version: documentVersion },
  };
  const signature = sign(null, Buffer.from(policySigningInput(unsigned)), key).toString('base64');
  return { ...unsigned, signature };
}

function reason(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SyncError);
    return (error as SyncError).details.reason;
  }
  return 'accepted';
}

describe('checking a signed policy with the pinned key', () => {
  it('accepts a newer bundle signed by the pinned key', () => {
    expect(verifySignedPolicy(bundle(3), pinned, 2).version).toBe(3);
  });

  it('refuses a genuinely signed older or equal bundle (no replay to weaken the policy)', () => {
    expect(reason(() => verifySignedPolicy(bundle(2), pinned, 2))).toBe('not_newer');
    expect(reason(() => verifySignedPolicy(bundle(1), pinned, 2))).toBe('not_newer');
  });

  it('refuses another key, an edited document, a version mismatch and extra fields', () => {
    expect(reason(() => verifySignedPolicy(bundle(3, stranger.privateKey), pinned, 0))).toBe(
      'bad_signature',
    );
    const edited = bundle(3);
    edited.document.roles.admin.profile = 'classic';
    expect(reason(() => verifySignedPolicy(edited, pinned, 0))).toBe('bad_signature');
    expect(reason(() => verifySignedPolicy(bundle(3, server.privateKey, 4), pinned, 0))).toBe(
      'version_mismatch',
    );
    expect(reason(() => verifySignedPolicy({ ...bundle(3), key: pinned }, pinned, 0))).toBe(
      'malformed',
    );
    expect(reason(() => verifySignedPolicy(bundle(3), 'not a key', 0))).toBe('bad_signature');
  });
});

describe('backoff', () => {
  it('grows exponentially with full jitter up to the cap', () => {
    expect(backoffDelay(0, REQUEST_BACKOFF, () => 0.999)).toBeLessThan(500);
    expect(backoffDelay(3, REQUEST_BACKOFF, () => 0.999)).toBeLessThan(4_000);
    expect(backoffDelay(3, REQUEST_BACKOFF, () => 0.999)).toBeGreaterThan(3_900);
    expect(backoffDelay(40, REQUEST_BACKOFF, () => 0.999)).toBeLessThan(30_000);
    expect(backoffDelay(5, REQUEST_BACKOFF, () => 0)).toBe(0);
  });

  it("treats the server's Retry-After as a floor", () => {
    expect(backoffDelay(0, REQUEST_BACKOFF, () => 0, 7_000)).toBe(7_000);
  });

  it('reads Retry-After as seconds or as an HTTP date, and ignores garbage', () => {
    const now = Date.UTC(2026, 10, 29, 12, 0, 0);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(parseRetryAfter(new Date(now - 30_000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
  });
});
