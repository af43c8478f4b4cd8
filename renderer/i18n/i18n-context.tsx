import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { en, type MessageKey, type Messages } from './messages.en';
import { es } from './messages.es';
import { fr } from './messages.fr';

export const LANGUAGES = ['en', 'es', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

const DICTIONARIES: Record<Language, Messages> = { en, es, fr };
const STORAGE_KEY = 'keyholder.language';

export interface I18n {
  lang: Language;
  setLang(lang: Language): void;
  t: Translate;
  dateTime(ms: number): string;
  date(ms: number): string;
  number(n: number): string;
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

export function translate(dict: Messages, key: MessageKey, params?: Params): string {
  const text = dict[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Language>(initialLanguage);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const setLang = useCallback((next: Language) => {
    setLangState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // storage disabled: the choice lasts until reload
    }
  }, []);

  const value = useMemo<I18n>(() => {
    const dict = DICTIONARIES[lang];
    const dateTimeFormat = new Intl.DateTimeFormat(lang, {
      dateStyle: 'short',
      timeStyle: 'medium',
    });
    const dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });
    const numberFormat = new Intl.NumberFormat(lang);
    return {
      lang,
      setLang,
      t: (key, params) => translate(dict, key, params),
      dateTime: (ms) => dateTimeFormat.format(ms),
      date: (ms) => dateFormat.format(ms),
      number: (n) => numberFormat.format(n),
    };
  }, [lang, setLang]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
