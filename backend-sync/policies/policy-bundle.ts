import { policySigningInput, type SignedPolicy } from '../../common/sync/protocol';
import type { PolicyDocument } from '../../common/policy';
import type { SigningKey } from '../keys/signing-keys';

/**
 * Signs a policy bundle with the server's Ed25519 policy key (the key devices pin). What a PC
 * checks of it is common/sync/policy-check.ts.
 */
export function signPolicyBundle(
  key: Pick<SigningKey, 'sign'>,
  unsigned: { version: number; issuedAt: number; document: PolicyDocument },
): SignedPolicy {
  const signature = Buffer.from(
    key.sign(Buffer.from(policySigningInput(unsigned), 'utf8')),
  ).toString('base64');
  return { ...unsigned, signature };
}
