import { describe, it, expect } from 'vitest';
import { normalizeUsername, usernameSchema } from '../../common/identity/username';

describe('normalizeUsername', () => {
  it('folds case, width and surrounding space to one account name', () => {
    const variants = [
      'alice',
      'Alice',
      'ALICE',
      ' alice ',
      'ＡＬＩＣＥ',
      'ａｌｉｃｅ',
      '\u3000Alice\t',
    ];
    for (const v of variants) expect(normalizeUsername(v)).toBe('alice');
  });

  it('folds ß and SS together, which toLowerCase alone does not', () => {
    expect(normalizeUsername('Strauß')).toBe(normalizeUsername('STRAUSS'));
    expect(normalizeUsername('strauss')).toBe('strauss');
  });

  it('composes accents so precomposed and decomposed spellings match', () => {
    expect(normalizeUsername('Ren\u0065\u0301e')).toBe(normalizeUsername('Ren\u00e9e'));
  });

  it('is idempotent', () => {
    for (const v of ['Ａｌｉｃｅ.Smith', 'Strauß', 'ǅemal', 'ﬀoo']) {
      const once = normalizeUsername(v);
      expect(normalizeUsername(once)).toBe(once);
    }
  });
});

describe('usernameSchema', () => {
  it('accepts valid names and outputs the normalised form', () => {
    expect(usernameSchema.parse(' Alice.Smith ')).toBe('alice.smith');
    expect(usernameSchema.parse('ＢＯＢ_01')).toBe('bob_01');
    expect(usernameSchema.parse('j-doe@store7')).toBe('j-doe@store7');
    expect(usernameSchema.parse('Zoë')).toBe('zoë');
    expect(usernameSchema.parse('Łukasz')).toBe('łukasz');
    expect(usernameSchema.parse('山田太郎')).toBe('山田太郎');
    expect(usernameSchema.parse('प्रिया')).toBe('प्रिया');
    expect(usernameSchema.parse('a'.repeat(64))).toBe('a'.repeat(64));
  });

  it('rejects names that are too short or too long after normalisation', () => {
    expect(usernameSchema.safeParse('al').success).toBe(false);
    expect(usernameSchema.safeParse('  al  ').success).toBe(false);
    expect(usernameSchema.safeParse('').success).toBe(false);
    expect(usernameSchema.safeParse('a'.repeat(65)).success).toBe(false);
    expect(usernameSchema.safeParse('a'.repeat(10_000)).success).toBe(false);
  });

  it('rejects spaces, symbols and control characters', () => {
    for (const bad of [
      'alice smith',
      'alice!',
      'al/ice',
      'alice\u0000',
      'alice\u200b',
      'alice😀',
      '\u0301\u0301\u0301',
      '<script>',
    ]) {
      expect(usernameSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('gives a readable message', () => {
    const result = usernameSchema.safeParse('a b c');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(
      'Use only letters, digits and the characters . _ - @',
    );
  });
});
