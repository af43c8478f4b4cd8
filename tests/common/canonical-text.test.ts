import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../common/audit/canonical-json';
import {
  CANONICAL_NAME_PATTERN,
  CANONICAL_TEXT_PATTERN,
  canonicalText,
  escapeForDisplay,
  firstJsonTextProblem,
  isCanonicalName,
  isCanonicalText,
  nameText,
  textProblem,
  truncateCodePoints,
} from '../../common/text/canonical-text';
import { hostileString, SPECIAL_CHARACTERS } from '../support/hostile-text';

const codePoints = (s: string) => Array.from(s).length;
const BIDI = ['\u061c', '\u200e', '\u200f', '\u202a', '\u202d', '\u202e', '\u2066', '\u2069'];

describe('canonical text', () => {
  it('text: well-formed and no NUL; names: also no control, bidi control or separator', () => {
    expect(textProblem('Maple Street 𝄞 é ß 日本')).toBeNull();
    expect(textProblem('Maple Street 𝄞 é ß 日本', 'name')).toBeNull();
    expect(textProblem('a\ud800b')).toBe('lone_surrogate');
    expect(textProblem('a\udc00')).toBe('lone_surrogate');
    expect(textProblem('\udc00\ud800')).toBe('lone_surrogate');
    expect(textProblem('\ud800')).toBe('lone_surrogate');
    expect(textProblem('a\u0000')).toBe('nul');
    expect(textProblem('tab\there\n')).toBeNull();
    expect(textProblem('tab\there', 'name')).toBe('control');
    expect(textProblem('C1\u0085', 'name')).toBe('control');
    expect(textProblem('\u007f', 'name')).toBe('control');
    for (const c of BIDI) expect(textProblem(`x${c}y`, 'name'), c).toBe('bidi_control');
    expect(textProblem('a\u2028', 'name')).toBe('line_separator');
    expect(textProblem('a\u2029', 'name')).toBe('line_separator');
    // Joiners and marks stay: scripts and emoji need them.
    expect(textProblem('👩\u200d💻 e\u0301', 'name')).toBeNull();
  });

  it('the patterns without the u flag say exactly what the scan says, on arbitrary strings', () => {
    expect(CANONICAL_TEXT_PATTERN.flags).toBe('');
    expect(CANONICAL_NAME_PATTERN.flags).toBe('');
    fc.assert(
      fc.property(hostileString, (s) => {
        expect(CANONICAL_TEXT_PATTERN.test(s)).toBe(isCanonicalText(s));
        expect(CANONICAL_NAME_PATTERN.test(s)).toBe(isCanonicalName(s));
      }),
      { numRuns: 2000 },
    );
    for (let c = 0; c <= 0xffff; c++) {
      const s = String.fromCharCode(c);
      expect(CANONICAL_NAME_PATTERN.test(s), c.toString(16)).toBe(isCanonicalName(s));
    }
  });

  it('zod helpers: lengths in code points, names trimmed only when asked', () => {
    expect(canonicalText(3).safeParse('a\tb').success).toBe(true);
    expect(canonicalText(3).safeParse('a\ud800').success).toBe(false);
    expect(nameText(2).safeParse('𝄞𝄞').success).toBe(true);
    expect(nameText(2).safeParse('𝄞𝄞𝄞').success).toBe(false);
    expect(nameText(10).safeParse('Ada\u202e').success).toBe(false);
    expect(nameText(10).safeParse(' Ada ').data).toBe(' Ada ');
    expect(nameText(3, { trim: true, min: 1 }).safeParse('  Ada  ').data).toBe('Ada');
    expect(nameText(3, { trim: true, min: 1 }).safeParse('   ').success).toBe(false);
  });

  it('truncates on code points, never inside a surrogate pair', () => {
    expect(truncateCodePoints('𝄞𝄞𝄞', 2)).toBe('𝄞𝄞');
    expect(truncateCodePoints(`${'a'.repeat(63)}𝄞𝄞`, 64)).toBe(`${'a'.repeat(63)}𝄞`);
    expect(truncateCodePoints('abc', 5)).toBe('abc');
    fc.assert(
      fc.property(hostileString, fc.integer({ min: 0, max: 300 }), (s, max) => {
        const cut = truncateCodePoints(s, max);
        expect(s.startsWith(cut)).toBe(true);
        expect(codePoints(cut)).toBe(Math.min(max, codePoints(s)));
        if (isCanonicalText(s)) expect(isCanonicalText(cut)).toBe(true);
        expect(nameText(max).safeParse(cut).success).toBe(isCanonicalName(cut));
      }),
      { numRuns: 1000 },
    );
  });

  it('escapes for display what could reorder, hide or break the text around it', () => {
    expect(escapeForDisplay('evil\u202Egpj.exe')).toBe('evil\\u202Egpj.exe');
    expect(escapeForDisplay('a\tb\nc\u0000\u0085')).toBe('a\\u0009b\\u000Ac\\u0000\\u0085');
    expect(escapeForDisplay('x\ud800y\udc00')).toBe('x\\uD800y\\uDC00');
    expect(escapeForDisplay('Zoë 𝄞 👩\u200d💻 日本')).toBe('Zoë 𝄞 👩\u200d💻 日本');
    fc.assert(
      fc.property(hostileString, (s) => {
        const shown = escapeForDisplay(s);
        expect(isCanonicalName(shown)).toBe(true);
        if (isCanonicalName(s)) expect(shown).toBe(s);
      }),
      { numRuns: 1000 },
    );
    for (const c of SPECIAL_CHARACTERS) expect(isCanonicalName(escapeForDisplay(c))).toBe(true);
  });

  it('checks every string and key of a JSON value, within bounds, and refuses non-JSON', () => {
    expect(firstJsonTextProblem({ a: [1, 'x', null, true, { b: 'é' }], c: undefined })).toBeNull();
    expect(firstJsonTextProblem({ a: [1, { b: 'x\u0000' }] })).toEqual({
      problem: 'nul',
      path: ['a', 1, 'b'],
    });
    expect(firstJsonTextProblem({ ['k\ud800']: 1 })).toEqual({
      problem: 'lone_surrogate',
      path: ['k\ud800'],
    });
    // Bidi controls are TEXT (details may quote anything canonical); display escapes them.
    expect(firstJsonTextProblem({ name: 'a\u202e' })).toBeNull();
    const holes: unknown[] = [1];
    holes[2] = 2;
    for (const bad of [new Date(0), new Map(), [undefined], holes, () => 1, 1n, NaN, Infinity]) {
      expect(firstJsonTextProblem({ v: bad })?.problem, String(bad)).toBe('not_json');
    }
    let deep: unknown = 'leaf';
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(firstJsonTextProblem(deep)?.problem).toBe('too_deep');
    expect(firstJsonTextProblem(Array.from({ length: 20_000 }, () => 0))?.problem).toBe(
      'too_large',
    );
    expect(firstJsonTextProblem({ a: 'x'.repeat(1_000_001) })?.problem).toBe('too_large');
    // What passes survives a JSON round trip byte for byte (what the chain hashes is stored).
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        if (firstJsonTextProblem(v)) return;
        expect(canonicalJson(JSON.parse(JSON.stringify(v)))).toBe(canonicalJson(v));
      }),
      { numRuns: 300 },
    );
  });
});
