import { describe, it, expect } from 'vitest';
import { dictionary } from '@zxcvbn-ts/language-common';
import {
  blocklistSize,
  defaultPolicyDocument,
  describeViolation,
  evaluatePassword,
  meterPasses,
  policyDocumentSchema,
  resolvePolicy,
  type EffectivePolicy,
  type PasswordViolation,
  type ProfileId,
} from '../../common/policy';

const policy = (profile: ProfileId = 'standard'): EffectivePolicy =>
  resolvePolicy(defaultPolicyDocument(profile), 'viewer');
const codes = (password: string, p: EffectivePolicy, ctx = {}) =>
  evaluatePassword(password, p, ctx).violations.map((v) => v.code);

const ctx = {
  storeName: 'Maple Street',
  brandName: 'Northwind Coffee',
  username: 'alice.smith',
  displayName: 'Alice Smith',
  email: 'alice.smith+pos@northwind.example',
};

describe('blocklist', () => {
  it('bundles at least 10,000 common passwords from @zxcvbn-ts/language-common', () => {
    expect(dictionary['passwords-common'].length).toBeGreaterThanOrEqual(10_000);
    expect(blocklistSize()).toBeGreaterThanOrEqual(10_000);
  });

  it('blocks common passwords, whatever the case, and with digits and symbols tacked on', () => {
    for (const pw of [
      'Password123!',
      'qwertyuiop12',
      'PASSWORD1234',
      'iloveyou2024',
      'Baseball!!!!',
      'ＰＡＳＳＷＯＲＤ１２３４',
      '123456789012',
      '!!!Password!!!',
    ]) {
      expect(codes(pw, policy()), pw).toContain('common_password');
    }
  });

  it('does not flag ordinary passphrases', () => {
    for (const pw of ['violet kettle drums at noon', 'Orbit-Lantern-Quietly-47']) {
      const r = evaluatePassword(pw, policy());
      expect(r.violations, pw).toEqual([]);
      expect(r.ok).toBe(true);
    }
  });

  it('can be turned off by an override; the strength floor still refuses what zxcvbn knows', () => {
    const doc = defaultPolicyDocument();
    const parsed = policyDocumentSchema.parse({
      ...doc,
      roles: {
        ...doc.roles,
        viewer: { profile: 'standard', overrides: { password: { blocklist: false } } },
      },
    });
    const off = resolvePolicy(parsed, 'viewer');
    expect(codes('Password123!', off)).toEqual(['too_guessable']);
    // On the list but not weak by zxcvbn's estimate: accepted once the list is off.
    expect(codes('Butterfly99!', policy())).toEqual(['common_password']);
    expect(codes('Butterfly99!', off)).toEqual([]);
  });
});

describe('context words', () => {
  it('blocks the username, display name, email, store and brand, case-insensitively', () => {
    const cases: [string, string][] = [
      ['AliceSmith2024!!', 'alicesmith'],
      ['my-alice-is-lovely-7', 'alice'],
      ['cats of smith road', 'smith'],
      ['MapleStreet#2024', 'maplestreet'],
      ['lovely maple syrup', 'maple'],
      ['STREETLIGHTS glow', 'street'],
      ['northwind breeze!', 'northwind'],
      ['Coffee every morning', 'coffee'],
    ];
    for (const [pw, word] of cases) {
      const r = evaluatePassword(pw, policy(), ctx);
      expect(r.ok, pw).toBe(false);
      expect(r.violations, pw).toContainEqual({ code: 'context_word', word });
    }
  });

  it('reports the longest match once rather than every overlapping token', () => {
    const words = evaluatePassword('AliceSmith2024!!', policy(), ctx).violations.filter(
      (v) => v.code === 'context_word',
    );
    expect(words).toEqual([{ code: 'context_word', word: 'alicesmith' }]);
  });

  it('ignores tokens shorter than 4 characters and the email domain', () => {
    const short = { displayName: 'Al Bo', username: 'al', email: 'bo@example.com' };
    expect(codes('al bo violet kettle', policy(), short)).toEqual([]);
    expect(codes('example violet kettle', policy(), short)).toEqual([]);
    expect(codes('pos terminal violet', policy(), ctx)).toEqual([]);
  });

  it('a password free of context words passes with the same context', () => {
    expect(evaluatePassword('violet kettle drums at noon', policy(), ctx).ok).toBe(true);
  });
});

describe('length', () => {
  it('allows 64- and 100-character passphrases', () => {
    const p64 = 'correct horse battery staple, violet kettle drums at noon today!';
    expect(Array.from(p64)).toHaveLength(64);
    expect(evaluatePassword(p64, policy()).ok).toBe(true);
    const p100 = `${p64} and then some more words, ok`.padEnd(100, '.');
    expect(p100).toHaveLength(100);
    expect(evaluatePassword(p100, policy()).violations).toEqual([]);
  });

  it('counts every character: 128 is allowed, 129 is too long under max 128', () => {
    // Not one phrase repeated: that would be refused as repetitive, whatever its length.
    const base =
      'violet kettle drums at noon, orbit lantern quietly, maple syrup on pancakes, ' +
      'seven herons fly south over the harbour while the ferry waits at the pier';
    const p128 = base.slice(0, 128);
    const p129 = base.slice(0, 129);
    expect(codes(p128, policy())).toEqual([]);
    expect(evaluatePassword(p129, policy()).violations).toEqual([{ code: 'too_long', max: 128 }]);
  });

  it('counts code points after NFC, not UTF-16 units or combining marks', () => {
    // 11 emoji are 22 UTF-16 units but 11 characters: still too short for 12.
    expect(codes('🍁🌲🦊🐻🐺🦉🍄🌰🐿🦔🐸', policy())).toEqual(['too_short']);
    expect(codes('🍁🌲🦊🐻🐺🦉🍄🌰🐿🦔🐸🐢', policy())).toEqual([]);
    // 'é' typed as e + combining acute is one character.
    const decomposed = 'cr\u0065\u0301me brul\u0065\u0301';
    expect(decomposed).toHaveLength(13);
    expect(evaluatePassword(decomposed, policy()).violations).toEqual([
      { code: 'too_short', min: 12 },
    ]);
  });
});

describe('profiles', () => {
  it('Standard has no composition rules', () => {
    expect(codes('violet kettle drums', policy('standard'))).toEqual([]);
  });

  it('PCI needs letters and digits', () => {
    expect(codes('violet kettle drums', policy('pci'))).toEqual(['needs_digit']);
    expect(codes('7391 5820 4617', policy('pci'))).toEqual(['needs_letter']);
    expect(codes('violet kettle 47', policy('pci'))).toEqual([]);
  });

  it('Classic needs upper, lower and digit, and only 8 characters', () => {
    expect(codes('Vk7!mQ2x', policy('classic'))).toEqual([]);
    expect(codes('vk7!mq2x', policy('classic'))).toEqual(['needs_upper']);
    expect(codes('VK7!MQ2X', policy('classic'))).toEqual(['needs_lower']);
    expect(codes('Vk!!mQzx', policy('classic'))).toEqual(['needs_digit']);
    expect(codes('Vk7!mQ2', policy('classic'))).toEqual(['too_short']);
  });

  it('returns every violation at once', () => {
    const r = evaluatePassword('alice', policy('classic'), ctx);
    expect(r.ok).toBe(false);
    expect(r.violations).toEqual([
      { code: 'too_short', min: 8 },
      { code: 'needs_digit' },
      { code: 'needs_upper' },
      { code: 'common_password' },
      { code: 'context_word', word: 'alice' },
    ]);
    expect(codes('', policy('pci'))).toEqual(['too_short', 'needs_letter', 'needs_digit']);
  });
});

describe('strength', () => {
  it('rates a common password low and a long passphrase high', () => {
    const weak = evaluatePassword('Password123!', policy()).strength;
    const strong = evaluatePassword('violet kettle drums at noon', policy()).strength;
    expect(weak.score).toBeLessThanOrEqual(1);
    expect(strong.score).toBe(4);
    expect(strong.guessesLog10).toBeGreaterThan(weak.guessesLog10);
  });

  it('counts context words as easy to guess', () => {
    const plain = evaluatePassword('AliceSmith2024!!', policy()).strength;
    const withCtx = evaluatePassword('AliceSmith2024!!', policy(), ctx).strength;
    expect(withCtx.guessesLog10).toBeLessThan(plain.guessesLog10);
  });
});

describe('strength floor (zxcvbn score)', () => {
  it('is 3 for admins and managers and 2 for crew, in every profile', () => {
    for (const profile of ['standard', 'pci', 'classic'] as const) {
      const doc = defaultPolicyDocument(profile);
      expect(resolvePolicy(doc, 'admin').password.minStrength).toBe(3);
      expect(resolvePolicy(doc, 'manager').password.minStrength).toBe(3);
      expect(resolvePolicy(doc, 'viewer').password.minStrength).toBe(2);
    }
  });

  it("refuses a score below the role's floor with its own reason, and accepts it at the floor", () => {
    const roleOf = (role: 'admin' | 'manager' | 'viewer', profile: ProfileId = 'standard') =>
      resolvePolicy(defaultPolicyDocument(profile), role);
    // zxcvbn score 2: enough for crew, not for an admin or a manager.
    expect(evaluatePassword('rainbowfish1', roleOf('viewer')).strength.score).toBe(2);
    expect(codes('rainbowfish1', roleOf('viewer'))).toEqual([]);
    expect(codes('rainbowfish1', roleOf('manager'))).toEqual(['too_guessable']);
    expect(codes('rainbowfish1', roleOf('admin'))).toEqual(['too_guessable']);
    // Score 3 passes everywhere; score 1 nowhere.
    expect(codes('houseboat123', roleOf('admin'))).toEqual([]);
    expect(codes('appleapple12', roleOf('viewer'))).toEqual(['too_guessable']);
    // Classic's 8 characters meet its rules but not an admin's floor.
    expect(codes('Vk7!mQ2x', roleOf('viewer', 'classic'))).toEqual([]);
    expect(codes('Vk7!mQ2x', roleOf('admin', 'classic'))).toEqual(['too_guessable']);
  });

  it('says "too easy to guess" only when no other reason already says why', () => {
    expect(codes('Password123!', policy())).toEqual(['common_password']);
    expect(codes('aaaaaaaaaaaa', policy())).toEqual(['repetitive']);
    expect(codes('', policy())).toEqual(['too_short']);
    expect(codes('aab', policy())).toEqual(['too_short', 'too_guessable']);
  });

  it('can be raised to 4 but not lowered below 2', () => {
    const withFloor = (minStrength: number) => {
      const doc = defaultPolicyDocument();
      return policyDocumentSchema.safeParse({
        ...doc,
        roles: {
          ...doc.roles,
          viewer: { profile: 'standard', overrides: { password: { minStrength } } },
        },
      });
    };
    expect(withFloor(1).success).toBe(false);
    expect(withFloor(5).success).toBe(false);
    const four = withFloor(4);
    expect(four.success).toBe(true);
    if (!four.success) return;
    const strict = resolvePolicy(four.data, 'viewer');
    expect(codes('houseboat123', strict)).toEqual(['too_guessable']);
    expect(codes('violet kettle drums at noon', strict)).toEqual([]);
  });
});

describe('meter', () => {
  it('shows a refused password as very weak or weak, whatever zxcvbn thinks of it', () => {
    const maple = evaluatePassword('Maple Street', policy(), ctx);
    // The store's own name: refused, though zxcvbn alone would call it strong (score 3).
    expect(maple.violations).toContainEqual({ code: 'context_word', word: 'maple' });
    expect(maple.strength.score).toBe(3);
    expect(maple.meter).toBe(1);
    const walk = evaluatePassword('!qaz@wsx#edc', policy());
    expect(walk.strength.score).toBe(4);
    expect(walk.meter).toBe(1);
    expect(evaluatePassword('aaaaaaaaaaaa', policy()).meter).toBe(0);
  });

  it('shows an accepted password at its own score, never below fair', () => {
    const r = evaluatePassword('rainbowfish1', policy());
    expect(r.ok).toBe(true);
    expect(r.meter).toBe(2);
    expect(meterPasses(r.meter)).toBe(true);
    expect(evaluatePassword('violet kettle drums at noon', policy()).meter).toBe(4);
  });
});

describe('describeViolation', () => {
  it('has a plain English sentence for every code', () => {
    const all: [PasswordViolation, string][] = [
      [{ code: 'too_short', min: 12 }, 'Use at least 12 characters.'],
      [{ code: 'too_long', max: 128 }, 'Use at most 128 characters.'],
      [{ code: 'needs_letter' }, 'Include at least one letter.'],
      [{ code: 'needs_digit' }, 'Include at least one digit.'],
      [{ code: 'needs_upper' }, 'Include at least one uppercase letter.'],
      [{ code: 'needs_lower' }, 'Include at least one lowercase letter.'],
      [{ code: 'common_password' }, 'This password is too common'],
      [{ code: 'context_word', word: 'maple' }, '"maple"'],
      [{ code: 'repetitive' }, 'repeat'],
      [{ code: 'sequential' }, 'sequence'],
      [{ code: 'keyboard_walk' }, 'keyboard'],
      [{ code: 'too_guessable' }, 'too easy to guess'],
      [{ code: 'reused', count: 4 }, 'your last 4 passwords'],
      [{ code: 'reused', count: 1 }, 'your previous one'],
    ];
    for (const [v, text] of all) {
      const sentence = describeViolation(v);
      expect(sentence).toContain(text);
      expect(sentence).toMatch(/^[A-Z].*\.$/);
    }
  });
});
