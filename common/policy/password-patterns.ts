// The predictable shapes NIST SP 800-63B 5.1.1.2 asks verifiers to refuse beside breached and
// dictionary words: repetitive and sequential strings, and (as every cracking rule set tries
// them first) keyboard walks. Each check asks whether the WHOLE password is made of that shape,
// so a passphrase that merely contains "abc" or "qwe" is never refused by it; partly
// predictable passwords are left to the strength estimate (password-evaluator.ts).
import { adjacencyGraphs } from '@zxcvbn-ts/language-common';

export type PasswordPattern = 'repetitive' | 'sequential' | 'keyboard_walk';

/** Shortest piece of a sequence or a walk counted as one ("ab" or "qw" alone is chance). */
const MIN_RUN = 3;

/**
 * True if `chars` is one unit repeated, the last copy possibly cut short: "aaaaaaaaaaaa",
 * "abcabcabc", "passpasspa". The unit must occur at least twice in full. A repeated password is
 * only as strong as its unit, however long the unit is. The shortest period comes from the
 * KMP failure function, so this is linear in the length (passwords may be long).
 */
export function isRepetitive(chars: readonly string[]): boolean {
  const n = chars.length;
  if (n < 2) return false;
  const border = new Array<number>(n).fill(0);
  for (let i = 1; i < n; i += 1) {
    let k = border[i - 1] ?? 0;
    while (k > 0 && chars[i] !== chars[k]) k = border[k - 1] ?? 0;
    border[i] = chars[i] === chars[k] ? k + 1 : k;
  }
  const period = n - (border[n - 1] ?? 0);
  return period * 2 <= n;
}

/**
 * Whether `n` characters can be cut into consecutive pieces of at least MIN_RUN characters,
 * each within one run: `runEnds[r][i]` is where a run of kind r that starts at i ends
 * (exclusive). Linear: a cut is reachable if a reachable cut starts a run that spans it, and
 * the spans starting before i are all counted (a difference array) by the time i is read.
 */
function coveredByRuns(n: number, runEnds: readonly (readonly number[])[]): boolean {
  if (n < MIN_RUN) return false;
  const delta = new Array<number>(n + 2).fill(0);
  let open = 0;
  for (let i = 0; i <= n; i += 1) {
    open += delta[i] ?? 0;
    const reachable = i === 0 || open > 0;
    if (i === n) return reachable;
    if (!reachable) continue;
    for (const ends of runEnds) {
      const end = ends[i] ?? i;
      if (end - i >= MIN_RUN) {
        delta[i + MIN_RUN] = (delta[i + MIN_RUN] ?? 0) + 1;
        delta[end + 1] = (delta[end + 1] ?? 0) - 1;
      }
    }
  }
  return false;
}

/** For each start i, the end (exclusive) of the longest run from i whose neighbours all `link`. */
function runEndsWhere(n: number, link: (i: number) => boolean): number[] {
  const ends = new Array<number>(n).fill(n);
  for (let i = n - 2; i >= 0; i -= 1) ends[i] = link(i) ? (ends[i + 1] ?? n) : i + 1;
  return ends;
}

type CharClass = 'letter' | 'digit' | null;

function charClass(c: string): CharClass {
  if (/^\p{Nd}$/u.test(c)) return 'digit';
  if (/^\p{L}$/u.test(c)) return 'letter';
  return null;
}

/** Step from `a` to `b` within one class: +1/-1 for neighbours; digits wrap ("7890", "2109"). */
function step(a: string, b: string): number | null {
  const cls = charClass(a);
  if (cls === null || cls !== charClass(b)) return null;
  const delta = (b.codePointAt(0) ?? 0) - (a.codePointAt(0) ?? 0);
  if (cls === 'digit' && Math.abs(delta) === 9) return delta > 0 ? -1 : 1;
  return delta === 1 || delta === -1 ? delta : null;
}

/**
 * True if `chars` is made of runs of consecutive letters or digits, up or down:
 * "abcdefgh", "12345678", "87654321", "abcd1234", "zyxwvuts".
 */
export function isSequential(chars: readonly string[]): boolean {
  const n = chars.length;
  const steps = chars.map((c, i) => (i + 1 < n ? step(c, chars[i + 1] ?? '') : null));
  return coveredByRuns(n, [
    runEndsWhere(n, (i) => steps[i] === 1),
    runEndsWhere(n, (i) => steps[i] === -1),
  ]);
}

/** For each layout zxcvbn knows: every key and the characters on the keys around it. */
const NEIGHBOURS: readonly ReadonlyMap<string, ReadonlySet<string>>[] = Object.values(
  adjacencyGraphs,
).map((graph) => {
  // Keyed by the lower-cased character: "Q" and "q" are one key, so their neighbours merge.
  const map = new Map<string, Set<string>>();
  for (const [key, around] of Object.entries(graph as Record<string, (string | null)[]>)) {
    const chars = map.get(key.toLowerCase()) ?? new Set<string>();
    for (const keyCap of around) for (const c of keyCap ?? '') chars.add(c.toLowerCase());
    map.set(key.toLowerCase(), chars);
  }
  return map;
});

/**
 * True if `chars` is made of walks along neighbouring keys of one layout each (QWERTY, QWERTZ,
 * AZERTY, Dvorak, the numeric keypad): "qwertyuiop", "asdfghjkl", "1qaz2wsx", "zaq1xsw2".
 * Expects lower-cased input: the layouts' shifted symbols are neighbours too ("!qaz@wsx").
 */
export function isKeyboardWalk(chars: readonly string[]): boolean {
  const n = chars.length;
  return coveredByRuns(
    n,
    NEIGHBOURS.map((layout) =>
      runEndsWhere(n, (i) => layout.get(chars[i] ?? '')?.has(chars[i + 1] ?? '') === true),
    ),
  );
}

/**
 * The predictable shape the whole of `folded` (case-folded, as the evaluator compares) has, if
 * any, ignoring spaces ("abc abc abc", "qwer tyui"). One answer even when several fit
 * ("abcabc" is also two sequences): repetition first, then sequences, then walks.
 */
export function predictablePattern(folded: string): PasswordPattern | null {
  const chars = Array.from(folded.replace(/\s+/gu, ''));
  if (isRepetitive(chars)) return 'repetitive';
  if (isSequential(chars)) return 'sequential';
  if (isKeyboardWalk(chars)) return 'keyboard_walk';
  return null;
}
