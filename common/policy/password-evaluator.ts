// Password evaluation against a resolved policy. Pure and synchronous so the UI can give live
// feedback with exactly the rules core and the server enforce on save, and the strength meter
// is derived from the same verdict (meterLevel), so the two can never disagree. Reports every
// violation at once: fixing one rule only to be told about the next is what makes people pick
// weak passwords.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { predictablePattern } from './password-patterns';
import type { EffectivePolicy } from './policy';

export type PasswordViolation =
  | { code: 'too_short'; min: number }
  | { code: 'too_long'; max: number }
  | { code: 'needs_letter' }
  | { code: 'needs_digit' }
  | { code: 'needs_upper' }
  | { code: 'needs_lower' }
  | { code: 'common_password' }
  | { code: 'context_word'; word: string }
  | { code: 'repetitive' }
  | { code: 'sequential' }
  | { code: 'keyboard_walk' }
  // The strength estimate is below the policy's minStrength and no rule above says why.
  | { code: 'too_guessable' }
  // Produced by core, which alone holds the previous hashes; declared here so the UI can
  // describe it with the same words as the rest.
  | { code: 'reused'; count: number };

/** Things about the person and place that must not appear in their password. */
export interface PasswordContext {
  username?: string;
  displayName?: string;
  email?: string;
  storeName?: string;
  brandName?: string;
}

/**
 * Everything evaluatePassword needs to judge one person's new password: the UI is given the
 * same rules the core checks with (a forced change, My account), so its verdict is the core's.
 */
export interface PasswordRules {
  policy: EffectivePolicy;
  context: PasswordContext;
}

export type StrengthScore = 0 | 1 | 2 | 3 | 4;

/** zxcvbn's estimate, before the policy's verdict: not for display (use `meter`). */
export interface PasswordStrength {
  score: StrengthScore;
  guessesLog10: number;
}

export interface PasswordEvaluation {
  ok: boolean;
  violations: PasswordViolation[];
  strength: PasswordStrength;
  /** What the strength meter shows (0 "Very weak" … 4 "Very strong"), from `ok`: meterLevel. */
  meter: StrengthScore;
}

/**
 * Meter levels from here up mean "accepted", below it "refused". Equal to the lowest minStrength
 * a policy may set (MIN_STRENGTH_FLOOR), so an accepted password's own score is always shown.
 */
export const METER_PASS_LEVEL = 2;

/**
 * The meter's level for a verdict. A refused password shows 0 ("Very weak") when zxcvbn also
 * finds it trivial, else 1 ("Weak"), whatever its estimate: the meter never calls a password the
 * policy refuses fair or strong. An accepted one shows its estimate, which is at least the
 * policy's minStrength (≥ METER_PASS_LEVEL), so it is never shown as weak.
 */
export function meterLevel(ok: boolean, score: StrengthScore): StrengthScore {
  if (!ok) return score === 0 ? 0 : 1;
  return score < METER_PASS_LEVEL ? METER_PASS_LEVEL : score;
}

/** Whether a meter level means the password is accepted. */
export function meterPasses(level: StrengthScore): boolean {
  return level >= METER_PASS_LEVEL;
}

/** Context tokens shorter than this are too likely to occur by chance ('al', 'bob'). */
const MIN_CONTEXT_WORD_LENGTH = 4;

// Built on first use: the list has ~49k entries and the UI may never open a password form.
let blocklist: ReadonlySet<string> | undefined;
let zxcvbn: ZxcvbnFactory | undefined;

function getBlocklist(): ReadonlySet<string> {
  blocklist ??= new Set(dictionary['passwords-common'].map((w) => w.toLowerCase()));
  return blocklist;
}

function getZxcvbn(): ZxcvbnFactory {
  zxcvbn ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return zxcvbn;
}

/** Number of entries in the bundled common-password blocklist. */
export function blocklistSize(): number {
  return getBlocklist().size;
}

/** Case-insensitive comparison form: NFKC (fullwidth → ASCII) plus the full-ish case fold. */
function fold(s: string): string {
  return s.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

function codePointLength(s: string): number {
  return Array.from(s).length;
}

const NON_WORD = /[^\p{L}\p{M}\p{N}]+/gu;
const TRAILING_NON_LETTERS = /[^\p{L}\p{M}]+$/u;
const LEADING_NON_LETTERS = /^[^\p{L}\p{M}]+/u;

/**
 * True if the password is on the blocklist as is, or once the digits and symbols people tack
 * on to satisfy composition rules are removed ('Password123!' → 'password').
 */
function isCommonPassword(folded: string): boolean {
  const list = getBlocklist();
  const trailingStripped = folded.replace(TRAILING_NON_LETTERS, '');
  const bothStripped = trailingStripped.replace(LEADING_NON_LETTERS, '');
  return [folded, trailingStripped, bothStripped].some((c) => c.length > 0 && list.has(c));
}

/**
 * Folded context words: every token of at least MIN_CONTEXT_WORD_LENGTH code points of each
 * source, plus each source with its separators removed, so store 'Maple Street' yields
 * 'maple', 'street' and 'maplestreet', and username 'alice.smith' yields 'alicesmith'.
 * The email contributes only its local part; the domain is usually shared by everyone.
 */
function contextWords(ctx: PasswordContext): string[] {
  const email = ctx.email ?? '';
  const at = email.lastIndexOf('@');
  const emailLocal = at >= 0 ? email.slice(0, at) : email;
  const sources = [ctx.storeName, ctx.brandName, ctx.username, ctx.displayName, emailLocal];
  const words = new Set<string>();
  for (const source of sources) {
    if (source === undefined) continue;
    const folded = fold(source);
    const candidates = [...folded.split(NON_WORD), folded.replace(NON_WORD, '')];
    for (const w of candidates) {
      if (codePointLength(w) >= MIN_CONTEXT_WORD_LENGTH) words.add(w);
    }
  }
  return [...words];
}

/** Context words found in the password, minus those inside a longer match (one message each). */
function matchedContextWords(foldedPassword: string, words: readonly string[]): string[] {
  const hits = words.filter((w) => foldedPassword.includes(w));
  return hits
    .filter((w) => !hits.some((other) => other !== w && other.includes(w)))
    .sort((a, b) => foldedPassword.indexOf(a) - foldedPassword.indexOf(b));
}

/** Violations that already say why a password is easy to guess. */
const GUESSABLE_REASONS: ReadonlySet<PasswordViolation['code']> = new Set([
  'common_password',
  'context_word',
  'repetitive',
  'sequential',
  'keyboard_walk',
]);

/**
 * Checks `password` against `policy`. Length is counted in Unicode code points after NFC and
 * the password is never truncated. `ok` depends only on the policy's rules (minStrength among
 * them); `meter` is what the strength meter shows, derived from `ok` (meterLevel); `strength`
 * is zxcvbn's raw estimate. History ('reused') is checked by core and the server, not here.
 */
export function evaluatePassword(
  password: string,
  policy: EffectivePolicy,
  ctx: PasswordContext = {},
): PasswordEvaluation {
  const rules = policy.password;
  const nfc = password.normalize('NFC');
  const length = codePointLength(nfc);
  const violations: PasswordViolation[] = [];

  if (length < rules.minLength) violations.push({ code: 'too_short', min: rules.minLength });
  if (length > rules.maxLength) violations.push({ code: 'too_long', max: rules.maxLength });
  if (rules.requireLetter && !/\p{L}/u.test(nfc)) violations.push({ code: 'needs_letter' });
  if (rules.requireDigit && !/\p{Nd}/u.test(nfc)) violations.push({ code: 'needs_digit' });
  if (rules.requireUpper && !/\p{Lu}/u.test(nfc)) violations.push({ code: 'needs_upper' });
  if (rules.requireLower && !/\p{Ll}/u.test(nfc)) violations.push({ code: 'needs_lower' });

  const folded = fold(nfc);
  if (rules.blocklist && isCommonPassword(folded)) violations.push({ code: 'common_password' });

  const words = contextWords(ctx);
  if (rules.contextWords) {
    for (const word of matchedContextWords(folded, words)) {
      violations.push({ code: 'context_word', word });
    }
  }

  const pattern = rules.blocklist ? predictablePattern(folded) : null;
  if (pattern !== null) violations.push({ code: pattern });

  const result = getZxcvbn().check(nfc, words);
  const score = result.score as StrengthScore;
  // One reason per cause: a password already refused as common, a context word or a pattern is
  // weak for that reason, and saying "too easy to guess" as well adds nothing. An empty field is
  // only "too short".
  const explained = violations.some((v) => GUESSABLE_REASONS.has(v.code));
  if (score < rules.minStrength && !explained && nfc.length > 0) {
    violations.push({ code: 'too_guessable' });
  }
  const ok = violations.length === 0;
  return {
    ok,
    violations,
    strength: { score, guessesLog10: result.guessesLog10 },
    meter: meterLevel(ok, score),
  };
}

/** One plain-English sentence per violation, for the form and for core's error messages. */
export function describeViolation(v: PasswordViolation): string {
  switch (v.code) {
    case 'too_short':
      return `Use at least ${v.min} characters.`;
    case 'too_long':
      return `Use at most ${v.max} characters.`;
    case 'needs_letter':
      return 'Include at least one letter.';
    case 'needs_digit':
      return 'Include at least one digit.';
    case 'needs_upper':
      return 'Include at least one uppercase letter.';
    case 'needs_lower':
      return 'Include at least one lowercase letter.';
    case 'common_password':
      return 'This password is too common and easy to guess. Choose a less predictable one.';
    case 'context_word':
      return `Don't use "${v.word}": it is part of your name, username, email, or the store or brand name.`;
    case 'repetitive':
      return 'Don\'t repeat a character or a group of characters (like "aaaa" or "abcabc").';
    case 'sequential':
      return 'Don\'t use a sequence of letters or digits (like "abcd", "1234" or "9876").';
    case 'keyboard_walk':
      return 'Don\'t use keys next to each other on the keyboard (like "qwerty" or "1qaz2wsx").';
    case 'too_guessable':
      return 'This password is too easy to guess. Add another word or two, or make it less predictable.';
    case 'reused':
      return v.count === 1
        ? 'Choose a password different from your previous one.'
        : `Choose a password different from your last ${v.count} passwords.`;
  }
}
