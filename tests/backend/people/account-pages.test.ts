// The account pages (/account/*): every page in en/es/fr by ?lang= or Accept-Language, a strict
// CSP (no inline script or style), the stylesheet and script served from the server; the forgot
// page's API answers the same for a known and an unknown address and mails only the known one,
// in the page's language; a cross-site HTML form cannot make the server send a mail (CSRF).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../support/server-harness';
import {
  accountWords,
  statedAccountLang,
  ACCOUNT_PAGES,
} from '../../../backend-sync/people/account-words';
import {
  adminSession,
  auditOf,
  call,
  secretsOf,
  startPeopleServer,
  waitFor,
  withoutRequestId,
  type PeopleServer,
} from './support/people-helpers';

describe('account pages: the language a request asks for', () => {
  it('prefers ?lang=, then Accept-Language by weight, and knows only en/es/fr', () => {
    expect(statedAccountLang('fr', 'es')).toBe('fr');
    expect(statedAccountLang('de', 'es-MX,en;q=0.5')).toBe('es');
    expect(statedAccountLang(undefined, 'de;q=1, fr;q=0.4, es;q=0.8')).toBe('es');
    expect(statedAccountLang(undefined, 'fr;q=0, en')).toBe('en');
    expect(statedAccountLang(undefined, 'de, it')).toBeUndefined();
    expect(statedAccountLang(undefined, undefined)).toBeUndefined();
  });
});

describeEachDialect('account pages', (dialect) => {
  let server: PeopleServer;
  beforeAll(async () => {
    server = await startPeopleServer(dialect);
    await adminSession(server); // ada@example.com, an active account
  });
  afterAll(() => server.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    server.s.app.inject({ method: 'GET', url, headers });

  it('serves every page with a strict CSP, its own stylesheet and script, nothing inline', async () => {
    for (const kind of ACCOUNT_PAGES) {
      const page = await get(`/account/${kind}`);
      expect(page.statusCode, kind).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['vary']).toContain('accept-language');
      // One policy (the page's replaces the server-wide one; two would both apply).
      expect(typeof page.headers['content-security-policy']).toBe('string');
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self';");
      expect(csp).toContain("form-action 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(page.body).not.toMatch(
        /<style|style=|<script>|<script(?![^>]*(src=|application\/json))/,
      );
      expect(page.body).toContain('<link rel="stylesheet" href="account.css">');
      expect(page.body).toContain('<script src="account.js"></script>');
      expect(page.body).toContain('role="status"');
      expect(page.body).not.toContain('Keyholder app');
    }
    const css = await get('/account/account.css');
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain('prefers-color-scheme:dark');
    const js = await get('/account/account.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    // The server-wide CSP still serves Swagger UI elsewhere.
    expect(String((await get('/health')).headers['content-security-policy'])).toContain(
      'unsafe-inline',
    );
  });

  it('links forgot and find to each other, and the reset page to both, in the page language', async () => {
    const forgot = (await get('/account/forgot?lang=fr')).body;
    expect(forgot).toContain('href="find?lang=fr"');
    expect(forgot).not.toContain('href="forgot?lang=fr">');
    const find = (await get('/account/find?lang=fr')).body;
    expect(find).toContain('href="forgot?lang=fr"');
    const reset = (await get('/account/reset?lang=fr')).body;
    expect(reset).toContain('href="forgot?lang=fr"');
    expect(reset).toContain('href="find?lang=fr"');
  });

  it('speaks the language of ?lang=, else Accept-Language, else English', async () => {
    const es = await get('/account/forgot', { 'accept-language': 'es-ES,es;q=0.9,en;q=0.8' });
    expect(es.body).toContain('<html lang="es">');
    expect(es.body).toContain(accountWords('es').titles.forgot);
    expect(es.body).toContain(accountWords('es').script.forgotAccepted);
    const fr = await get('/account/find?lang=fr', { 'accept-language': 'es' });
    expect(fr.body).toContain('<html lang="fr">');
    expect(fr.body).toContain(accountWords('fr').findSubmit);
    const other = await get('/account/reset?lang=de', { 'accept-language': 'de-DE' });
    expect(other.body).toContain('<html lang="en">');
    expect(other.body).toContain(accountWords('en').titles.reset);
  });

  it('forgot password: the same answer for a known and an unknown address, one mail, in the page language', async () => {
    const ask = (email: string) =>
      call(server.s, 'POST', '/account/password-reset', {
        body: { email },
        headers: { 'accept-language': 'fr' },
      });
    const known = await ask('ada@example.com');
    const unknown = await ask('nobody.here@example.com');
    expect(known.statusCode).toBe(202);
    expect(withoutRequestId(known)).toEqual(withoutRequestId(unknown));
    expect(Object.keys(known.headers).sort()).toEqual(Object.keys(unknown.headers).sort());
    await waitFor(async () => (await auditOf(server.s, 'password.reset_request')).length >= 2);
    const mail = await server.mail.next('ada@example.com');
    const { url, path } = secretsOf(mail);
    expect(new URL(url).search).toBe('?lang=fr');
    expect(path).toBe('/account/reset');
    expect(server.mail.unread('nobody.here@example.com')).toHaveLength(0);
  });

  it('a cross-site HTML form cannot ask for a mail: only JSON bodies are taken', async () => {
    const before = (await auditOf(server.s, 'password.reset_request')).length;
    const forms: Array<[string, string]> = [
      ['application/x-www-form-urlencoded', 'email=ada%40example.com'],
      ['text/plain', 'email=ada@example.com'],
      [
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nada@example.com\r\n--x--\r\n',
      ],
    ];
    for (const [type, payload] of forms) {
      for (const url of ['/api/v1/account/password-reset', '/api/v1/account/find']) {
        const r = await server.s.app.inject({
          method: 'POST',
          url,
          payload,
          headers: {
            'content-type': type,
            origin: 'https://evil.example',
            'sec-fetch-site': 'cross-site',
          },
        });
        expect(r.statusCode, `${type} ${url}`).toBe(415);
      }
    }
    // The pages themselves take no form posts.
    const post = await server.s.app.inject({
      method: 'POST',
      url: '/account/forgot',
      payload: 'email=ada%40example.com',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(post.statusCode).toBe(404);
    // Refused before routing: no background job was ever queued.
    expect((await auditOf(server.s, 'password.reset_request')).length).toBe(before);
    expect(server.mail.unread('ada@example.com')).toHaveLength(0);
  });
});
