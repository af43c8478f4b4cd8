// Policy profiles and their resolution per role. Pure data + zod: shared by core (which
// enforces) and the UI (which explains). Every number a profile sets is bounded by the same
// schema an admin's overrides pass through, so a resolved policy is always one core can enforce.
import { z } from 'zod';

export const ROLES = ['admin', 'manager', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PROFILE_IDS = ['standard', 'pci', 'classic'] as const;
export type ProfileId = (typeof PROFILE_IDS)[number];

export interface EffectivePolicy {
  profile: ProfileId;
  password: {
    /** Lengths count Unicode code points after NFC; a password is never truncated. */
    minLength: number;
    maxLength: number;
    requireLetter: boolean;
    requireDigit: boolean;
    requireUpper: boolean;
    requireLower: boolean;
    /**
     * Refuses common passwords and, as NIST SP 800-63B 5.1.1.2 lists beside them, repetitive,
     * sequential and keyboard-walk passwords (password-patterns.ts).
     */
    blocklist: boolean;
    contextWords: boolean;
    /**
     * The lowest zxcvbn score (0–4) a password may have; the meter shows the same verdict
     * (password-evaluator.ts). Set per role by DEFAULT_MIN_STRENGTH unless overridden.
     */
    minStrength: number;
    /** How many previous passwords may not be reused; 0 turns the check off. */
    historyCount: number;
    /** null: passwords do not expire. */
    expiryDays: number | null;
    /** PCI DSS 8.3.9: periodic change is only needed when the password is the sole factor. */
    expiryOnlyWithoutTotp: boolean;
  };
  lockout: {
    threshold: number;
    /** null: locked until an admin or manager unlocks the account. */
    durationMinutes: number | null;
  };
  session: { idleLockMinutes: number; maxSessionHours: number };
  totp: { required: boolean };
  offline: { maxHoursSinceSync: number; maxSignInsSinceSync: number };
}

/** Lower bound for maxLength: NIST SP 800-63B requires accepting at least 64 characters. */
export const PASSWORD_MAX_LENGTH_FLOOR = 64;
/** Lowest minStrength a policy may set (zxcvbn score 2: about 10^6 guesses). */
export const MIN_STRENGTH_FLOOR = 2;
/** Upper bound for maxLength: keeps hashing input bounded (argon2 cost grows with input). */
export const PASSWORD_MAX_LENGTH_CAP = 1024;

// Field bounds shared by the override schema (all optional) and the resolved-policy schema
// (all required), so the two can never drift apart.
const passwordFields = {
  minLength: z.int().min(8).max(128),
  maxLength: z.int().min(PASSWORD_MAX_LENGTH_FLOOR).max(PASSWORD_MAX_LENGTH_CAP),
  requireLetter: z.boolean(),
  requireDigit: z.boolean(),
  requireUpper: z.boolean(),
  requireLower: z.boolean(),
  blocklist: z.boolean(),
  contextWords: z.boolean(),
  // Not below 2: a lower floor would let through passwords the meter must call weak (levels
  // 0–1 are the refused ones), and fewer than 10^6 guesses is little against a copied store.
  minStrength: z.int().min(MIN_STRENGTH_FLOOR).max(4),
  historyCount: z.int().min(0).max(24),
  expiryDays: z.int().min(30).max(730).nullable(),
  expiryOnlyWithoutTotp: z.boolean(),
};
const lockoutFields = {
  threshold: z.int().min(3).max(100),
  durationMinutes: z.int().min(1).max(1440).nullable(),
};
const sessionFields = {
  idleLockMinutes: z.int().min(1).max(240),
  maxSessionHours: z.int().min(1).max(24),
};
const totpFields = { required: z.boolean() };
const offlineFields = {
  maxHoursSinceSync: z.int().min(1).max(720),
  maxSignInsSinceSync: z.int().min(1).max(10_000),
};

const lengthOrderMessage = 'maxLength must be at least minLength.';

/** Full validation of a resolved policy; resolvePolicy never returns anything else. */
export const effectivePolicySchema: z.ZodType<EffectivePolicy> = z.strictObject({
  profile: z.enum(PROFILE_IDS),
  password: z
    .strictObject(passwordFields)
    .refine((p) => p.maxLength >= p.minLength, { message: lengthOrderMessage }),
  lockout: z.strictObject(lockoutFields),
  session: z.strictObject(sessionFields),
  totp: z.strictObject(totpFields),
  offline: z.strictObject(offlineFields),
});

const policyOverridesSchema = z.strictObject({
  password: z
    .strictObject(passwordFields)
    .partial()
    .refine(
      (p) => p.minLength === undefined || p.maxLength === undefined || p.maxLength >= p.minLength,
      { message: lengthOrderMessage },
    )
    .optional(),
  lockout: z.strictObject(lockoutFields).partial().optional(),
  session: z.strictObject(sessionFields).partial().optional(),
  totp: z.strictObject(totpFields).partial().optional(),
  offline: z.strictObject(offlineFields).partial().optional(),
});
export type PolicyOverrides = z.infer<typeof policyOverridesSchema>;

/** TOTP is required by default for the roles that can change accounts and policy. */
export const DEFAULT_TOTP_REQUIRED: Readonly<Record<Role, boolean>> = Object.freeze({
  admin: true,
  manager: true,
  viewer: false,
});

/**
 * The strength floor per role (zxcvbn scores; the same for every profile). zxcvbn's own scale:
 * score 2 (≥ 10^6 guesses) protects against unthrottled online guessing, score 3 (≥ 10^8) gives
 * "moderate protection from an offline slow-hash scenario".
 * - admins and managers: 3. Their password yields the key that signs records and opens the
 *   store key (docs/SECURITY.md), and their hashes sit on the shared PC and the server, so it
 *   must hold against offline guessing at argon2id's cost, not only against the lockout.
 * - crew: 2. Their password opens nothing but their own sign-in, and guesses at the PC meet
 *   the lockout (Standard: 10 tries per 15 minutes, so 10^6 guesses take years); 2 still
 *   refuses everything zxcvbn finds within its first million guesses.
 */
export const DEFAULT_MIN_STRENGTH: Readonly<Record<Role, number>> = Object.freeze({
  admin: 3,
  manager: 3,
  viewer: 2,
});

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child as object);
  }
  return Object.freeze(value);
}

const sessionDefaults = { idleLockMinutes: 15, maxSessionHours: 12 };

/**
 * Profile bases. `totp.required` and `password.minStrength` here are only placeholders (the
 * strict side): resolvePolicy replaces them with DEFAULT_TOTP_REQUIRED and DEFAULT_MIN_STRENGTH
 * for the role, then applies overrides.
 * Frozen: callers get copies from resolvePolicy and must not edit the shared bases.
 */
export const PROFILES: Record<ProfileId, EffectivePolicy> = deepFreeze({
  // NIST SP 800-63B / OWASP ASVS 5: length + blocklist, no composition, no periodic expiry.
  standard: {
    profile: 'standard',
    password: {
      minLength: 12,
      maxLength: 128,
      requireLetter: false,
      requireDigit: false,
      requireUpper: false,
      requireLower: false,
      blocklist: true,
      contextWords: true,
      minStrength: 3,
      historyCount: 0,
      expiryDays: null,
      expiryOnlyWithoutTotp: false,
    },
    lockout: { threshold: 10, durationMinutes: 15 },
    session: { ...sessionDefaults },
    totp: { required: true },
    offline: { maxHoursSinceSync: 72, maxSignInsSinceSync: 200 },
  },
  // PCI DSS 4.0: 8.3.6 (12 chars, letters + digits), 8.3.7 (not any of last 4),
  // 8.3.4 (lockout ≤ 10 tries, ≥ 30 min), 8.3.9 (90 days when password is the only factor),
  // 8.2.8 (15-minute idle).
  pci: {
    profile: 'pci',
    password: {
      minLength: 12,
      maxLength: 128,
      requireLetter: true,
      requireDigit: true,
      requireUpper: false,
      requireLower: false,
      blocklist: true,
      contextWords: true,
      minStrength: 3,
      historyCount: 4,
      expiryDays: 90,
      expiryOnlyWithoutTotp: true,
    },
    lockout: { threshold: 10, durationMinutes: 30 },
    session: { ...sessionDefaults },
    totp: { required: true },
    offline: { maxHoursSinceSync: 24, maxSignInsSinceSync: 100 },
  },
  // The traditional checklist some customers' auditors still ask for. See PROFILE_WARNINGS.
  classic: {
    profile: 'classic',
    password: {
      minLength: 8,
      maxLength: 128,
      requireLetter: false,
      requireDigit: true,
      requireUpper: true,
      requireLower: true,
      blocklist: true,
      contextWords: true,
      minStrength: 3,
      historyCount: 5,
      expiryDays: 90,
      expiryOnlyWithoutTotp: false,
    },
    lockout: { threshold: 5, durationMinutes: 30 },
    session: { ...sessionDefaults },
    totp: { required: true },
    offline: { maxHoursSinceSync: 72, maxSignInsSinceSync: 200 },
  },
});

/** Shown (and audited) when an admin selects a profile with known weaknesses. */
export const PROFILE_WARNINGS: Partial<Record<ProfileId, string>> = Object.freeze({
  classic:
    'The Classic checklist profile requires character-type rules and a change every 90 days. ' +
    'NIST SP 800-63B advises against both: in practice they lead to predictable passwords ' +
    '(such as "Summer2024!") and weaken security. It is offered only for customers whose ' +
    'auditors require it; the Standard profile is recommended.',
});

const rolePolicySchema = z
  .strictObject({ profile: z.enum(PROFILE_IDS), overrides: policyOverridesSchema.optional() })
  // An override of one length can clash with the profile's other length (e.g. minLength 100
  // on a profile whose maxLength was lowered to 64); reject that here, at save time, rather
  // than when someone tries to sign in.
  .superRefine((entry, ctx) => {
    const base = PROFILES[entry.profile].password;
    const min = entry.overrides?.password?.minLength ?? base.minLength;
    const max = entry.overrides?.password?.maxLength ?? base.maxLength;
    if (max < min) {
      ctx.addIssue({
        code: 'custom',
        message: lengthOrderMessage,
        path: ['overrides', 'password'],
      });
    }
  });

export const policyDocumentSchema = z.strictObject({
  version: z.int().min(1),
  roles: z.strictObject({
    admin: rolePolicySchema,
    manager: rolePolicySchema,
    viewer: rolePolicySchema,
  }),
});
export type PolicyDocument = z.infer<typeof policyDocumentSchema>;

/** A valid document with one profile for every role and no overrides. */
export function defaultPolicyDocument(profile: ProfileId = 'standard'): PolicyDocument {
  return {
    version: 1,
    roles: { admin: { profile }, manager: { profile }, viewer: { profile } },
  };
}

/** Copy `base`, replacing only the fields `patch` actually sets (null is a value, undefined is not). */
function merge<T extends object>(base: T, patch: Partial<T> | undefined): T {
  const out = { ...base };
  if (patch === undefined) return out;
  for (const key of Object.keys(patch) as (keyof T)[]) {
    const value = patch[key];
    if (value !== undefined) out[key] = value as T[keyof T];
  }
  return out;
}

/**
 * The policy that applies to `role`: profile base, then the role's TOTP and strength defaults,
 * then the document's overrides. The result is validated again (maxLength ≥ 64 and ≥ minLength,
 * minLength ≥ 8, ...) because the document may not have come through policyDocumentSchema;
 * an unenforceable combination throws instead of silently weakening anything.
 */
export function resolvePolicy(doc: PolicyDocument, role: Role): EffectivePolicy {
  const entry = doc.roles[role];
  const base = PROFILES[entry.profile];
  const o = entry.overrides;
  const merged: EffectivePolicy = {
    profile: entry.profile,
    password: merge({ ...base.password, minStrength: DEFAULT_MIN_STRENGTH[role] }, o?.password),
    lockout: merge(base.lockout, o?.lockout),
    session: merge(base.session, o?.session),
    totp: merge({ required: DEFAULT_TOTP_REQUIRED[role] }, o?.totp),
    offline: merge(base.offline, o?.offline),
  };
  return effectivePolicySchema.parse(merged);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * When a password set at `changedAtMs` expires under `policy`, or null if it never does.
 * Callers compare the result with trusted time, never the raw wall clock.
 */
export function passwordExpiresAt(
  policy: EffectivePolicy,
  changedAtMs: number,
  totpEnabled: boolean,
): number | null {
  const { expiryDays, expiryOnlyWithoutTotp } = policy.password;
  if (expiryDays === null) return null;
  if (expiryOnlyWithoutTotp && totpEnabled) return null;
  return changedAtMs + expiryDays * DAY_MS;
}
