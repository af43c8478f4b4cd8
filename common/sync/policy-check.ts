import { policySigningInput, signedPolicySchema, type SignedPolicy } from './protocol';

export type PolicyCheck =
  | { ok: true; bundle: SignedPolicy }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'version_mismatch' | 'not_newer' };

/**
 * What a store PC checks before it applies a policy bundle (docs/SYNC-PROTOCOL.md "Checking a
 * policy bundle"), in this order:
 * 1. it parses as `signedPolicySchema` (a valid PolicyDocument, nothing extra);
 * 2. the Ed25519 signature over `policySigningInput` verifies with the key pinned at
 *    enrollment, never a key that came with the bundle (`verifySignature` is bound to it);
 * 3. the document's own version equals the bundle's (both are signed);
 * 4. the version is strictly greater than the one held, so an old bundle, even a genuinely
 *    signed one, cannot be replayed to weaken the policy (invariant 6).
 * The PC runs it (electron/core/sync/policy-verifier.ts) and the server's tests check what it
 * signs with the very same function.
 */
export function checkPolicyBundle(
  bundle: unknown,
  verifySignature: (signingInput: string, signatureBase64: string) => boolean,
  heldVersion?: number,
): PolicyCheck {
  const parsed = signedPolicySchema.safeParse(bundle);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const { signature, ...unsigned } = parsed.data;
  if (!verifySignature(policySigningInput(unsigned), signature)) {
    return { ok: false, reason: 'bad_signature' };
  }
  if (unsigned.document.version !== unsigned.version) {
    return { ok: false, reason: 'version_mismatch' };
  }
  if (heldVersion !== undefined && unsigned.version <= heldVersion) {
    return { ok: false, reason: 'not_newer' };
  }
  return { ok: true, bundle: parsed.data };
}
