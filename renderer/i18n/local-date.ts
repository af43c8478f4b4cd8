/**
 * Dates typed as the reader's language writes them (dd/mm/yyyy in Spanish and French, mm/dd/yyyy
 * in US English), for the audit filters. A native date input shows the browser's or the
 * operating system's format, not the language chosen in Keyholder, so a Spanish screen on an
 * English PC would ask for mm/dd/yyyy. Values are exchanged as yyyy-mm-dd (what the filters and
 * `localDay` read).
 */
export type DatePart = 'day' | 'month' | 'year';

export interface DatePattern {
  /** The order the language writes the parts in. */
  order: readonly DatePart[];
  /** What it puts between them ("/", "."). */
  separator: string;
}

const patterns = new Map<string, DatePattern>();

export function datePattern(lang: string): DatePattern {
  let pattern = patterns.get(lang);
  if (pattern) return pattern;
  const parts = new Intl.DateTimeFormat(lang, {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).formatToParts(new Date(2026, 10, 23));
  const order = parts
    .map((p) => p.type)
    .filter((type): type is DatePart => type === 'day' || type === 'month' || type === 'year');
  const separator = parts.find((p) => p.type === 'literal')?.value.trim() || '/';
  pattern =
    order.length === 3 ? { order, separator } : { order: ['day', 'month', 'year'], separator };
  patterns.set(lang, pattern);
  return pattern;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** yyyy-mm-dd → the language's way ("23/11/2026"); '' for '' or anything else. */
export function formatLocalDate(iso: string, lang: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return '';
  const value: Record<DatePart, string> = { year: m[1]!, month: m[2]!, day: m[3]! };
  const { order, separator } = datePattern(lang);
  return order.map((part) => value[part]).join(separator);
}

/**
 * What a person typed → yyyy-mm-dd, or null when it is not a real date in the language's order.
 * Any non-digits separate the parts ("23.11.2026", "23 11 2026"); a two-digit year is 20yy.
 */
export function parseLocalDate(text: string, lang: string): string | null {
  const numbers = text.trim().split(/\D+/).filter(Boolean);
  if (numbers.length !== 3 || numbers.some((n) => n.length > 4)) return null;
  const value: Partial<Record<DatePart, number>> = {};
  datePattern(lang).order.forEach((part, i) => (value[part] = Number(numbers[i])));
  const { day = 0, month = 0 } = value;
  let year = value.year ?? 0;
  if (numbers[datePattern(lang).order.indexOf('year')]!.length <= 2) year += 2000;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    year < 1970 ||
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  )
    return null;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

const dayMonth = new Map<string, Intl.DateTimeFormat>();

/**
 * A day named yyyy-mm-dd (as the server names days) → day and month in the language's order,
 * for chart ticks: "14/3" in Spanish, "3/14" in US English.
 */
export function formatDayMonth(iso: string, lang: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  let format = dayMonth.get(lang);
  if (!format)
    dayMonth.set(
      lang,
      (format = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'numeric' })),
    );
  return format.format(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/** yyyy-mm-dd → local midnight in ms (NaN when it is not such a day). */
export function isoDayStart(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime() : NaN;
}
