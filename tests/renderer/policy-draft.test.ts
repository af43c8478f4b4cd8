import { describe, expect, it } from 'vitest';
import {
  defaultPolicyDocument,
  policyDocumentSchema,
  resolvePolicy,
  type PolicyDocument,
} from '../../common/policy/policy';
import {
  draftFor,
  draftIsWhole,
  entryFrom,
  type RoleDraft,
} from '../../renderer/features/settings/policy-draft';

/** The settings screen's policy editor: the form's values and what it sends (policy-draft.ts). */
const standard = defaultPolicyDocument('standard');

describe('policy draft', () => {
  it('shows the role policy as the core resolves it', () => {
    expect(draftFor(standard, 'viewer')).toEqual({
      profile: 'standard',
      minLength: '12',
      threshold: '10',
      duration: '15',
      idle: String(resolvePolicy(standard, 'viewer').session.idleLockMinutes),
      totpRequired: false,
    });
    expect(draftFor(standard, 'admin').totpRequired).toBe(true);
    const manual: PolicyDocument = {
      version: 2,
      roles: {
        ...standard.roles,
        manager: { profile: 'pci', overrides: { lockout: { durationMinutes: null } } },
      },
    };
    // Locked until someone unlocks: the duration field is empty.
    expect(draftFor(manual, 'manager')).toMatchObject({ profile: 'pci', duration: '' });
  });

  it('accepts whole numbers only, and an empty duration', () => {
    const draft = draftFor(standard, 'viewer');
    expect(draftIsWhole(draft)).toBe(true);
    expect(draftIsWhole({ ...draft, duration: '' })).toBe(true);
    expect(draftIsWhole({ ...draft, minLength: ' 14 ' })).toBe(true);
    for (const bad of [
      { minLength: '12.5' },
      { threshold: '' },
      { idle: '-5' },
      { duration: '1e3' },
      { minLength: 'twelve' },
    ] satisfies Partial<RoleDraft>[]) {
      expect(draftIsWhole({ ...draft, ...bad }), JSON.stringify(bad)).toBe(false);
    }
  });

  it('sends only the profile when nothing differs from it', () => {
    for (const role of ['admin', 'manager', 'viewer'] as const) {
      expect(entryFrom(standard, role, draftFor(standard, role))).toEqual({ profile: 'standard' });
    }
  });

  it('stores an edited value as an override, and the core resolves it back to the form', () => {
    const draft = { ...draftFor(standard, 'viewer'), minLength: '14', duration: '', idle: '7' };
    const entry = entryFrom(standard, 'viewer', draft);
    expect(entry).toEqual({
      profile: 'standard',
      overrides: {
        password: { minLength: 14 },
        lockout: { durationMinutes: null },
        session: { idleLockMinutes: 7 },
      },
    });
    const saved = policyDocumentSchema.parse({
      version: 2,
      roles: { ...standard.roles, viewer: entry },
    });
    expect(draftFor(saved, 'viewer')).toEqual(draft);
  });

  it('keeps overrides the editor does not show, and drops one set back to the profile', () => {
    const doc: PolicyDocument = {
      version: 3,
      roles: {
        ...standard.roles,
        viewer: {
          profile: 'standard',
          overrides: { password: { minLength: 16, requireDigit: true }, totp: { required: true } },
        },
      },
    };
    const draft = { ...draftFor(doc, 'viewer'), minLength: '12', totpRequired: false };
    expect(entryFrom(doc, 'viewer', draft)).toEqual({
      profile: 'standard',
      overrides: { password: { requireDigit: true } },
    });
    // The document itself is left as it was.
    expect(doc.roles.viewer.overrides).toEqual({
      password: { minLength: 16, requireDigit: true },
      totp: { required: true },
    });
  });

  it('compares with the chosen profile: switching to classic keeps a 12 that classic lacks', () => {
    const draft = { ...draftFor(standard, 'viewer'), profile: 'classic' as const };
    const entry = entryFrom(standard, 'viewer', draft);
    expect(entry.profile).toBe('classic');
    expect(entry.overrides?.password).toEqual({ minLength: 12 });
  });
});
