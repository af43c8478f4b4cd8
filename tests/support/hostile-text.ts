import fc from 'fast-check';

/**
 * Characters an attacker at a store PC would try, beside ordinary ones: lone surrogates, NUL,
 * C0 and C1 controls, bidirectional controls, line separators, astral letters (two UTF-16 units
 * each, split by a naive `.slice`), characters NFKC expands or folds, and formula starters.
 */
export const SPECIAL_CHARACTERS = [
  '\u0000',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u061c',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
  '\u2028',
  '\u2029',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '\u200d',
  '\ufeff',
  '𝄞',
  '𠀀',
  'ß',
  'ﬀ',
  '\ufdfa',
  'e\u0301',
  ' ',
  '=',
  '.',
];

/** One "character": any code point, ASCII, one of the above, or any single surrogate. */
export const hostileUnit: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_CHARACTERS) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  },
);

/** Arbitrary JavaScript strings, short ones and ones around the 200-character limits. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: hostileUnit, maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: hostileUnit, minLength: 190, maxLength: 270 }) },
);

/** Printable text of any script (no controls): what people really type. */
export const printableString: fc.Arbitrary<string> = fc.string({
  unit: 'grapheme',
  minLength: 1,
  maxLength: 30,
});

/** Mostly well-formed text, so that many calls get past validation and write an entry. */
export const mostlyPlainString: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: hostileString },
  { weight: 2, arbitrary: printableString },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.string({ unit: 'grapheme', minLength: 3, maxLength: 40 }),
        fc.constantFrom('', ...SPECIAL_CHARACTERS),
      )
      .map(([s, special]) => s + special),
  },
);
