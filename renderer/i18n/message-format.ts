/**
 * Fills a message's placeholders: a subset of ICU MessageFormat, enough for our dictionaries.
 *
 * - `{name}`: the parameter as given (numbers in plain digits: format them first when they are
 *   shown on their own, e.g. `number(n)`); an unknown name stays as written.
 * - `{count, plural, =0 {none} one {# person} other {# people}}`: the branch `=N` for exactly
 *   N, else the branch the language's plural rule names (Intl.PluralRules: English and Spanish
 *   say "one" for 1 only, French for 0 and 1 too), else `other`. `#` in the branch is the number
 *   formatted for the language (Intl.NumberFormat).
 * - `{kind, select, a {…} other {…}}`: the branch named by the parameter, else `other`.
 *
 * Branches may hold placeholders of their own. A message that does not parse is shown as it is
 * written (a broken translation must not hide the rest of the screen).
 */
export type Params = Record<string, string | number>;

const pluralRules = new Map<string, Intl.PluralRules>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function rulesFor(lang: string): Intl.PluralRules {
  let rules = pluralRules.get(lang);
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang)));
  return rules;
}

function numbersFor(lang: string): Intl.NumberFormat {
  let format = numberFormats.get(lang);
  if (!format) numberFormats.set(lang, (format = new Intl.NumberFormat(lang)));
  return format;
}

/** The index of the `}` closing the `{` at `open`, or -1. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** `one {…} other {…}` → selector → branch text; null when it does not parse. */
function branches(text: string): Map<string, string> | null {
  const found = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    const head = /^\s*(=\d+|\w+)\s*\{/.exec(text.slice(i));
    if (!head) return /^\s*$/.test(text.slice(i)) ? found : null;
    const open = i + head[0].length - 1;
    const close = closing(text, open);
    if (close < 0) return null;
    found.set(head[1]!, text.slice(open + 1, close));
    i = close + 1;
  }
  return found;
}

function argument(body: string, params: Params, lang: string): string | null {
  const simple = /^\s*(\w+)\s*$/.exec(body);
  if (simple) {
    const value = params[simple[1]!];
    return value === undefined ? null : String(value);
  }
  const complex = /^\s*(\w+)\s*,\s*(plural|select)\s*,([\s\S]*)$/.exec(body);
  if (!complex) return null;
  const [, name, type, rest] = complex;
  const value = params[name!];
  const options = branches(rest!);
  if (value === undefined || !options) return null;
  if (type === 'select') {
    const branch = options.get(String(value)) ?? options.get('other');
    return branch === undefined ? null : formatMessage(branch, params, lang);
  }
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return null;
  const branch =
    options.get(`=${n}`) ?? options.get(rulesFor(lang).select(n)) ?? options.get('other');
  if (branch === undefined) return null;
  // `#` belongs to this plural, not to one nested in the branch: replace it outside braces.
  let out = '';
  let depth = 0;
  for (const ch of branch) {
    if (ch === '{') depth++;
    if (ch === '}') depth--;
    out += ch === '#' && depth === 0 ? numbersFor(lang).format(n) : ch;
  }
  return formatMessage(out, params, lang);
}

export function formatMessage(template: string, params: Params | undefined, lang: string): string {
  if (!params || !template.includes('{')) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) break;
    const close = closing(template, open);
    if (close < 0) break;
    out += template.slice(i, open);
    const filled = argument(template.slice(open + 1, close), params, lang);
    out += filled ?? template.slice(open, close + 1);
    i = close + 1;
  }
  return out + template.slice(i);
}
