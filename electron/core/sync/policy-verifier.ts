import { createPublicKey, verify } from 'node:crypto';
import { checkPolicyBundle, type PolicyCheck } from '../../../common/sync/policy-check';
import type { SignedPolicy } from '../../../common/sync/protocol';
import { SyncError } from './sync-errors';

/**
 * An Ed25519 check bound to the key pinned at enrollment. Anything but an Ed25519 public key
 * (a damaged or swapped pin) verifies nothing.
 */
export function pinnedKeyVerifier(pinnedPublicKeyPem: string) {
  let key: ReturnType<typeof createPublicKey> | null = null;
  try {
    const parsed = createPublicKey(pinnedPublicKeyPem);
    if (parsed.asymmetricKeyType === 'ed25519') key = parsed;
  } catch {
    key = null;
  }
  return (signingInput: string, signatureBase64: string): boolean => {
    if (!key) return false;
    try {
      return verify(
        null,
        Buffer.from(signingInput, 'utf8'),
        key,
        Buffer.from(signatureBase64, 'base64'),
      );
    } catch {
      return false;
    }
  };
}

/** common/sync/policy-check.ts with the pinned key: the verdict, for callers that want one. */
export function checkSignedPolicy(
  bundle: unknown,
  pinnedPublicKeyPem: string,
  heldVersion?: number,
): PolicyCheck {
  return checkPolicyBundle(bundle, pinnedKeyVerifier(pinnedPublicKeyPem), heldVersion);
}

/** The bundle, once every check of common/sync/policy-check.ts passed; else `policy_refused`. */
export function verifySignedPolicy(
  bundle: unknown,
  pinnedPublicKeyPem: string,
  heldVersion: number,
): SignedPolicy {
  const verdict = checkSignedPolicy(bundle, pinnedPublicKeyPem, heldVersion);
  if (!verdict.ok) throw refused(verdict.reason);
  return verdict.bundle;
}

function refused(reason: string): SyncError {
  return new SyncError(
    'policy_refused',
    'The sync server sent a password policy this PC cannot trust, so it was not applied and the current policy stays. Tell your administrator.',
    false,
    null,
    { reason },
  );
}
