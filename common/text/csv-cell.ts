import { escapeForDisplay } from './canonical-text';

/**
 * A cell a spreadsheet would run as a formula: = + - @, a tab or a line break first, even after
 * leading white space (OWASP "CSV injection").
 */
const FORMULA_START = /^[\s]*[=+\-@\t\r\n]/;

/**
 * One CSV cell (RFC 4180) of an audit export, on the PC and on the sync server alike, safe to
 * open in a spreadsheet and to read:
 * - a value a spreadsheet would run as a formula gets a leading apostrophe, so names like
 *   `=HYPERLINK(...)` that people typed on a till stay text (checked on the value as recorded);
 * - controls, bidirectional controls, line separators and lone surrogates are shown as `\uXXXX`
 *   (`escapeForDisplay`), never raw: an entry written before the canonical-text rule, or details
 *   (which may hold any canonical text), cannot reorder or hide what a reader sees;
 * - quoted when it holds a comma or a quote.
 */
export function csvCell(value: string): string {
  const shown = escapeForDisplay(FORMULA_START.test(value) ? `'${value}` : value);
  return /[",\r\n]/.test(shown) ? `"${shown.replace(/"/g, '""')}"` : shown;
}
