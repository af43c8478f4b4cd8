// Usernames: one canonical form per person, so that 'Alice', 'ＡＬＩＣＥ' (fullwidth) and
// ' alice ' reach the same account row and — just as important — the same lockout counter.
// Core stores and looks up only the normalised form; the UI may show what the user typed.
import { z } from 'zod';
import {
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
  USERNAME_RAW_MAX_LENGTH,
} from '../text/text-limits';

/** Lower and upper bounds on the normalised username, in Unicode code points. */
export { USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH };

// NFKC can expand a single code point into many (e.g. U+FDFA into 18), so raw input is capped
// (USERNAME_RAW_MAX_LENGTH) before normalising to keep the work bounded whatever a caller passes.

// Letters of any script, each optionally followed by combining marks (Devanagari, Thai, ... need
// them after NFKC), ASCII digits and . _ - @. Marks only after a letter, so a name cannot start
// with or consist of stacked marks. Digits stay ASCII: other scripts' digits are not folded by
// NFKC and would give look-alike names.
const USERNAME_PATTERN = /^(?:\p{L}\p{M}*|[0-9._@-])+$/u;

/**
 * Canonical form of a username: trim, NFKC, full-ish case fold, NFKC again.
 * Upper-then-lower folds 'ß' and 'SS' (and 'ﬀ'/'FF', ...) together, which `.toLowerCase()`
 * alone does not; the second NFKC recomposes anything the case mapping decomposed.
 * Idempotent: normalizeUsername(normalizeUsername(x)) === normalizeUsername(x).
 */
export function normalizeUsername(raw: string): string {
  const folded = raw.trim().normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
  // NFKC maps some exotic spaces to U+0020; trim again so the result is stable.
  return folded.trim();
}

function codePointLength(s: string): number {
  return Array.from(s).length;
}

/**
 * Validates a username as typed and outputs its normalised form. Rules apply to the normalised
 * form, because that is what is stored and compared.
 */
export const usernameSchema = z
  .string()
  .max(USERNAME_RAW_MAX_LENGTH, { message: `Use at most ${USERNAME_MAX_LENGTH} characters.` })
  .transform(normalizeUsername)
  .pipe(
    z
      .string()
      .refine((s) => codePointLength(s) >= USERNAME_MIN_LENGTH, {
        message: `Use at least ${USERNAME_MIN_LENGTH} characters.`,
      })
      .refine((s) => codePointLength(s) <= USERNAME_MAX_LENGTH, {
        message: `Use at most ${USERNAME_MAX_LENGTH} characters.`,
      })
      .refine((s) => s.length === 0 || USERNAME_PATTERN.test(s), {
        message: 'Use only letters, digits and the characters . _ - @',
      }),
  );
