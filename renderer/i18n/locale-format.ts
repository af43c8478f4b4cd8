/**
 * Dates, times, numbers, durations and lists in the reader's language (Intl), never in the
 * browser's: a Spanish screen on an English PC shows 14/3/2026, not 3/14/2026.
 */
export interface LocaleFormats {
  /** A date and time: "14/3/26, 10:15:00". */
  dateTime(ms: number): string;
  /** A date: "14 mar 2026". */
  date(ms: number): string;
  /** A time of day: "10:15:00". */
  time(ms: number): string;
  number(n: number): string;
  /** A duration in the largest unit that keeps it at 1 or more: "2 hours", "90 seconds". */
  duration(ms: number): string;
  /** How far `ms` is from `from`: "in 15 minutes", "2 hours ago". */
  relative(ms: number, from: number): string;
  /** "a, b, c" as the language writes a plain list. */
  list(items: readonly string[]): string;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Largest unit first; below 90 of a unit, the smaller one reads better ("75 minutes"). */
const UNITS = [
  ['day', DAY, 2 * DAY],
  ['hour', HOUR, 90 * MINUTE],
  ['minute', MINUTE, 90 * SECOND],
  ['second', SECOND, 0],
] as const;

function unitOf(ms: number): { unit: (typeof UNITS)[number][0]; amount: number } {
  const size = Math.abs(ms);
  const [unit, length] = UNITS.find(([, , from]) => size >= from) ?? UNITS[3];
  return { unit, amount: Math.round(ms / length) };
}

export function localeFormats(lang: string): LocaleFormats {
  const dateTime = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'medium' });
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });
  const time = new Intl.DateTimeFormat(lang, { timeStyle: 'medium' });
  const numbers = new Intl.NumberFormat(lang);
  const relative = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  const list = new Intl.ListFormat(lang, { style: 'short', type: 'unit' });
  const units = new Map<string, Intl.NumberFormat>();
  const unitFormat = (unit: string) => {
    let format = units.get(unit);
    if (!format)
      units.set(
        unit,
        (format = new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'long' })),
      );
    return format;
  };
  return {
    dateTime: (ms) => dateTime.format(ms),
    date: (ms) => date.format(ms),
    time: (ms) => time.format(ms),
    number: (n) => numbers.format(n),
    duration: (ms) => {
      const { unit, amount } = unitOf(ms);
      return unitFormat(unit).format(amount);
    },
    relative: (ms, from) => {
      const { unit, amount } = unitOf(ms - from);
      return relative.format(amount, unit);
    },
    list: (items) => list.format(items),
  };
}
