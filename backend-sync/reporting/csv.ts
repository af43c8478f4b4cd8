/**
 * One CSV cell (RFC 4180), safe to open in a spreadsheet: a value that a spreadsheet would run
 * as a formula — starting with = + - @, a tab or a line break, even after leading spaces — gets
 * a leading apostrophe (OWASP "CSV injection"), so names like `=HYPERLINK(...)` that people
 * typed on a till stay text. Same rule as the desktop's export.
 */
export function csvCell(value: string): string {
  const safe = /^[\s]*[=+\-@\t\r\n]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(values: readonly (string | number | null)[]): string {
  return `${values.map((v) => csvCell(v === null ? '' : String(v))).join(',')}\r\n`;
}
