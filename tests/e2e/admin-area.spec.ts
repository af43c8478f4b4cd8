import { expect, test, type Page } from '@playwright/test';
import {
  closeAdminAreaWorld,
  openAdminAreaWorld,
  SERVER_ADMIN,
  type AdminAreaServer,
} from './support/admin-area-server';
import { screen } from './support/screens';
import type { KeyholderApp } from './support/keyholder-app';
import { go, statusText } from './support/ui';

/**
 * The admin area end to end: a real sync server on loopback, a store PC connected to it, and
 * its admin using the admin area through real Chromium: server sign-in with a fresh code, a
 * new store and its enrollment code, a new person, the audit search and export, the figures.
 * The actions on one person (unlock, password reset, 2FA reset, erasure) are in
 * admin-area-people.spec.ts; the server and its helpers in support/admin-area-server.ts.
 */
test.describe.configure({ mode: 'serial' });

let server: AdminAreaServer;
let app: KeyholderApp;
let page: Page;

test.beforeAll(async ({ browser }) => {
  ({ server, app, page } = await openAdminAreaWorld(browser));
});

test.afterAll(() => closeAdminAreaWorld({ server, app, page }));

test('the admin signs in to the server with a fresh code', async () => {
  await go(page, 'Admin');
  await expect(
    page.getByRole('heading', { level: 2, name: 'Sign in to the sync server' }),
  ).toBeVisible();
  // The email is prefilled from the admin's account on this PC.
  await expect(page.getByLabel('Email')).toHaveValue('ada@example.test');
  await screen(page, 'admin-sign-in');

  await page.getByLabel('Email').fill(SERVER_ADMIN.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByLabel('Authentication code').fill((await server.phone.nextCode()).code);
  await page.getByRole('button', { name: 'Sign in to the server' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toContainText(
    'The email, password or code is not right for the sync server.',
  );

  await page.getByLabel('Password').fill(SERVER_ADMIN.password);
  await page.getByLabel('Authentication code').fill((await server.phone.nextCode()).code);
  await page.getByRole('button', { name: 'Sign in to the server' }).click();
  await expect(page.getByTestId('admin-signed-in')).toHaveText(
    'Signed in to the server as Fran Admin.',
  );
});

test('stores: create one and issue an enrollment code', async () => {
  await page.getByLabel('Store name').fill('Maple Street');
  await page.getByLabel('Brand').fill('Northwind Coffee');
  await page.getByRole('button', { name: 'Create store' }).click();
  await expect(statusText(page)).toContainText('Store Maple Street created.');
  await expect(page.getByTestId('store-row-Maple Street')).toBeVisible();
  await screen(page, 'admin-stores');

  await page.getByRole('button', { name: 'Issue an enrollment code for Maple Street' }).click();
  const dialog = page.getByRole('dialog', { name: 'Enrollment code for Maple Street' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('enrollment-code')).toHaveText(/^[A-Z0-9]{4}(-[A-Z0-9]{4})+$/);
  await expect(dialog).toContainText('Valid until');
  await screen(page, 'admin-enrollment-code');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toHaveCount(0);

  await page.getByRole('button', { name: 'Devices of Maple Street' }).click();
  await expect(page.getByText('No devices are enrolled for this store.')).toBeVisible();
});

test('people: add a person with a role and a store', async () => {
  await page
    .getByRole('navigation', { name: 'Admin sections' })
    .getByRole('button', { name: 'People' })
    .click();
  await page.getByRole('button', { name: 'Add person' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add person' });
  await dialog.getByLabel('Name', { exact: true }).fill('Sam Shift');
  await dialog.getByLabel('Username').fill('sam.shift');
  await dialog.getByLabel('Email').fill('sam.shift@example.com');
  await dialog.getByLabel('Role', { exact: true }).selectOption('manager');
  await dialog.getByLabel('Maple Street').check();
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(statusText(page)).toContainText('Sam Shift was added');
  const row = page.getByTestId('person-row-sam.shift');
  await expect(row).toContainText('Manager');
  await expect(row).toContainText('Maple Street');
  await screen(page, 'admin-people');

  // Sam has not confirmed his address yet: his invitation can be sent again.
  await page.getByRole('button', { name: 'Manage Sam Shift' }).click();
  const manage = page.getByRole('dialog', { name: 'Manage Sam Shift' });
  await manage.getByRole('button', { name: 'Send the invitation again' }).click();
  await expect(manage.getByRole('status')).toHaveText(
    'A new invitation was sent to Sam Shift at s***@e***.com.',
  );
  await manage.getByRole('button', { name: 'Close' }).click();

  await page.getByLabel('Search people').fill('nobody-like-this');
  await expect(page.getByText('No one matches.')).toBeVisible();
  await page.getByLabel('Search people').fill('sam');
  await expect(row).toBeVisible();
});

test('audit: search across stores and export', async () => {
  await page
    .getByRole('navigation', { name: 'Admin sections' })
    .getByRole('button', { name: 'Audit' })
    .click();
  await expect(page.getByTestId('admin-audit-count')).toBeVisible();
  // The PCs' details in words (renderer/features/audit/audit-details-text.ts), never "key: value".
  await expect(page.locator('table.audit-table')).toContainText('Server: http://127.0.0.1');
  await expect(page.locator('table.audit-table')).not.toContainText(/\b(server|method): /);
  await page.getByLabel('Store', { exact: true }).selectOption({ label: 'Maple Street' });
  await page.getByLabel('Outcome').selectOption('failure');
  await expect(page.getByTestId('admin-audit-count')).not.toHaveText('Loading…');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  expect((await download).suggestedFilename()).toMatch(/^keyholder-audit-all-stores-.*\.csv$/);
  await screen(page, 'admin-audit');
});

test('analytics: figures and charts', async () => {
  await page
    .getByRole('navigation', { name: 'Admin sections' })
    .getByRole('button', { name: 'Analytics' })
    .click();
  await expect(page.getByTestId('analytics-totals')).toContainText('Sign-ins: 0');
  await expect(
    page.getByRole('heading', { name: /Devices not synced for 24 hours/ }),
  ).toBeVisible();
  await page.getByLabel('Period').selectOption('30');
  await expect(page.getByTestId('analytics-totals')).toBeVisible();
  await screen(page, 'admin-analytics');
});

test('signing out of the server brings the sign-in back', async () => {
  await page.getByRole('button', { name: 'Sign out of the server' }).click();
  await expect(
    page.getByRole('heading', { level: 2, name: 'Sign in to the sync server' }),
  ).toBeVisible();
});
