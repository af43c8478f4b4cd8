import { z } from 'zod';
import { JSON_MAX_DEPTH, JSON_MAX_NODES, JSON_MAX_TEXT_UNITS } from './text-limits';

/**
 * Canonical text: the one rule for text the store PC and the sync server accept, store, hash
 * and show.
 *
 * - TEXT is canonical when it is well-formed Unicode (no lone UTF-16 surrogate) and holds no
 *   NUL. Why: SQLite and PostgreSQL store a lone surrogate as U+FFFD (so the audit chain would
 *   cover other bytes than the database holds) and PostgreSQL refuses NUL in text.
 * - NAMES (usernames as typed, display names, store, brand and device names, audit actor and
 *   target names and ids) must also hold no control character (\p{Cc}), no bidirectional
 *   control (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and no line or paragraph
 *   separator (U+2028, U+2029): those reorder or hide what an admin reads in the audit log.
 *
 * The rule is stated twice, once as a scan (`textProblem`, for any value, at any length) and
 * once as patterns without the regex `u` flag (for zod and for the JSON Schema the server's
 * compiled audit validator is built from, which runs them without `u`); both come from the table
 * below, and tests/common/canonical-text.test.ts checks they agree on arbitrary strings.
 */

export type TextProblem = 'lone_surrogate' | 'nul' | 'control' | 'bidi_control' | 'line_separator';
export type TextRule = 'text' | 'name';

/** Code points a name refuses besides lone surrogates (all in the BMP), inclusive ranges. */
const NAME_REFUSED: readonly (readonly [number, number, TextProblem])[] = [
  [0x0000, 0x001f, 'control'],
  [0x007f, 0x009f, 'control'],
  [0x061c, 0x061c, 'bidi_control'],
  [0x200e, 0x200f, 'bidi_control'],
  [0x2028, 0x2029, 'line_separator'],
  [0x202a, 0x202e, 'bidi_control'],
  [0x2066, 0x2069, 'bidi_control'],
];

const PROBLEMS: readonly TextProblem[] = ['control', 'bidi_control', 'line_separator'];
/** Index into PROBLEMS (+1) for every code unit below the last refused one; 0 = allowed. */
const NAME_TABLE = new Uint8Array(0x206a);
for (const [from, to, problem] of NAME_REFUSED) {
  NAME_TABLE.fill(PROBLEMS.indexOf(problem) + 1, from, to + 1);
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** The first reason `s` breaks the rule, or null when it is canonical. */
export function textProblem(s: string, rule: TextRule = 'text'): TextProblem | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      if (isHigh(c) && isLow(s.charCodeAt(i + 1))) {
        i += 1;
        continue;
      }
      return 'lone_surrogate';
    }
    if (c === 0) return 'nul';
    if (rule === 'name' && c < NAME_TABLE.length && NAME_TABLE[c]) {
      return PROBLEMS[NAME_TABLE[c]! - 1]!;
    }
  }
  return null;
}

export const isCanonicalText = (s: string): boolean => textProblem(s, 'text') === null;
export const isCanonicalName = (s: string): boolean => textProblem(s, 'name') === null;

// ---- patterns (no `u` flag) ------------------------------------------------------------------

/** `\uXXXX` as regex source text: the patterns stay printable and mean the same in any engine. */
const esc = (c: number) => `\\u${c.toString(16).padStart(4, '0')}`;
const range = (from: number, to: number) => (from === to ? esc(from) : `${esc(from)}-${esc(to)}`);
const SURROGATES = range(0xd800, 0xdfff);
/** A surrogate pair: the only way a surrogate code unit may appear. */
const PAIR = `[${range(0xd800, 0xdbff)}][${range(0xdc00, 0xdfff)}]`;
const NAME_CLASS = NAME_REFUSED.map(([from, to]) => range(from, to)).join('');

/** Matches exactly the canonical texts, read as UTF-16 code units (no `u` flag). */
export const CANONICAL_TEXT_PATTERN = new RegExp(`^(?:[^${esc(0)}${SURROGATES}]|${PAIR})*$`);
/** Matches exactly the canonical names, read as UTF-16 code units (no `u` flag). */
export const CANONICAL_NAME_PATTERN = new RegExp(`^(?:[^${NAME_CLASS}${SURROGATES}]|${PAIR})*$`);

// ---- zod -------------------------------------------------------------------------------------

const TEXT_MESSAGE = 'Remove the characters that cannot be stored (unpaired surrogates, NUL).';
const NAME_MESSAGE = 'Remove control and text-direction characters.';

/**
 * Any canonical text of at most `max` code points. A plain string schema with a pattern, so
 * JSON Schema states it exactly (`z.toJSONSchema`: maxLength + pattern).
 */
export function canonicalText(max: number) {
  return z.string().max(max).regex(CANONICAL_TEXT_PATTERN, { message: TEXT_MESSAGE });
}

/**
 * A canonical name of at most `max` code points. `trim`: surrounding white space is removed
 * first and `min`/`max` apply to what is left (form input); without it the value is checked
 * exactly as given (what an audit hash covers must not change on the way).
 */
export function nameText(max: number, options: { trim?: boolean; min?: number } = {}) {
  const base = options.trim ? z.string().trim() : z.string();
  const bounded = options.min === undefined ? base : base.min(options.min);
  return bounded.max(max).regex(CANONICAL_NAME_PATTERN, { message: NAME_MESSAGE });
}

// ---- JSON values -----------------------------------------------------------------------------

export type JsonTextProblem = TextProblem | 'too_deep' | 'too_large' | 'not_json';
export interface JsonTextIssue {
  problem: JsonTextProblem;
  /** Where: object keys and array indexes from the top. Attacker-chosen: log it, never echo it. */
  path: (string | number)[];
}
export interface JsonTextLimits {
  maxDepth: number;
  maxNodes: number;
  maxTextUnits: number;
}
export const JSON_TEXT_LIMITS: JsonTextLimits = {
  maxDepth: JSON_MAX_DEPTH,
  maxNodes: JSON_MAX_NODES,
  maxTextUnits: JSON_MAX_TEXT_UNITS,
};

/**
 * The first problem of a JSON-like value, or null when it is plain JSON whose every string and
 * object key is canonical TEXT, within `limits`. Plain JSON: null, booleans, finite numbers,
 * strings, dense arrays without `undefined`, and objects whose prototype is Object's or null
 * (an `undefined` member is allowed: JSON.stringify and canonicalJson both drop it). So for a
 * value that passes, `canonicalJson(v) === canonicalJson(JSON.parse(JSON.stringify(v)))`: what
 * the audit chain hashes is what a database stores and what the other side parses.
 */
export function firstJsonTextProblem(
  value: unknown,
  limits: JsonTextLimits = JSON_TEXT_LIMITS,
): JsonTextIssue | null {
  return walk(value, 0, { nodes: 0, units: 0 }, limits);
}

function walk(
  value: unknown,
  depth: number,
  budget: { nodes: number; units: number },
  limits: JsonTextLimits,
): JsonTextIssue | null {
  if ((budget.nodes += 1) > limits.maxNodes) return { problem: 'too_large', path: [] };
  if (value === null || typeof value === 'boolean') return null;
  if (typeof value === 'number') {
    return Number.isFinite(value) ? null : { problem: 'not_json', path: [] };
  }
  if (typeof value === 'string') return stringIssue(value, budget, limits);
  if (typeof value !== 'object') return { problem: 'not_json', path: [] };
  if (depth >= limits.maxDepth) return { problem: 'too_deep', path: [] };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || value[i] === undefined) return { problem: 'not_json', path: [i] };
      const issue = walk(value[i], depth + 1, budget, limits);
      if (issue) return { ...issue, path: [i, ...issue.path] };
    }
    return null;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return { problem: 'not_json', path: [] };
  for (const [key, member] of Object.entries(value)) {
    if ((budget.nodes += 1) > limits.maxNodes) return { problem: 'too_large', path: [key] };
    const keyIssue = stringIssue(key, budget, limits);
    if (keyIssue) return { ...keyIssue, path: [key] };
    if (member === undefined) continue;
    const issue = walk(member, depth + 1, budget, limits);
    if (issue) return { ...issue, path: [key, ...issue.path] };
  }
  return null;
}

function stringIssue(
  s: string,
  budget: { units: number },
  limits: JsonTextLimits,
): JsonTextIssue | null {
  if ((budget.units += s.length) > limits.maxTextUnits) return { problem: 'too_large', path: [] };
  const problem = textProblem(s, 'text');
  return problem ? { problem, path: [] } : null;
}

// ---- length and display ----------------------------------------------------------------------

/**
 * `s` cut to at most `max` code points, never between the two halves of a surrogate pair
 * (`.slice` on UTF-16 units can, and leaves a lone surrogate). Code points are counted as zod
 * and JSON Schema count them: a pair is one, a lone surrogate is one.
 */
export function truncateCodePoints(s: string, max: number): string {
  if (s.length <= max) return s;
  let units = 0;
  for (let points = 0; points < max && units < s.length; points++) {
    units += isHigh(s.charCodeAt(units)) && isLow(s.charCodeAt(units + 1)) ? 2 : 1;
  }
  return s.slice(0, units);
}

/** What `escapeForDisplay` replaces: everything a name refuses, and lone surrogates. */
const DISPLAY_ESCAPES = new RegExp(
  `[${NAME_CLASS}]|[${range(0xd800, 0xdbff)}](?![${range(0xdc00, 0xdfff)}])|(?<![${range(0xd800, 0xdbff)}])[${range(0xdc00, 0xdfff)}]`,
  'g',
);

/**
 * Text for people to read (the audit viewers, CSV exports): each control, bidirectional control,
 * line or paragraph separator and lone surrogate shown as `\uXXXX`, so that nothing recorded can
 * reorder, hide or break what is around it (an entry written before the rule, or text only the
 * TEXT rule covers, such as audit details). One-way: a name typed with a literal "\u202E" reads
 * the same; the JSON export keeps the exact value.
 */
export function escapeForDisplay(s: string): string {
  return s.replace(
    DISPLAY_ESCAPES,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
}
