import { createPublicKey, verify } from 'node:crypto';
import {
  policySigningInput,
  signedPolicySchema,
  type SignedPolicy,
} from '../../common/sync/protocol';
import type { PolicyDocument } from '../../common/policy';
import type { SigningKey } from '../keys/signing-keys';

/** Signs a policy bundle with the server's Ed25519 policy key (the key devices pin). */
export function signPolicyBundle(
  key: Pick<SigningKey, 'sign'>,
  unsigned: { version: number; issuedAt: number; document: PolicyDocument },
): SignedPolicy {
  const signature = Buffer.from(
    key.sign(Buffer.from(policySigningInput(unsigned), 'utf8')),
  ).toString('base64');
  return { ...unsigned, signature };
}

export type PolicyVerification =
  | { ok: true; bundle: SignedPolicy }
  | {
      ok: false;
      reason: 'malformed' | 'bad_key' | 'bad_signature' | 'version_mismatch' | 'not_newer';
    };

/**
 * What a store PC must check before applying a policy bundle (docs/SYNC-PROTOCOL.md):
 * 1. it parses as `signedPolicySchema` (a valid PolicyDocument, nothing extra);
 * 2. the Ed25519 signature over `policySigningInput` verifies with the public key pinned at
 *    enrollment — never a key that came with the bundle;
 * 3. the document's own version equals the bundle's (both are signed);
 * 4. the version is strictly greater than the one it holds (`newerThan`), so an old bundle,
 *    even a genuinely signed one, cannot be replayed to weaken the policy.
 */
export function verifyPolicyBundle(
  bundle: unknown,
  publicKeyPem: string,
  options: { newerThan?: number } = {},
): PolicyVerification {
  const parsed = signedPolicySchema.safeParse(bundle);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  let key;
  try {
    key = createPublicKey(publicKeyPem);
  } catch {
    return { ok: false, reason: 'bad_key' };
  }
  if (key.asymmetricKeyType !== 'ed25519') return { ok: false, reason: 'bad_key' };
  const { signature, ...unsigned } = parsed.data;
  const valid = verify(
    null,
    Buffer.from(policySigningInput(unsigned), 'utf8'),
    key,
    Buffer.from(signature, 'base64'),
  );
  if (!valid) return { ok: false, reason: 'bad_signature' };
  if (unsigned.document.version !== unsigned.version) {
    return { ok: false, reason: 'version_mismatch' };
  }
  if (options.newerThan !== undefined && unsigned.version <= options.newerThan) {
    return { ok: false, reason: 'not_newer' };
  }
  return { ok: true, bundle: parsed.data };
}
