// Public API of the policy engine. Username normalisation lives in common/identity/username.
export {
  DEFAULT_TOTP_REQUIRED,
  PASSWORD_MAX_LENGTH_CAP,
  PASSWORD_MAX_LENGTH_FLOOR,
  PROFILES,
  PROFILE_IDS,
  PROFILE_WARNINGS,
  ROLES,
  defaultPolicyDocument,
  effectivePolicySchema,
  passwordExpiresAt,
  policyDocumentSchema,
  resolvePolicy,
} from './policy';
export type { EffectivePolicy, PolicyDocument, PolicyOverrides, ProfileId, Role } from './policy';
export { blocklistSize, describeViolation, evaluatePassword } from './password-evaluator';
export type {
  PasswordContext,
  PasswordEvaluation,
  PasswordStrength,
  PasswordViolation,
} from './password-evaluator';
