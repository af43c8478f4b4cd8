/**
 * /account/account.css: the account pages' only style (the CSP allows no inline style).
 * Light and dark follow prefers-color-scheme; every text colour meets WCAG AA (4.5:1) on its
 * background in both; the layout holds from a phone (390 px wide) up; focus is always visible;
 * every link and button is a 44 px touch target.
 */
export const ACCOUNT_PAGE_STYLE = `:root{color-scheme:light dark;--bg:#f3f3f1;--card:#fff;--text:#1a1a1a;
--link:#0b57d0;--border:#6b6b6b;--focus:#0b57d0;--error:#a00000;--ok:#0a6b2a;--button:#0b57d0;--button-text:#fff}
@media (prefers-color-scheme:dark){:root{--bg:#121212;--card:#1e1e1e;--text:#ececec;
--link:#8ab4f8;--border:#9a9a9a;--focus:#8ab4f8;--error:#ff9a8f;--ok:#8fd19e;--button:#8ab4f8;--button-text:#0f1a2b}}
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;font-size:1rem;line-height:1.5;color:var(--text);background:var(--bg);margin:0}
header{max-width:32rem;margin:0 auto;padding:.75rem 1rem 0}
.langs{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;justify-content:flex-end;margin:0;padding:0}
.langs a{display:inline-block;min-width:44px;min-height:44px;padding:.625rem .5rem;text-align:center}
.langs a[aria-current]{font-weight:700;text-decoration:none}
main{max-width:32rem;margin:1rem auto 3rem;background:var(--card);padding:2rem;border-radius:8px}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}
a{color:var(--link)}
label{display:block;margin-top:1rem;font-weight:600}
input{display:block;width:100%;padding:.6rem;font:inherit;margin-top:.25rem;color:var(--text);
background:var(--card);border:1px solid var(--border);border-radius:4px}
button{margin-top:1.5rem;padding:.6rem 1.2rem;min-height:44px;font:inherit;font-weight:600;
color:var(--button-text);background:var(--button);border:0;border-radius:4px;cursor:pointer}
button:disabled{opacity:.7;cursor:default}
a:focus-visible,input:focus-visible,button:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
code{font-size:1.1rem;letter-spacing:.08em;word-break:break-all}
#result:not(:empty){margin-top:1.25rem}
.error{color:var(--error)}.ok{color:var(--ok)}
.other-pages{margin:2rem 0 0;padding:1rem 0 0;border-top:1px solid var(--border);list-style:none}
.other-pages li{margin:.25rem 0}
.other-pages a{display:inline-block;min-height:44px;padding:.625rem 0}
@media (max-width:480px){main{margin:.5rem .5rem 2rem;padding:1.25rem}h1{font-size:1.3rem}}
`;
