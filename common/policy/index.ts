// Public API of the policy engine. Username normalisation lives in common/identity/username.
export {
  DEFAULT_MIN_STRENGTH,
  DEFAULT_TOTP_REQUIRED,
  MIN_STRENGTH_FLOOR,
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
export {
  METER_PASS_LEVEL,
  blocklistSize,
  describeViolation,
  evaluatePassword,
  meterLevel,
  meterPasses,
} from './password-evaluator';
export type {
  PasswordContext,
  PasswordEvaluation,
  PasswordRules,
  PasswordStrength,
  PasswordViolation,
  StrengthScore,
} from './password-evaluator';
export {
  isKeyboardWalk,
  isRepetitive,
  isSequential,
  predictablePattern,
} from './password-patterns';
export type { PasswordPattern } from './password-patterns';
