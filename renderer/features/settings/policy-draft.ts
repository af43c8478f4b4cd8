import {
  DEFAULT_TOTP_REQUIRED,
  PROFILES,
  resolvePolicy,
  type PolicyDocument,
  type ProfileId,
  type Role,
} from '../../../common/policy/policy';

/** The settings the policy editor exposes, per role. */
export interface RoleDraft {
  profile: ProfileId;
  minLength: string;
  threshold: string;
  /** Empty: locked until a manager unlocks. */
  duration: string;
  idle: string;
  totpRequired: boolean;
}

export function draftFor(doc: PolicyDocument, role: Role): RoleDraft {
  const p = resolvePolicy(doc, role);
  return {
    profile: p.profile,
    minLength: String(p.password.minLength),
    threshold: String(p.lockout.threshold),
    duration: p.lockout.durationMinutes === null ? '' : String(p.lockout.durationMinutes),
    idle: String(p.session.idleLockMinutes),
    totpRequired: p.totp.required,
  };
}

const WHOLE = /^\d+$/;

/** Every number is a whole number (the lock duration may be empty: until unlocked). */
export function draftIsWhole(d: RoleDraft): boolean {
  return (
    [d.minLength, d.threshold, d.idle].every((v) => WHOLE.test(v.trim())) &&
    (d.duration.trim() === '' || WHOLE.test(d.duration.trim()))
  );
}

type Overrides = Record<string, Record<string, unknown>>;

function put(o: Overrides, group: string, key: string, value: unknown, base: unknown): void {
  const section = { ...(o[group] ?? {}) };
  if (value === base) delete section[key];
  else section[key] = value;
  if (Object.keys(section).length) o[group] = section;
  else delete o[group];
}

/**
 * The role's entry for `settings.updatePolicy`: the profile, the document's other overrides
 * kept as they were, and the edited values stored only where they differ from the profile.
 * Call `draftIsWhole` first; the core checks the ranges.
 */
export function entryFrom(doc: PolicyDocument, role: Role, d: RoleDraft) {
  const base = PROFILES[d.profile];
  const existing = (doc.roles[role].overrides ?? {}) as Overrides;
  const o: Overrides = JSON.parse(JSON.stringify(existing)) as Overrides;
  put(o, 'password', 'minLength', Number(d.minLength), base.password.minLength);
  put(o, 'lockout', 'threshold', Number(d.threshold), base.lockout.threshold);
  put(
    o,
    'lockout',
    'durationMinutes',
    d.duration.trim() === '' ? null : Number(d.duration),
    base.lockout.durationMinutes,
  );
  put(o, 'session', 'idleLockMinutes', Number(d.idle), base.session.idleLockMinutes);
  put(o, 'totp', 'required', d.totpRequired, DEFAULT_TOTP_REQUIRED[role]);
  return Object.keys(o).length ? { profile: d.profile, overrides: o } : { profile: d.profile };
}
