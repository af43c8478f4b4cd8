import { describe, expect, it } from 'vitest';
import { localeFormats } from '../../renderer/i18n/locale-format';
import { timeLeft } from '../../renderer/state/countdown';

/** Dates, numbers and durations in the reader's language (locale-format.ts). */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('locale formats', () => {
  const en = localeFormats('en');
  const es = localeFormats('es');
  const fr = localeFormats('fr');

  it('writes a duration in the largest unit that keeps it readable', () => {
    expect(en.duration(45_000)).toBe('45 seconds');
    expect(en.duration(89_000)).toBe('89 seconds');
    expect(en.duration(90_000)).toBe('2 minutes');
    expect(en.duration(75 * MINUTE)).toBe('75 minutes');
    expect(en.duration(3 * HOUR)).toBe('3 hours');
    expect(en.duration(36 * HOUR)).toBe('36 hours');
    expect(en.duration(3 * DAY)).toBe('3 days');
  });

  it('words the unit in the reader language', () => {
    expect(es.duration(2 * HOUR)).toBe('2 horas');
    expect(fr.duration(2 * HOUR)).toBe('2\u00a0heures');
    expect(es.duration(15 * MINUTE)).toBe('15 minutos');
  });

  it('says how far a moment is, before or after', () => {
    const now = Date.UTC(2026, 2, 14, 12);
    expect(en.relative(now + 15 * MINUTE, now)).toBe('in 15 minutes');
    expect(en.relative(now - 2 * HOUR, now)).toBe('2 hours ago');
    expect(en.relative(now - 3 * DAY, now)).toBe('3 days ago');
    expect(es.relative(now - 2 * HOUR, now)).toBe('hace 2 horas');
  });

  it('writes dates, numbers and lists as each language does, not as the browser does', () => {
    const day = new Date(2026, 2, 14, 10, 15).getTime();
    expect(es.date(day)).toBe('14 mar 2026');
    expect(en.date(day)).toBe('Mar 14, 2026');
    expect(es.dateTime(day)).toMatch(/^14\/3\/26/);
    expect(en.dateTime(day)).toMatch(/^3\/14\/26/);
    expect(en.number(1234.5)).toBe('1,234.5');
    expect(fr.number(1234.5)).toBe('1\u202f234,5');
    expect(en.list(['a', 'b', 'c'])).toBe('a, b, c');
  });
});

describe('countdown', () => {
  it('counts down to the deadline, then stays at 0; no deadline, no countdown', () => {
    expect(timeLeft(10_000, 4_000)).toBe(6_000);
    expect(timeLeft(10_000, 10_000)).toBe(0);
    expect(timeLeft(10_000, 99_000)).toBe(0);
    expect(timeLeft(null, 4_000)).toBeNull();
  });
});
