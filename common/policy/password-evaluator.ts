// Password evaluation against a resolved policy. Pure and synchronous so the UI can give live
// feedback with exactly the rules core enforces on save. Reports every violation at once:
// fixing one rule only to be told about the next is what makes people pick weak passwords.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
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

export interface PasswordStrength {
  score: 0 | 1 | 2 | 3 | 4;
  guessesLog10: number;
}

export interface PasswordEvaluation {
  ok: boolean;
  violations: PasswordViolation[];
  strength: PasswordStrength;
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

/**
 * Checks `password` against `policy`. Length is counted in Unicode code points after NFC and
 * the password is never truncated. `ok` depends only on the policy's rules; `strength` is an
 * estimate for the meter. History ('reused') is checked by core, not here.
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

  const result = getZxcvbn().check(nfc, words);
  return {
    ok: violations.length === 0,
    violations,
    strength: { score: result.score, guessesLog10: result.guessesLog10 },
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
    case 'reused':
      return v.count === 1
        ? 'Choose a password different from your previous one.'
        : `Choose a password different from your last ${v.count} passwords.`;
  }
}
