import { describe, expect, it } from 'vitest';
import { describeViolation, type PasswordViolation } from '../../common/policy';
import { en, type MessageKey, type Messages } from '../../renderer/i18n/messages.en';
import { es } from '../../renderer/i18n/messages.es';
import { fr } from '../../renderer/i18n/messages.fr';

// The dictionaries' sentence for each password rule, as violationText (renderer/i18n/error-text.ts)
// picks it. That file's types come from a .tsx module the node-side tests cannot compile, so
// the key and parameters are named here; the browser tests show the same sentences on screen.
const CASES: [PasswordViolation, MessageKey, Record<string, string | number>][] = [
  [{ code: 'too_short', min: 12 }, 'violation.too_short', { min: 12 }],
  [{ code: 'too_long', max: 128 }, 'violation.too_long', { max: 128 }],
  [{ code: 'needs_letter' }, 'violation.needs_letter', {}],
  [{ code: 'needs_digit' }, 'violation.needs_digit', {}],
  [{ code: 'needs_upper' }, 'violation.needs_upper', {}],
  [{ code: 'needs_lower' }, 'violation.needs_lower', {}],
  [{ code: 'common_password' }, 'violation.common_password', {}],
  [{ code: 'context_word', word: 'maple' }, 'violation.context_word', { word: 'maple' }],
  [{ code: 'repetitive' }, 'violation.repetitive', {}],
  [{ code: 'sequential' }, 'violation.sequential', {}],
  [{ code: 'keyboard_walk' }, 'violation.keyboard_walk', {}],
  [{ code: 'too_guessable' }, 'violation.too_guessable', {}],
  [{ code: 'reused', count: 1 }, 'violation.reused_one', {}],
  [{ code: 'reused', count: 4 }, 'violation.reused_many', { count: 4 }],
];

const fill = (dict: Messages, key: MessageKey, params: Record<string, string | number>) =>
  dict[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );

describe('password rules in words', () => {
  it('the English dictionary says exactly what core and the server say (describeViolation)', () => {
    for (const [v, key, params] of CASES)
      expect(fill(en, key, params), key).toBe(describeViolation(v));
  });

  it('Spanish and French have their own sentence for every rule, placeholders filled', () => {
    for (const dict of [es, fr]) {
      const texts = CASES.map(([, key, params]) => fill(dict, key, params));
      for (const [i, text] of texts.entries()) {
        expect(text, CASES[i]?.[1]).not.toBe(fill(en, CASES[i]![1], CASES[i]![2]));
        expect(text, CASES[i]?.[1]).not.toMatch(/[{}]/);
      }
      expect(new Set(texts).size).toBe(texts.length);
    }
  });
});
