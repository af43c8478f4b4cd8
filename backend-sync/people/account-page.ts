import { escapeHtml } from '../email/templates';
import {
  ACCOUNT_LANGS,
  accountWords,
  type AccountLang,
  type AccountPageKind,
  type AccountWords,
} from './account-words';

export type { AccountPageKind } from './account-words';

/**
 * The pages under /account/: the ones a mailed link opens (/account/verify, /account/reset,
 * /account/confirm-email, /account/two-factor) and the two entry pages (/account/forgot,
 * /account/find), in the language the route chose (account-words.ts).
 *
 * A mailed link's secret travels in the URL fragment (#token=…), which browsers never send to
 * a server; the script (account-page-script.ts) reads it, removes it from the address bar, and
 * calls the same JSON API the desktop app uses. Nothing is spent by opening a page (mail
 * scanners that prefetch links cannot use up a code): only a form's submit does.
 *
 * Strict CSP (routes/account-recovery.routes.ts sets it): no inline script or style. The words
 * the script needs are a JSON data block (`type="application/json"` is never executed); the
 * style is /account/account.css. Every value the script inserts goes in as text, never as HTML.
 */
export function accountPageHtml(kind: AccountPageKind, lang: AccountLang): string {
  const w = accountWords(lang);
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${escapeHtml(w.titles[kind])}</title>
<link rel="stylesheet" href="account.css">
</head>
<body data-page="${kind}">
<header>${languageLinks(kind, lang, w)}</header>
<main>
<h1>${escapeHtml(w.titles[kind])}</h1>
${entryForm(kind, w)}<div id="app"><noscript><p class="error">${escapeHtml(w.needsScript)}</p></noscript></div>
<div id="result" role="status" aria-live="polite"></div>
${otherPages(kind, lang, w)}</main>
<script type="application/json" id="words">${jsonForHtml(w.script)}</script>
<script src="account.js"></script>
</body>
</html>
`;
}

function languageLinks(kind: AccountPageKind, lang: AccountLang, w: AccountWords): string {
  const items = ACCOUNT_LANGS.map((l) => {
    const name = escapeHtml(accountWords(l).languageName);
    const current = l === lang ? ' aria-current="true"' : '';
    return `<li><a href="${kind}?lang=${l}" lang="${l}" hreflang="${l}"${current}>${name}</a></li>`;
  }).join('');
  return `<nav aria-label="${escapeHtml(w.languageNav)}"><ul class="langs">${items}</ul></nav>`;
}

/** The two entry pages' forms, in the HTML itself; the script sends them as JSON. */
function entryForm(kind: AccountPageKind, w: AccountWords): string {
  if (kind === 'forgot')
    return `<p>${escapeHtml(w.forgotIntro)}</p>
<form id="entry-form">
<label for="email">${escapeHtml(w.forgotEmailLabel)}</label>
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254">
<button type="submit">${escapeHtml(w.forgotSubmit)}</button>
</form>
`;
  if (kind === 'find')
    return `<p>${escapeHtml(w.findIntro)}</p>
<form id="entry-form">
<label for="displayName">${escapeHtml(w.findNameLabel)}</label>
<input id="displayName" name="displayName" type="text" autocomplete="name" required maxlength="100">
<label for="storeName">${escapeHtml(w.findStoreLabel)}</label>
<input id="storeName" name="storeName" type="text" autocomplete="organization" required maxlength="100">
<button type="submit">${escapeHtml(w.findSubmit)}</button>
</form>
`;
  return '';
}

/** Links between the pages: forgot ↔ find, and from every mailed link's page to both. */
function otherPages(kind: AccountPageKind, lang: AccountLang, w: AccountWords): string {
  const links = (
    [
      ['forgot', w.toForgot],
      ['find', w.toFind],
    ] as const
  )
    .filter(([target]) => target !== kind)
    .map(([target, text]) => `<li><a href="${target}?lang=${lang}">${escapeHtml(text)}</a></li>`)
    .join('');
  return `<ul class="other-pages">${links}</ul>\n`;
}

/** JSON that cannot end the data block it sits in (`</script>`, `<!--`). */
function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
