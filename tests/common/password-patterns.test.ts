import { describe, expect, it } from 'vitest';
import {
  defaultPolicyDocument,
  evaluatePassword,
  isKeyboardWalk,
  isRepetitive,
  isSequential,
  policyDocumentSchema,
  predictablePattern,
  resolvePolicy,
  type ProfileId,
  type Role,
} from '../../common/policy';

const chars = (s: string) => Array.from(s);
const policy = (role: Role = 'admin', profile: ProfileId = 'standard') =>
  resolvePolicy(defaultPolicyDocument(profile), role);
const codes = (password: string, role: Role = 'admin', profile: ProfileId = 'standard') =>
  evaluatePassword(password, policy(role, profile)).violations.map((v) => v.code);

// Passphrases that must never be caught by a pattern check: words, not shapes.
const PASSPHRASES = [
  'violet kettle drums at noon',
  'Orbit-Lantern-Quietly-47',
  'sweaters are warm',
  'horse horse!',
  'the quick brown fox',
  'Zoë mange des crêpes',
  '7391 5820 4617',
];

describe('repetitive', () => {
  it('catches one character or one group repeated, the last copy possibly cut short', () => {
    for (const s of [
      'aaaaaaaaaaaa',
      'abcabcabc',
      'abababababab',
      'passpasspass',
      'xyzxyzxy',
      '!!!!',
    ]) {
      expect(isRepetitive(chars(s)), s).toBe(true);
    }
  });

  it('needs the unit twice in full, and nothing else in the password', () => {
    for (const s of ['abcab', 'aaaaaaaaaaab', 'abcabcabd', 'a', '', ...PASSPHRASES]) {
      expect(isRepetitive(chars(s)), s).toBe(false);
    }
  });
});

describe('sequential', () => {
  it('catches letters and digits in order, up or down, in one or several runs', () => {
    for (const s of [
      'abcdefgh',
      '12345678',
      '87654321',
      'zyxwvuts',
      'abcdefgh1234',
      '34567890', // digits wrap, as on the keyboard's number row
      '21098765',
      'abcdcba',
      'ΑΒΓΔΕΖ'.toLowerCase(),
    ]) {
      expect(isSequential(chars(s)), s).toBe(true);
    }
  });

  it('needs every piece to be at least 3 long, and nothing else in the password', () => {
    for (const s of [
      'ab',
      'abcdefgh1',
      'abcdefghijab',
      'a1b2c3d4',
      'acegikmo',
      'abc!def',
      ...PASSPHRASES,
    ]) {
      expect(isSequential(chars(s)), s).toBe(false);
    }
  });
});

describe('keyboard walks', () => {
  it('catches rows, columns and zig-zags on QWERTY, AZERTY, QWERTZ, Dvorak and the keypad', () => {
    for (const s of [
      'qwertyuiop',
      'poiuytrewq',
      'asdfghjkl',
      'zxcvbnm',
      '1qaz2wsx',
      '1qaz2wsx3edc',
      'zaq1xsw2cde3',
      '!qaz@wsx#edc', // shifted keys are the same keys
      'azertyuiop',
      'qwertzuiop',
      'aoeuidhtns', // Dvorak home row
      '147258369', // keypad columns
      '7894561230',
    ]) {
      expect(isKeyboardWalk(chars(s)), s).toBe(true);
    }
  });

  it('leaves words and random strings alone', () => {
    for (const s of ['qwertyuiopas', 'qw', 'kettle', 'Vk7!mQ2x', ...PASSPHRASES]) {
      expect(isKeyboardWalk(chars(s.toLowerCase())), s).toBe(false);
    }
  });
});

describe('predictablePattern', () => {
  it('ignores spaces and gives one answer: repetition, then sequence, then walk', () => {
    expect(predictablePattern('abc abc abc')).toBe('repetitive');
    expect(predictablePattern('abcabcabc')).toBe('repetitive'); // also two sequences
    expect(predictablePattern('1234 5678')).toBe('sequential'); // also a walk on the number row
    expect(predictablePattern('qwer tyui op')).toBe('keyboard_walk');
    for (const s of PASSPHRASES) expect(predictablePattern(s.toLowerCase()), s).toBeNull();
  });

  it('is linear: a 60,000-character walk is checked in well under a second', () => {
    const started = performance.now();
    expect(predictablePattern('qwerty'.repeat(10_000) + 'x')).toBeNull();
    expect(predictablePattern('a'.repeat(60_000) + 'b')).toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('the Standard and stricter profiles refuse patterns, with the reason', () => {
  it.each([
    ['aaaaaaaaaaaa', 'repetitive'],
    ['abcabcabcabc', 'repetitive'],
    ['abcdefghijkl', 'sequential'],
    ['210987654321', 'sequential'],
    ['abcdefgh1234', 'sequential'],
    ['!qaz@wsx#edc', 'keyboard_walk'],
    ['qwer tyui op', 'keyboard_walk'],
  ])('%s: %s, for every role and profile', (password, code) => {
    for (const profile of ['standard', 'pci', 'classic'] as const) {
      for (const role of ['admin', 'manager', 'viewer'] as const) {
        expect(codes(password, role, profile), `${profile}/${role}`).toContain(code);
      }
    }
  });

  it('a pattern zxcvbn rates strong is still refused, and the meter says so', () => {
    const r = evaluatePassword('!qaz@wsx#edc', policy());
    expect(r.strength.score).toBe(4);
    expect(r.ok).toBe(false);
    expect(r.meter).toBe(1);
  });

  it('the checks are part of the blocklist switch (NIST lists them together)', () => {
    const doc = defaultPolicyDocument();
    const off = resolvePolicy(
      policyDocumentSchema.parse({
        ...doc,
        roles: {
          ...doc.roles,
          viewer: { profile: 'standard', overrides: { password: { blocklist: false } } },
        },
      }),
      'viewer',
    );
    // The strength floor stays: the password is still refused, as too easy to guess.
    expect(evaluatePassword('aaaaaaaaaaaa', off).violations).toEqual([{ code: 'too_guessable' }]);
    // A pattern zxcvbn does not see through passes once the switch is off.
    expect(evaluatePassword('!qaz@wsx#edc', off).ok).toBe(true);
  });
});
