// The catalogue of error codes (common/ipc/error-codes.ts) against the renderer's words: every
// code the core can send reads in English, Spanish and French, and what the core actually throws
// is in the catalogue (the core's error class is typed by it; this checks the source too).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ERROR_CODES,
  isErrorCode,
  SERVER_ADMIN_ERROR_CODES,
} from '../../common/ipc/error-codes';
import { errorText } from '../../renderer/i18n/error-text';
import { en, type MessageKey } from '../../renderer/i18n/messages.en';
import { es } from '../../renderer/i18n/messages.es';
import { fr } from '../../renderer/i18n/messages.fr';
import { adminError } from '../../renderer/features/admin/admin-run';

const dictionaries = { en, es, fr } as const;
const translate =
  (lang: keyof typeof dictionaries) => (key: MessageKey, values?: Record<string, unknown>) =>
    dictionaries[lang][key].replace(/\{(\w+)\}/g, (_, name: string) => String(values?.[name]));

describe('error words', () => {
  it.each(['es', 'fr'] as const)('every app error code reads in %s, not in English', (lang) => {
    for (const code of APP_ERROR_CODES) {
      const text = errorText(translate(lang), lang, { code, message: 'core words' });
      expect(text, code).not.toBe('core words');
      expect(text.length, code).toBeGreaterThan(10);
      expect(text, code).not.toBe(en[`error.${code}`]);
    }
  });

  it('an offline limit is worded by its kind, and a PC that must sync first says so', () => {
    const t = translate('es');
    const shown = (kind: string) =>
      errorText(t, 'es', { code: 'offline_limit', message: 'x', details: { kind } });
    expect(shown('hours')).toBe(es['error.offline_limit_hours']);
    expect(shown('sign_ins')).toBe(es['error.offline_limit_sign_ins']);
    expect(shown('unverified')).toBe(es['error.offline_limit']);
    expect(es['error.offline_limit']).toContain('antes de que nadie inicie sesión');
  });

  it('English shows the core’s own words', () => {
    expect(errorText(translate('en'), 'en', { code: 'internal', message: 'core words' })).toBe(
      'core words',
    );
  });

  it.each(['es', 'fr'] as const)('every admin-area code reads in %s', (lang) => {
    for (const code of SERVER_ADMIN_ERROR_CODES) {
      const shown = adminError(translate(lang), { code, message: 'core words' });
      expect(shown.message, code).not.toBe('core words');
      expect(shown.message, code).not.toBe(en[`admin.error.${code}`]);
    }
  });

  it('a code outside the catalogue falls back to the words that came with it', () => {
    expect(errorText(translate('es'), 'es', { code: 'made_up', message: 'as sent' })).toBe(
      'as sent',
    );
  });
});

describe('the codes the core throws', () => {
  it('are all in the catalogue', () => {
    const root = join(import.meta.dirname, '../../electron');
    const thrown = new Set<string>();
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith('.ts')) {
          const source = readFileSync(full, 'utf8');
          for (const m of source.matchAll(/(?:Error|SyncError)\(\s*'([a-z][a-z_]+)'/g))
            thrown.add(m[1] as string);
        }
      }
    };
    walk(root);
    expect(thrown.size).toBeGreaterThan(40);
    expect([...thrown].filter((code) => !isErrorCode(code))).toEqual([]);
  });
});
