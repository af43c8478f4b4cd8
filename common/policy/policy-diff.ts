import {
  PROFILE_IDS,
  resolvePolicy,
  ROLES,
  type EffectivePolicy,
  type PolicyDocument,
  type Role,
} from './policy';

/**
 * Every setting a role's resolved policy has, with the unit its value is told in. The audit
 * entry of a policy change names these (common/audit/audit-details.ts, kind `policy_changes`),
 * so a key here is never renamed: entries are immutable.
 */
export const POLICY_FIELDS = {
  profile: 'profile',
  'password.minLength': 'characters',
  'password.maxLength': 'characters',
  'password.requireLetter': 'flag',
  'password.requireDigit': 'flag',
  'password.requireUpper': 'flag',
  'password.requireLower': 'flag',
  'password.blocklist': 'flag',
  'password.contextWords': 'flag',
  'password.minStrength': 'score',
  'password.historyCount': 'passwords',
  'password.expiryDays': 'days',
  'password.expiryOnlyWithoutTotp': 'flag',
  'lockout.threshold': 'attempts',
  'lockout.durationMinutes': 'minutes',
  'session.idleLockMinutes': 'minutes',
  'session.maxSessionHours': 'hours',
  'totp.required': 'flag',
  'offline.maxHoursSinceSync': 'hours',
  'offline.maxSignInsSinceSync': 'sign_ins',
} as const;
export type PolicyField = keyof typeof POLICY_FIELDS;
export type PolicyUnit = (typeof POLICY_FIELDS)[PolicyField];

/** What null means for the settings that may be null. */
export const POLICY_NULL_WORDS = {
  'password.expiryDays': 'no_expiry',
  'lockout.durationMinutes': 'until_unlocked',
} as const satisfies Partial<Record<PolicyField, string>>;
export type PolicyNullWords = (typeof POLICY_NULL_WORDS)[keyof typeof POLICY_NULL_WORDS];

export type PolicyValue = string | number | boolean | null;

/** One setting of one role that a change moved. */
export interface PolicyFieldChange {
  role: Role;
  field: PolicyField;
  before: PolicyValue;
  after: PolicyValue;
}

function valueAt(resolved: EffectivePolicy, field: PolicyField): PolicyValue {
  if (field === 'profile') return resolved.profile;
  const [group, key] = field.split('.') as [string, string];
  const groups = resolved as unknown as Record<string, Record<string, PolicyValue>>;
  return groups[group]![key] as PolicyValue;
}

/**
 * The settings a new policy changes, role by role, in POLICY_FIELDS order: what each role's
 * resolved policy was and is (a new profile is one change, plus each setting it moves), only
 * where they differ.
 */
export function policyChanges(before: PolicyDocument, after: PolicyDocument): PolicyFieldChange[] {
  const changes: PolicyFieldChange[] = [];
  for (const role of ROLES) {
    const was = resolvePolicy(before, role);
    const is = resolvePolicy(after, role);
    for (const field of Object.keys(POLICY_FIELDS) as PolicyField[]) {
      const [a, b] = [valueAt(was, field), valueAt(is, field)];
      if (a !== b) changes.push({ role, field, before: a, after: b });
    }
  }
  return changes;
}
/** Whether `value` is what a policy change's `before` or `after` may hold for `field`. */
export function fitsPolicyValue(field: PolicyField, value: unknown): boolean {
  const unit = POLICY_FIELDS[field];
  if (value === null) return Object.hasOwn(POLICY_NULL_WORDS, field);
  if (unit === 'profile') return (PROFILE_IDS as readonly unknown[]).includes(value);
  if (unit === 'flag') return typeof value === 'boolean';
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

export function isPolicyField(value: unknown): value is PolicyField {
  return typeof value === 'string' && Object.hasOwn(POLICY_FIELDS, value);
}
