import { describe, it, expect } from 'vitest';
import {
  PROFILES,
  PROFILE_IDS,
  PROFILE_WARNINGS,
  ROLES,
  defaultPolicyDocument,
  passwordExpiresAt,
  policyDocumentSchema,
  resolvePolicy,
  type PolicyDocument,
} from '../../common/policy';

const DAY_MS = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2025, 0, 1);

function docWith(overrides: unknown, profile = 'standard'): unknown {
  const doc = defaultPolicyDocument();
  return { ...doc, roles: { ...doc.roles, viewer: { profile, overrides } } };
}

describe('profiles', () => {
  it('Standard follows NIST SP 800-63B: length and blocklist, no composition, no expiry', () => {
    const p = resolvePolicy(defaultPolicyDocument('standard'), 'viewer');
    expect(p.profile).toBe('standard');
    expect(p.password).toEqual({
      minLength: 12,
      maxLength: 128,
      requireLetter: false,
      requireDigit: false,
      requireUpper: false,
      requireLower: false,
      blocklist: true,
      contextWords: true,
      minStrength: 2,
      historyCount: 0,
      expiryDays: null,
      expiryOnlyWithoutTotp: false,
    });
    expect(p.lockout).toEqual({ threshold: 10, durationMinutes: 15 });
    expect(p.session).toEqual({ idleLockMinutes: 15, maxSessionHours: 12 });
    expect(p.offline).toEqual({ maxHoursSinceSync: 72, maxSignInsSinceSync: 200 });
  });

  it('PCI DSS: letters + digits, last 4 not reused, 90-day expiry only without TOTP', () => {
    const p = resolvePolicy(defaultPolicyDocument('pci'), 'viewer');
    expect(p.password).toMatchObject({
      minLength: 12,
      maxLength: 128,
      requireLetter: true,
      requireDigit: true,
      requireUpper: false,
      requireLower: false,
      blocklist: true,
      contextWords: true,
      historyCount: 4,
      expiryDays: 90,
      expiryOnlyWithoutTotp: true,
    });
    expect(p.lockout).toEqual({ threshold: 10, durationMinutes: 30 });
    expect(p.session).toEqual({ idleLockMinutes: 15, maxSessionHours: 12 });
    expect(p.offline).toEqual({ maxHoursSinceSync: 24, maxSignInsSinceSync: 100 });
  });

  it('Classic: 8 chars, upper + lower + digit, history 5, 90-day expiry always', () => {
    const p = resolvePolicy(defaultPolicyDocument('classic'), 'viewer');
    expect(p.password).toMatchObject({
      minLength: 8,
      maxLength: 128,
      requireDigit: true,
      requireUpper: true,
      requireLower: true,
      blocklist: true,
      contextWords: true,
      historyCount: 5,
      expiryDays: 90,
      expiryOnlyWithoutTotp: false,
    });
    expect(p.lockout).toEqual({ threshold: 5, durationMinutes: 30 });
    expect(p.session).toEqual({ idleLockMinutes: 15, maxSessionHours: 12 });
    expect(p.offline).toEqual({ maxHoursSinceSync: 72, maxSignInsSinceSync: 200 });
  });

  it('only Classic carries a warning, and it cites NIST SP 800-63B', () => {
    expect(PROFILE_WARNINGS.classic).toMatch(/NIST SP 800-63B/);
    expect(PROFILE_WARNINGS.classic).toMatch(/require/);
    expect(PROFILE_WARNINGS.standard).toBeUndefined();
    expect(PROFILE_WARNINGS.pci).toBeUndefined();
  });

  it('every profile accepts at least 64 characters and at least 8 are required', () => {
    for (const id of PROFILE_IDS) {
      expect(PROFILES[id].password.maxLength).toBeGreaterThanOrEqual(64);
      expect(PROFILES[id].password.minLength).toBeGreaterThanOrEqual(8);
    }
  });

  it('the shared profile bases cannot be edited by accident', () => {
    expect(() => {
      PROFILES.standard.password.minLength = 4;
    }).toThrow();
    const p = resolvePolicy(defaultPolicyDocument(), 'admin');
    p.password.minLength = 20;
    expect(PROFILES.standard.password.minLength).toBe(12);
  });
});

describe('TOTP defaults per role', () => {
  it('is required for admins and managers, not viewers, in every profile', () => {
    for (const id of PROFILE_IDS) {
      const doc = defaultPolicyDocument(id);
      expect(resolvePolicy(doc, 'admin').totp.required).toBe(true);
      expect(resolvePolicy(doc, 'manager').totp.required).toBe(true);
      expect(resolvePolicy(doc, 'viewer').totp.required).toBe(false);
    }
  });

  it('can be overridden per role', () => {
    const doc = policyDocumentSchema.parse(docWith({ totp: { required: true } }));
    expect(resolvePolicy(doc, 'viewer').totp.required).toBe(true);
  });
});

describe('policyDocumentSchema', () => {
  it('accepts the default document for every profile', () => {
    for (const id of PROFILE_IDS) {
      expect(policyDocumentSchema.safeParse(defaultPolicyDocument(id)).success).toBe(true);
    }
    const doc = defaultPolicyDocument();
    expect(doc.version).toBe(1);
    for (const role of ROLES) expect(doc.roles[role].profile).toBe('standard');
  });

  it('rejects unknown keys at every level', () => {
    const base = defaultPolicyDocument();
    const bad: unknown[] = [
      { ...base, extra: 1 },
      { ...base, roles: { ...base.roles, owner: { profile: 'standard' } } },
      { ...base, roles: { ...base.roles, viewer: { profile: 'standard', note: 'x' } } },
      docWith({ password: { minLenght: 14 } }),
      docWith({ colour: {} }),
    ];
    for (const doc of bad) expect(policyDocumentSchema.safeParse(doc).success).toBe(false);
  });

  it('rejects unknown profiles, missing roles and bad versions', () => {
    const base = defaultPolicyDocument();
    expect(policyDocumentSchema.safeParse(docWith(undefined, 'lax')).success).toBe(false);
    const twoRoles = { admin: base.roles.admin, manager: base.roles.manager };
    expect(policyDocumentSchema.safeParse({ ...base, roles: twoRoles }).success).toBe(false);
    expect(policyDocumentSchema.safeParse({ ...base, version: 0 }).success).toBe(false);
    expect(policyDocumentSchema.safeParse({ ...base, version: 1.5 }).success).toBe(false);
  });

  it('rejects a maxLength below 64, a minLength below 8 and max < min', () => {
    const reject = (o: unknown) => expect(policyDocumentSchema.safeParse(docWith(o)).success);
    reject({ password: { maxLength: 63 } }).toBe(false);
    reject({ password: { minLength: 7 } }).toBe(false);
    reject({ password: { minLength: 100, maxLength: 80 } }).toBe(false);
    reject({ password: { minLength: 128 } }).toBe(true);
    reject({ password: { maxLength: 64 } }).toBe(true);
  });

  it('accepts the extremes of the length bounds and resolves them', () => {
    const doc = policyDocumentSchema.parse(docWith({ password: { minLength: 64, maxLength: 64 } }));
    expect(resolvePolicy(doc, 'viewer').password).toMatchObject({ minLength: 64, maxLength: 64 });
  });

  it('enforces the bounds on lockout, session, history, expiry and offline settings', () => {
    const ok = (o: unknown) => policyDocumentSchema.safeParse(docWith(o)).success;
    expect(ok({ lockout: { threshold: 2 } })).toBe(false);
    expect(ok({ lockout: { threshold: 101 } })).toBe(false);
    expect(ok({ lockout: { durationMinutes: 0 } })).toBe(false);
    expect(ok({ lockout: { durationMinutes: 1441 } })).toBe(false);
    expect(ok({ lockout: { durationMinutes: null } })).toBe(true);
    expect(ok({ session: { idleLockMinutes: 0 } })).toBe(false);
    expect(ok({ session: { idleLockMinutes: 241 } })).toBe(false);
    expect(ok({ session: { maxSessionHours: 25 } })).toBe(false);
    expect(ok({ offline: { maxHoursSinceSync: 721 } })).toBe(false);
    expect(ok({ offline: { maxSignInsSinceSync: 0 } })).toBe(false);
    expect(ok({ offline: { maxSignInsSinceSync: 10_001 } })).toBe(false);
    expect(ok({ password: { historyCount: 25 } })).toBe(false);
    expect(ok({ password: { historyCount: -1 } })).toBe(false);
    expect(ok({ password: { expiryDays: 29 } })).toBe(false);
    expect(ok({ password: { expiryDays: 731 } })).toBe(false);
    expect(ok({ password: { expiryDays: null } })).toBe(true);
    expect(ok({ password: { minLength: 12.5 } })).toBe(false);
  });
});

describe('resolvePolicy', () => {
  it('applies overrides on top of the profile and leaves the other roles alone', () => {
    const doc = policyDocumentSchema.parse(
      docWith(
        {
          password: { minLength: 16, historyCount: 10 },
          lockout: { durationMinutes: null },
          session: { idleLockMinutes: 5 },
          offline: { maxSignInsSinceSync: 50 },
        },
        'pci',
      ),
    );
    const viewer = resolvePolicy(doc, 'viewer');
    expect(viewer.profile).toBe('pci');
    expect(viewer.password.minLength).toBe(16);
    expect(viewer.password.historyCount).toBe(10);
    expect(viewer.password.requireDigit).toBe(true); // from the profile
    expect(viewer.lockout).toEqual({ threshold: 10, durationMinutes: null });
    expect(viewer.session).toEqual({ idleLockMinutes: 5, maxSessionHours: 12 });
    expect(viewer.offline).toEqual({ maxHoursSinceSync: 24, maxSignInsSinceSync: 50 });
    expect(resolvePolicy(doc, 'admin')).toEqual(
      resolvePolicy(defaultPolicyDocument('standard'), 'admin'),
    );
  });

  it('an override can turn expiry off', () => {
    const doc = policyDocumentSchema.parse(docWith({ password: { expiryDays: null } }, 'classic'));
    expect(resolvePolicy(doc, 'viewer').password.expiryDays).toBeNull();
  });

  it('refuses to resolve an unvalidated document into an unenforceable policy', () => {
    const tooShortMax = docWith({ password: { maxLength: 20 } }) as PolicyDocument;
    expect(() => resolvePolicy(tooShortMax, 'viewer')).toThrow();
    const tooShortMin = docWith({ password: { minLength: 6 } }) as PolicyDocument;
    expect(() => resolvePolicy(tooShortMin, 'viewer')).toThrow();
    const crossed = docWith({ password: { minLength: 100, maxLength: 64 } }) as PolicyDocument;
    expect(() => resolvePolicy(crossed, 'viewer')).toThrow();
  });
});

describe('passwordExpiresAt', () => {
  it('Standard: never expires', () => {
    const p = resolvePolicy(defaultPolicyDocument('standard'), 'viewer');
    expect(passwordExpiresAt(p, T0, false)).toBeNull();
    expect(passwordExpiresAt(p, T0, true)).toBeNull();
  });

  it('PCI: 90 days when TOTP is off, no expiry when TOTP is on', () => {
    const p = resolvePolicy(defaultPolicyDocument('pci'), 'manager');
    expect(passwordExpiresAt(p, T0, false)).toBe(T0 + 90 * DAY_MS);
    expect(passwordExpiresAt(p, T0, true)).toBeNull();
  });

  it('Classic: 90 days whether or not TOTP is on', () => {
    const p = resolvePolicy(defaultPolicyDocument('classic'), 'viewer');
    expect(passwordExpiresAt(p, T0, false)).toBe(T0 + 90 * DAY_MS);
    expect(passwordExpiresAt(p, T0, true)).toBe(T0 + 90 * DAY_MS);
  });

  it('follows an expiry override', () => {
    const doc = policyDocumentSchema.parse(docWith({ password: { expiryDays: 30 } }, 'classic'));
    const p = resolvePolicy(doc, 'viewer');
    expect(passwordExpiresAt(p, T0, true)).toBe(T0 + 30 * DAY_MS);
  });
});
