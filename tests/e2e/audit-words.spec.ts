import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { Keyholder } from '../../electron/core/keyholder';
import { defaultPolicyDocument } from '../../common/policy/policy';
import { REPO_ROOT } from '../support/keyring-sandbox';
import { expectAccessible } from './support/a11y';
import { expect, test } from './support/fixtures';
import { screen } from './support/screens';
import { seedStore, type SeededPerson } from './support/seed';
import { go, signInWithCode } from './support/ui';

/**
 * What a manager reads in the audit views and on the recovery-code printout: details in words
 * (common/audit/audit-details.ts), in the reader's language and date order; lockouts found by
 * filtering failures; the printout and file naming the product, store, person and date.
 */

/** Crew lock after 3 failures (the lowest a policy allows), set through the real core. */
async function lowerCrewThreshold(kh: Keyholder, admin: SeededPerson): Promise<void> {
  const first = await kh.signIn.signIn(admin.username, admin.password);
  if (first.status !== 'needs_totp') throw new Error(`unexpected ${first.status}`);
  const done = await kh.signIn.submitCode(first.challengeId, (await admin.phone!.nextCode()).code);
  if (done.status !== 'signed_in') throw new Error(`unexpected ${done.status}`);
  await kh.authority.unlock(done.session, admin.password);
  const { roles } = defaultPolicyDocument();
  kh.deviceAdmin.updatePolicy(done.session.sessionId, {
    roles: { ...roles, viewer: { profile: 'standard', overrides: { lockout: { threshold: 3 } } } },
  });
  kh.sessions.end(done.session.sessionId, 'signed_out');
}

async function nav(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Principal' }).getByRole('button', { name }).click();
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
}

test('the audit log in Spanish: words and day-first dates, and failures include the lockout', async ({
  app,
  page,
}) => {
  const { admin, crew } = await seedStore(app.kh);
  await lowerCrewThreshold(app.kh, admin);
  for (let i = 0; i < 3; i++) {
    await expect(app.kh.signIn.signIn(crew.username, 'not her password')).rejects.toThrow();
  }

  await page.goto(app.url);
  await signInWithCode(page, admin.username, admin.password, admin.phone!);
  await go(page, 'Settings');
  await page.getByLabel('Language', { exact: true }).selectOption('es');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expectAccessible(page, 'settings, Spanish');
  await nav(page, 'Registro de auditoría');

  const table = page.getByRole('table', { name: 'Registro de auditoría' });
  await expect(table).toContainText('Con contraseña y código del autenticador');
  // No epoch milliseconds, detail keys or internal names anywhere on the page.
  const all = (await table.textContent()) ?? '';
  expect(all).not.toMatch(/\d{12,}/);
  expect(all).not.toMatch(/\b(until|failures|reason|method|role|recordVersion|before|after):/);
  expect(all).not.toContain('viewer');
  // Times in Spanish order: day/month/year.
  const today = new Date();
  const dayFirst = `${today.getDate()}/${today.getMonth() + 1}/`;
  await expect(table.locator('tbody tr').first().locator('td').nth(1)).toHaveText(
    new RegExp(`^${dayFirst}\\d{2}, \\d{1,2}:\\d{2}:\\d{2}$`),
  );
  await screen(page, 'audit-log-spanish');
  // Roles by their names: crew is "Equipo", never the internal "viewer".
  await page.getByLabel('Acción').selectOption('account.create');
  await expect(table).toContainText('Rol: Equipo');
  await expect(table).not.toContainText('viewer');
  await page.getByLabel('Acción').selectOption('');

  // Filtering failures finds the lockout (recorded as a failure, not a success).
  const rows = table.locator('tbody tr');
  await page.getByLabel('Resultado').selectOption('failure');
  const lockout = rows.filter({ hasText: 'Cuenta bloqueada por intentos fallidos' });
  await expect(lockout).toHaveCount(1);
  await expect(lockout).toContainText('Fallo');
  await expect(lockout).toContainText('3 intentos fallidos seguidos');
  await expect(lockout).toContainText(
    /Bloqueada hasta el \d{1,2}\/\d{1,2}\/\d{2}, .+ \(dentro de 15 minutos\)/,
  );
  await expect(rows.filter({ hasText: 'Motivo: contraseña incorrecta' })).toHaveCount(3);

  // Dates are typed day first too; one that is not a date says so and is not applied.
  const from = page.getByLabel('Desde (dd/mm/aaaa)');
  await from.fill('31/02/2026');
  await expect(page.getByText('Escriba una fecha como dd/mm/aaaa.')).toBeVisible();
  await expect(lockout).toHaveCount(1);
  const tomorrow = new Date(Date.now() + 86_400_000);
  await from.fill(`${tomorrow.getDate()}/${tomorrow.getMonth() + 1}/${tomorrow.getFullYear()}`);
  await expect(page.getByTestId('audit-count')).toHaveText(
    'Ninguna entrada coincide con estos filtros.',
  );
  await page.getByRole('button', { name: 'Quitar los filtros' }).click();
  await expect(from).toHaveValue('');
  await expectAccessible(page, 'audit log, Spanish');

  // My account: the sign-ins in words, and no repeated landmark names.
  await nav(page, 'Mi cuenta');
  const history = page.getByRole('table', { name: 'Mis inicios de sesión recientes' });
  await expect(history).toContainText('Con contraseña y código del autenticador');
  expect((await history.textContent()) ?? '').not.toMatch(/method:|\d{12,}/);
  await expectAccessible(page, 'my account, Spanish');
});

test('recovery codes: the printout and the file name Keyholder, the store, the person and the date', async ({
  app,
  page,
}) => {
  const { admin } = await seedStore(app.kh);
  await page.goto(app.url);
  await signInWithCode(page, admin.username, admin.password, admin.phone!);
  await go(page, 'My account');
  const twoStep = page.getByRole('region', { name: 'Two-step sign-in' });
  await twoStep.getByRole('button', { name: 'Get new recovery codes' }).click();
  await twoStep.getByLabel('Current password').fill(admin.password);
  await twoStep.getByRole('button', { name: 'Continue' }).click();
  const codes = page.getByTestId('recovery-codes');
  await expect(codes).toBeVisible();
  const list = (await codes.getByRole('listitem').allTextContents()).map((c) => c.trim());
  expect(list).toHaveLength(10);
  const made = new Intl.DateTimeFormat('en', { dateStyle: 'medium' }).format(new Date());

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download .txt' }).click();
  const file = await readFile((await (await download).path()) ?? '', 'utf8');
  expect(file.split('\r\n')).toEqual([
    'Keyholder recovery codes',
    'Store: Maple Street',
    'Account: Ada Admin (ada.admin)',
    `Made on ${made}`,
    'Each code works once. Keep this file somewhere safe.',
    '',
    ...list,
    '',
  ]);

  // On screen the heading of the sheet is not repeated; on paper it heads the codes.
  const printout = page.getByTestId('recovery-printout');
  await expect(printout.getByText('Store: Maple Street')).toBeHidden();
  await page.emulateMedia({ media: 'print' });
  for (const line of [
    'Keyholder recovery codes',
    'Store: Maple Street',
    'Account: Ada Admin (ada.admin)',
    `Made on ${made}`,
  ])
    await expect(printout.getByText(line, { exact: true })).toBeVisible();
  await expect(printout.getByRole('listitem')).toHaveCount(10);
  // The sheet sits at the top of the document, where a printed page starts.
  await page.evaluate('window.scrollTo(0, 0)');
  expect((await printout.boundingBox())?.y).toBe(0);
  await page.screenshot({
    path: join(REPO_ROOT, 'test-results/screenshots/recovery-codes-print.png'),
  });
  await page.emulateMedia({ media: 'screen' });
});
