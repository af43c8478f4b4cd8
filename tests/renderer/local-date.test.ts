import { describe, expect, it } from 'vitest';
import {
  datePattern,
  formatDayMonth,
  formatLocalDate,
  parseLocalDate,
} from '../../renderer/i18n/local-date';

/** Dates in the audit filters as each language writes them (renderer/i18n/local-date.ts). */
describe('dates typed in the reader’s order', () => {
  it('Spanish and French put the day first, US English the month', () => {
    expect(datePattern('es')).toEqual({ order: ['day', 'month', 'year'], separator: '/' });
    expect(datePattern('fr')).toEqual({ order: ['day', 'month', 'year'], separator: '/' });
    expect(datePattern('en')).toEqual({ order: ['month', 'day', 'year'], separator: '/' });
    expect(formatLocalDate('2026-03-14', 'es')).toBe('14/03/2026');
    expect(formatLocalDate('2026-03-14', 'fr')).toBe('14/03/2026');
    expect(formatLocalDate('2026-03-14', 'en')).toBe('03/14/2026');
    expect(formatLocalDate('', 'es')).toBe('');
  });

  it('reads what was typed in that order, with any separator and a short year', () => {
    expect(parseLocalDate('14/3/2026', 'es')).toBe('2026-03-14');
    expect(parseLocalDate('14.03.26', 'fr')).toBe('2026-03-14');
    expect(parseLocalDate(' 3-14-2026 ', 'en')).toBe('2026-03-14');
    // The same text is another date, or none, in the other order.
    expect(parseLocalDate('03/04/2026', 'en')).toBe('2026-03-04');
    expect(parseLocalDate('03/04/2026', 'es')).toBe('2026-04-03');
    expect(parseLocalDate('3/14/2026', 'es')).toBeNull();
  });

  it('refuses what is not a real date', () => {
    for (const text of ['', '14/03', '31/02/2026', '00/01/2026', '14/13/2026', 'abc', '1/1/202'])
      expect(parseLocalDate(text, 'es'), text).toBeNull();
    expect(parseLocalDate('29/02/2028', 'fr')).toBe('2028-02-29');
  });

  it('names a chart day as the language does', () => {
    expect(formatDayMonth('2026-03-14', 'es')).toBe('14/3');
    expect(formatDayMonth('2026-03-14', 'fr')).toBe('14/03');
    expect(formatDayMonth('2026-03-14', 'en')).toBe('3/14');
  });
});
