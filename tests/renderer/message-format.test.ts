import { describe, expect, it } from 'vitest';
import { en } from '../../renderer/i18n/messages.en';
import { es } from '../../renderer/i18n/messages.es';
import { fr } from '../../renderer/i18n/messages.fr';
import { formatMessage } from '../../renderer/i18n/message-format';

/** Placeholders and ICU plurals as people read them (renderer/i18n/message-format.ts). */
describe('message format', () => {
  it('fills {name} placeholders and leaves unknown ones as written', () => {
    expect(formatMessage('Hello {name}, {missing}', { name: 'Zoë' }, 'en')).toBe(
      'Hello Zoë, {missing}',
    );
    expect(formatMessage('No params {x}', undefined, 'en')).toBe('No params {x}');
  });

  it('chooses the plural branch by the language rule, =N first, with # formatted', () => {
    const people = '{count, plural, =0 {nobody} one {# person} other {# people}}';
    expect(formatMessage(people, { count: 0 }, 'en')).toBe('nobody');
    expect(formatMessage(people, { count: 1 }, 'en')).toBe('1 person');
    expect(formatMessage(people, { count: 1234 }, 'en')).toBe('1,234 people');
    const personnes = '{count, plural, one {# personne} other {# personnes}}';
    // French says "one" for 0 and 1, and groups thousands with a (narrow no-break) space.
    expect(formatMessage(personnes, { count: 0 }, 'fr')).toBe('0 personne');
    expect(formatMessage(personnes, { count: 1 }, 'fr')).toBe('1 personne');
    expect(formatMessage(personnes, { count: 1234 }, 'fr')).toMatch(/^1[\s\u202f]234 personnes$/);
    expect(formatMessage('{n, plural, one {# día} other {# días}}', { n: 2 }, 'es')).toBe('2 días');
  });

  it('fills placeholders inside a branch and keeps # of a nested plural its own', () => {
    const text =
      '{n, plural, one {{who} has # code} other {{who} has # codes ({m, plural, one {# new} other {# new}})}}';
    expect(formatMessage(text, { n: 3, m: 1, who: 'Ada' }, 'en')).toBe('Ada has 3 codes (1 new)');
  });

  it('selects by value, else other', () => {
    const text = '{kind, select, hours {by time} other {by count}}';
    expect(formatMessage(text, { kind: 'hours' }, 'en')).toBe('by time');
    expect(formatMessage(text, { kind: 'sign_ins' }, 'en')).toBe('by count');
  });

  it('shows a message that does not parse as written', () => {
    expect(formatMessage('{n, plural, one {x}', { n: 1 }, 'en')).toBe('{n, plural, one {x}');
    expect(formatMessage('{n, plural, one x}', { n: 1 }, 'en')).toBe('{n, plural, one x}');
  });

  it('the staff count says "1 person" in every language', () => {
    expect(formatMessage(en['staff.count'], { count: 1 }, 'en')).toBe('1 person');
    expect(formatMessage(en['staff.count'], { count: 2 }, 'en')).toBe('2 people');
    expect(formatMessage(es['staff.count'], { count: 1 }, 'es')).toBe('1 persona');
    expect(formatMessage(fr['staff.count'], { count: 1 }, 'fr')).toBe('1 personne');
    expect(formatMessage(en['verify.ok'], { count: 1 }, 'en')).toBe(
      'The chain is intact: 1 entry checked.',
    );
  });
});
