import { en } from './account-words.en';
import { es } from './account-words.es';
import { fr } from './account-words.fr';

/**
 * The words of the account pages (/account/*) and of their script, one module per language
 * (account-words.en.ts, account-words.es.ts, account-words.fr.ts). Each module is typed
 * `AccountWords`, so a key missing in one language does not compile. `{name}` marks a value
 * filled in by the page or its script (inserted as text, never as HTML).
 */
export const ACCOUNT_LANGS = ['en', 'es', 'fr'] as const;
export type AccountLang = (typeof ACCOUNT_LANGS)[number];

/** Every page under /account/: the mailed links' pages, and the two entry pages. */
export const ACCOUNT_PAGES = [
  'verify',
  'reset',
  'confirm-email',
  'two-factor',
  'forgot',
  'find',
] as const;
export type AccountPageKind = (typeof ACCOUNT_PAGES)[number];

/** What the script shows; sent to the page as JSON data (not script) with the page's language. */
export interface AccountScriptWords {
  genericError: string;
  /** Known API error codes; any other code shows the server's own message. */
  errors: {
    invalid_code: string;
    invalid_totp_code: string;
    password_policy: string;
    rate_limited: string;
    invalid_current_password: string;
    two_factor_setup_required: string;
    invalid_request: string;
  };
  newPassword: string;
  confirmPassword: string;
  mismatch: string;
  totpLabel: string;
  totpOptional: string;
  currentPassword: string;
  /** Opened without the link's secret: the person types the address and the mailed code. */
  codeIntro: string;
  emailLabel: string;
  codeLabel: string;
  continue: string;
  incompleteLink: string;
  verifyHello: string;
  addKey: string;
  openOnPhone: string;
  activate: string;
  activated: string;
  changePassword: string;
  passwordChanged: string;
  twoFactorHello: string;
  turnOnTwoFactor: string;
  twoFactorDone: string;
  confirmEmail: string;
  emailConfirmed: string;
  sending: string;
  forgotAccepted: string;
  findAccepted: string;
}

export interface AccountWords {
  /** The language's own name, for the language links. */
  languageName: string;
  languageNav: string;
  titles: Record<AccountPageKind, string>;
  needsScript: string;
  forgotIntro: string;
  forgotEmailLabel: string;
  forgotSubmit: string;
  findIntro: string;
  findNameLabel: string;
  findStoreLabel: string;
  findSubmit: string;
  /** The links between the pages. */
  toForgot: string;
  toFind: string;
  script: AccountScriptWords;
}

const WORDS: Record<AccountLang, AccountWords> = { en, es, fr };

export function accountWords(lang: AccountLang): AccountWords {
  return WORDS[lang];
}

export function isAccountLang(value: unknown): value is AccountLang {
  return typeof value === 'string' && (ACCOUNT_LANGS as readonly string[]).includes(value);
}

/**
 * The language a request asks for: the `lang` query parameter when it names one we have, else
 * the first language of Accept-Language (by q weight) we have; undefined when neither does.
 */
export function statedAccountLang(
  query: unknown,
  acceptLanguage: string | undefined,
): AccountLang | undefined {
  if (isAccountLang(query)) return query;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { base: tag.trim().toLowerCase().split('-')[0] ?? '', q: q ? Number(q) : 1, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((entry) => entry.base).find(isAccountLang);
}
