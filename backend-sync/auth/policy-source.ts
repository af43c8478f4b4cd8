import {
  defaultPolicyDocument,
  resolvePolicy,
  type EffectivePolicy,
  type Role,
} from '../../common/policy';

/**
 * The effective policy for a role. Until the policy slice stores versioned documents, the
 * server enforces the default document (Standard profile for every role); services take this
 * function as a dependency so that slice only swaps the source.
 */
export type PolicyFor = (role: Role) => EffectivePolicy;

export const defaultPolicyFor: PolicyFor = (role) => resolvePolicy(defaultPolicyDocument(), role);
