import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { localeFormats, type LocaleFormats } from './locale-format';
import { formatMessage, type Params } from './message-format';
import { en, type MessageKey, type Messages } from './messages.en';

import { LANGUAGES, type Language, type Translate } from './language';

export { LANGUAGES };
export type { Language, Params, Translate };

const STORAGE_KEY = 'keyholder.language';

/**
 * English is in the first bundle (the fallback, and the language of most stores); the others
 * are chunks of their own, loaded when chosen — before the first paint for a saved choice
 * (main.tsx), so nobody sees English flash first.
 */
const LOADERS: Record<Exclude<Language, 'en'>, () => Promise<Messages>> = {
  es: () => import('./messages.es').then((m) => m.es),
  fr: () => import('./messages.fr').then((m) => m.fr),
};
const loaded: Partial<Record<Language, Messages>> = { en };

/** The dictionary of `lang`, loaded if it was not yet; undefined if it cannot be loaded. */
export async function loadDictionary(lang: Language): Promise<Messages | undefined> {
  const have = loaded[lang];
  if (have || lang === 'en') return have;
  try {
    loaded[lang] = await LOADERS[lang]();
  } catch {
    // A missing chunk (an update replaced the files under a running page): keep the language.
  }
  return loaded[lang];
}

export interface I18n extends LocaleFormats {
  lang: Language;
  setLang(lang: Language): void;
  t: Translate;
}

const I18nContext = createContext<I18n | null>(null);

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Saved choice, else the browser's language when we have it, else English. */
export function initialLanguage(): Language {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLanguage(saved)) return saved;
  } catch {
    // storage disabled
  }
  const browser = navigator.language.slice(0, 2).toLowerCase();
  return isLanguage(browser) ? browser : 'en';
}

/** `key` in `dict`, its placeholders and plurals filled for `lang` (message-format.ts). */
export function translate(
  dict: Messages,
  key: MessageKey,
  params?: Params,
  lang: Language = 'en',
): string {
  return formatMessage(dict[key], params, lang);
}

/** Shows a language only once its dictionary is loaded (English until then). */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Language>(() => {
    const wanted = initialLanguage();
    return loaded[wanted] ? wanted : 'en';
  });

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const setLang = useCallback((next: Language) => {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // storage disabled: the choice lasts until reload
    }
    void loadDictionary(next).then((dict) => {
      if (dict) setLangState(next);
    });
  }, []);

  const value = useMemo<I18n>(() => {
    const dict = loaded[lang] ?? en;
    return {
      ...localeFormats(lang),
      lang,
      setLang,
      t: (key, params) => translate(dict, key, params, lang),
    };
  }, [lang, setLang]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
