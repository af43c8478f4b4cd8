import { expect, test, type Page } from '@playwright/test';
import type { ParsedMail } from 'mailparser';
import { recipientOf, startSmtpSink, type SmtpSink } from '../backend/support/smtp-sink';
import { expectAccessible } from './support/a11y';
import { startKeyholderApp } from './support/keyholder-app';
import { expectUsableLayout } from './support/layout';
import { seedStore } from './support/seed';
import { startE2eSyncServer, type E2eSyncServer } from './support/sync-server';

/**
 * The sync server's account pages in real Chromium, against a real server and a real SMTP
 * server: "Forgot password?" at /account/forgot, the mailed link followed to /account/reset, a
 * new password set (with the authenticator's code) and used to sign in; the pages checked with
 * axe and for layout at 1280×800 and 390×844, light and dark, in English and in Spanish. And
 * "Forgot password?" on the sign-in screen of a store PC (the browser shell): a connected PC
 * opens the server's page in a new tab, in the app's language; a standalone PC has no server.
 */
test.describe.configure({ mode: 'serial' });

let server: E2eSyncServer;
let smtp: SmtpSink;
let mia: Awaited<ReturnType<E2eSyncServer['createPerson']>>;
/** A second person: a reset mail goes to one person at most once a minute. */
let vic: Awaited<ReturnType<E2eSyncServer['createPerson']>>;
const NEW_PASSWORD = 'mia picked a fresh passphrase 9';
const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];
const SCHEMES = ['light', 'dark'] as const;

test.beforeAll(async () => {
  smtp = await startSmtpSink();
  server = await startE2eSyncServer({ SMTP_URL: smtp.url });
  mia = await server.createPerson({ name: 'Mia Manager', role: 'manager', stores: [] });
  vic = await server.createPerson({ name: 'Vic Viewer', role: 'viewer', stores: [] });
});

test.afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

async function mailTo(address: string, already: number): Promise<ParsedMail> {
  await expect
    .poll(() => smtp.inbox.filter((m) => recipientOf(m) === address).length)
    .toBeGreaterThan(already);
  return smtp.inbox.filter((m) => recipientOf(m) === address)[already]!;
}

/** The mailed link, on the server this test started (PUBLIC_URL is the default address). */
function linkOf(mail: ParsedMail): URL {
  const found = /(https?:\/\/\S+\/account\/reset\S*#token=[A-Za-z0-9_-]+)/.exec(mail.text ?? '');
  if (!found?.[1]) throw new Error(`no link in: ${mail.text}`);
  const link = new URL(found[1]);
  return new URL(`${link.pathname}${link.search}${link.hash}`, server.url);
}

async function everyLook(page: Page, name: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const colorScheme of SCHEMES) {
      await page.emulateMedia({ colorScheme });
      const label = `${name} ${size.width}×${size.height} ${colorScheme}`;
      await expectAccessible(page, label);
      await expectUsableLayout(page, label);
    }
  }
  await page.setViewportSize(SIZES[0]!);
  await page.emulateMedia({ colorScheme: 'light' });
}

test('forgot password → mailed link → new password, with no inline script or style', async ({
  page,
}) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  const address = `${mia.username}@example.com`;
  const before = smtp.inbox.filter((m) => recipientOf(m) === address).length;

  await page.goto(`${server.url}/account/forgot?lang=en`);
  await expect(
    page.getByRole('heading', { name: 'Forgot your Keyholder password?' }),
  ).toBeVisible();
  // The stylesheet applied (it is the only style the CSP lets in).
  expect(await page.evaluate('getComputedStyle(document.querySelector("main")).borderRadius')).toBe(
    '8px',
  );
  await everyLook(page, 'forgot (en)');
  await page.getByLabel('Email address').fill(address);
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await expect(page.getByRole('status')).toContainText('If an active account uses this address');
  await everyLook(page, 'forgot, answered (en)');

  // An unknown address gets the very same words.
  const known = await page.getByRole('status').innerText();
  await page.getByLabel('Email address').fill('nobody.at.all@example.com');
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await expect(page.getByRole('status')).toHaveText(known);

  const link = linkOf(await mailTo(address, before));
  expect(link.searchParams.get('lang')).toBe('en');
  await page.goto(link.toString());
  await expect(
    page.getByRole('heading', { name: 'Choose a new Keyholder password' }),
  ).toBeVisible();
  await expect(page.getByLabel(/New password/)).toBeVisible();
  expect(new URL(page.url()).hash).toBe(''); // the secret left the address bar
  await everyLook(page, 'reset (en)');
  await page.getByLabel(/New password/).fill(NEW_PASSWORD);
  await page.getByLabel('Type it again').fill(NEW_PASSWORD);
  await page.getByLabel('Code from your authenticator app').fill((await mia.phone.nextCode()).code);
  await page.getByRole('button', { name: 'Change my password' }).click();
  await expect(page.getByRole('status')).toContainText('Your password was changed');
  await everyLook(page, 'reset, done (en)');

  // The new password works on the server.
  const signIn = await fetch(`${server.url}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: address,
      password: NEW_PASSWORD,
      totpCode: (await mia.phone.nextCode()).code,
    }),
  });
  expect(signIn.status).toBe(200);
  expect(violations).toEqual([]);
});

test('in Spanish from the browser language: forgot, find, and the mailed link in Spanish', async ({
  browser,
}) => {
  const context = await browser.newContext({ locale: 'es-ES' });
  const page = await context.newPage();
  const address = `${vic.username}@example.com`;
  const before = smtp.inbox.filter((m) => recipientOf(m) === address).length;

  await page.goto(`${server.url}/account/forgot`);
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(
    page.getByRole('heading', { name: '¿Ha olvidado su contraseña de Keyholder?' }),
  ).toBeVisible();
  await page.getByLabel('Dirección de correo').fill(address);
  await page.getByRole('button', { name: 'Enviarme un enlace' }).click();
  await expect(page.getByRole('status')).toContainText('Si una cuenta activa usa esta dirección');
  await everyLook(page, 'forgot (es)');

  await page.getByRole('link', { name: /Encuentre su cuenta/ }).click();
  await expect(page).toHaveURL(/\/account\/find\?lang=es$/);
  await page.getByLabel('Su nombre completo').fill('Vic Viewer');
  await page.getByLabel('Su tienda').fill('Nowhere');
  await page.getByRole('button', { name: 'Enviarme mi nombre de usuario' }).click();
  await expect(page.getByRole('status')).toContainText('Si hemos encontrado una cuenta');
  await everyLook(page, 'find (es)');

  const link = linkOf(await mailTo(address, before));
  expect(link.searchParams.get('lang')).toBe('es');
  await page.goto(link.toString());
  await expect(
    page.getByRole('heading', { name: 'Elija una nueva contraseña de Keyholder' }),
  ).toBeVisible();
  await expect(page.getByLabel(/Nueva contraseña/)).toBeVisible();
  await everyLook(page, 'reset (es)');
  // Opened without its secret, the page asks for the address and the mailed code instead.
  await page.goto(`${server.url}/account/reset?lang=es`);
  await expect(page.getByLabel('Código del correo')).toBeVisible();
  await everyLook(page, 'reset by code (es)');
  await context.close();
});

test('"Forgot password?" on a connected store PC opens the server page in the app language', async ({
  browser,
}) => {
  const store = await server.api<{ id: string }>('POST', '/api/v1/stores', {
    name: 'Maple Street',
    brand: 'Northwind',
  });
  const code = await server.api<{ code: string }>(
    'POST',
    `/api/v1/stores/${store.body.id}/enrollment-codes`,
  );
  const app = await startKeyholderApp();
  const context = await browser.newContext({ locale: 'fr-FR' });
  try {
    const page = await context.newPage();
    await page.goto(app.url);
    await page
      .getByRole('button', { name: /serveur de synchronisation/ })
      .first()
      .click();
    await page.getByLabel('Adresse du serveur').fill(server.url);
    await page.getByLabel('Code d’inscription').fill(code.body.code);
    await page.getByLabel('Nom de cet ordinateur').fill('Maple front till');
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Connexion' })).toBeVisible();

    const [tab] = await Promise.all([
      page.waitForEvent('popup'),
      page.getByRole('button', { name: 'Mot de passe oublié ?' }).click(),
    ]);
    await tab.waitForLoadState();
    expect(tab.url()).toBe(`${server.url}/account/forgot?lang=fr`);
    await expect(
      tab.getByRole('heading', { name: 'Mot de passe Keyholder oublié ?' }),
    ).toBeVisible();
    await expectAccessible(tab, 'forgot (fr)');
    await expectAccessible(page, 'sign-in, connected (fr)');
    await expectUsableLayout(page, 'sign-in, connected (fr)');
  } finally {
    await context.close();
    await app.close();
  }
});

test('a standalone store PC has no server page to open: ask a manager', async ({ page }) => {
  const app = await startKeyholderApp();
  try {
    await seedStore(app.kh);
    await page.goto(app.url);
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await expect(page.getByText('Forgot your password? Ask a manager to reset it.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Forgot password?' })).toHaveCount(0);
    await expectAccessible(page, 'sign-in, standalone');
  } finally {
    await app.close();
  }
});
