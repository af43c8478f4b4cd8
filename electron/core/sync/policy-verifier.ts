import { createPublicKey, verify } from 'node:crypto';
import {
  policySigningInput,
  signedPolicySchema,
  type SignedPolicy,
} from '../../../common/sync/protocol';
import { SyncError } from './sync-errors';

/**
 * The checks of docs/SYNC-PROTOCOL.md "Checking a policy bundle", in order: strict shape,
 * Ed25519 signature with the key pinned at enrollment (never one that came with the bundle),
 * signed version = document version, and a version strictly above the one held — so even a
 * genuinely signed older bundle cannot be replayed to weaken the policy (invariant 6).
 */
export function verifySignedPolicy(
  bundle: unknown,
  pinnedPublicKeyPem: string,
  heldVersion: number,
): SignedPolicy {
  const parsed = signedPolicySchema.safeParse(bundle);
  if (!parsed.success) throw refused('malformed');
  const policy = parsed.data;
  let valid: boolean;
  try {
    valid = verify(
      null,
      Buffer.from(policySigningInput(policy), 'utf8'),
      createPublicKey(pinnedPublicKeyPem),
      Buffer.from(policy.signature, 'base64'),
    );
  } catch {
    valid = false;
  }
  if (!valid) throw refused('bad_signature');
  if (policy.document.version !== policy.version) throw refused('version_mismatch');
  if (policy.version <= heldVersion) throw refused('not_newer');
  return policy;
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
