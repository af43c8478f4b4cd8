import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import {
  addActivePerson,
  addStore,
  closeAdminAreaWorld,
  openAdminAreaWorld,
  mailsTo,
  signInToServer,
  type AdminAreaServer,
} from './support/admin-area-server';
import { screen } from './support/screens';
import type { KeyholderApp } from './support/keyholder-app';
import { alertText, statusText } from './support/ui';

/**
 * The admin area's actions on one person, end to end: a real sync server on loopback, a store
 * PC connected to it, and its admin, signed in to the server, on the People section in real
 * Chromium: unlock, GDPR export, password reset and 2FA reset, each confirmed first, then an
 * erasure after typing the person's email. Starts where admin-area.spec.ts has created the
 * Maple Street store (written straight in here).
 */
test.describe.configure({ mode: 'serial' });

let server: AdminAreaServer;
let app: KeyholderApp;
let page: Page;

test.beforeAll(async ({ browser }) => {
  ({ server, app, page } = await openAdminAreaWorld(browser));
  await addStore(server, 'Maple Street');
  await signInToServer(page, server);
  await page
    .getByRole('navigation', { name: 'Admin sections' })
    .getByRole('button', { name: 'People' })
    .click();
});

test.afterAll(() => closeAdminAreaWorld({ server, app, page }));

test('people: unlock, send a password reset and reset 2FA, each confirmed first', async () => {
  const rita = await addActivePerson(server, 'Rita Reset', 'Maple Street');
  // Locked out of the server after too many wrong attempts (as the sign-in records it).
  await server.database.db
    .insertInto('sign_in_failures')
    .values({
      subject: `u:${rita.id}`,
      failures: 10,
      last_failed_at: Date.now(),
      locked_until: Date.now() + 15 * 60_000,
      locked_by_admin: 0,
    })
    .execute();
  await page.getByLabel('Search people').fill('rita');
  await expect(page.getByTestId('locked-rita.reset')).toHaveText('Locked');
  await page.getByRole('button', { name: 'Manage Rita Reset' }).click();
  const manage = page.getByRole('dialog', { name: 'Manage Rita Reset' });
  await expect(manage.getByRole('heading', { name: 'Sign-in and account' })).toBeVisible();
  const result = manage.getByRole('status');

  // Unlock is offered because the list shows her locked out; afterwards it is not.
  await manage.getByRole('button', { name: 'Unlock sign-in' }).click();
  const unlock = page.getByRole('alertdialog', { name: 'Unlock sign-in for Rita Reset?' });
  await expect(unlock).toBeVisible();
  await unlock.getByRole('button', { name: 'Unlock sign-in' }).click();
  await expect(unlock).toHaveCount(0);
  await expect(result).toHaveText('Rita Reset can sign in to the sync server again.');
  await expect(manage.getByRole('button', { name: 'Unlock sign-in' })).toHaveCount(0);
  await expect(page.getByTestId('locked-rita.reset')).toHaveCount(0);
  // Its button is gone: focus stays in the dialog, on the group's heading.
  await expect(manage.getByRole('heading', { name: 'Sign-in and account' })).toBeFocused();

  // GDPR access: her data as a JSON file, nothing to confirm (it changes nothing).
  const download = page.waitForEvent('download');
  await manage.getByRole('button', { name: 'Export their data' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`keyholder-person-${rita.id}.json`);
  const exported = readFileSync((await file.path())!, 'utf8');
  expect(exported).toContain(rita.email);
  expect(exported).not.toMatch(/argon2|totp_secret/i);
  await expect(result).toHaveText(
    `Rita Reset’s data was saved as keyholder-person-${rita.id}.json.`,
  );

  // Password reset: the person is mailed a link; the admin never sees a password.
  await manage.getByRole('button', { name: 'Send password reset' }).click();
  const reset = page.getByRole('alertdialog', { name: 'Send Rita Reset a password reset?' });
  await expect(reset).toContainText('You do not choose or see it.');
  // Cancel has the focus first: Enter on the confirmation does nothing by accident.
  await expect(reset.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await screen(page, 'admin-person-reset');
  await reset.getByRole('button', { name: 'Send password reset' }).click();
  await expect(reset).toHaveCount(0);
  await expect(result).toHaveText('A password reset link was sent to Rita Reset at r***@e***.com.');
  expect(mailsTo(server, 'reset_password', rita.email)).toHaveLength(1);

  // 2FA reset (a lost phone): explained first; afterwards there is nothing left to reset.
  await manage.getByRole('button', { name: 'Reset two-step sign-in' }).click();
  const twoFactor = page.getByRole('alertdialog', {
    name: 'Reset two-step sign-in for Rita Reset?',
  });
  await expect(twoFactor).toContainText('a link to set up a new one');
  await expect(twoFactor).toContainText('Their password does not change.');
  await screen(page, 'admin-person-2fa-reset');
  await twoFactor.getByRole('button', { name: 'Reset two-step sign-in' }).click();
  await expect(twoFactor).toHaveCount(0);
  await expect(result).toHaveText(
    'Two-step sign-in was reset for Rita Reset. A link to set it up again was sent to r***@e***.com.',
  );
  expect(mailsTo(server, 'two_factor_reset', rita.email)).toHaveLength(1);
  await expect(manage.getByRole('button', { name: 'Reset two-step sign-in' })).toHaveCount(0);
  await screen(page, 'admin-person-manage');

  await manage.getByRole('button', { name: 'Close' }).click();
  await expect(manage).toHaveCount(0);
  await expect(statusText(page)).toContainText('Two-step sign-in was reset for Rita Reset.');
});

test('people: erase a person after typing their email; they are gone from the list', async () => {
  await page.getByLabel('Search people').fill('');
  const row = page.getByTestId('person-row-rita.reset');
  await expect(row).toBeVisible();
  await page.getByRole('button', { name: 'Manage Rita Reset' }).click();
  const manage = page.getByRole('dialog', { name: 'Manage Rita Reset' });
  await manage.getByRole('button', { name: 'Erase person' }).click();
  const erase = page.getByRole('alertdialog', { name: 'Erase Rita Reset?' });
  await expect(erase).toContainText('This cannot be undone.');
  await expect(erase).toContainText('Audit entries are kept');
  const typed = erase.getByLabel('To confirm, type their email address: rita.reset@example.com');
  await expect(typed).toBeFocused();
  await screen(page, 'admin-person-erase');

  // Not the address: nothing is sent, the field says why and keeps the focus.
  await typed.fill('rita@example.com');
  await erase.getByRole('button', { name: 'Erase permanently' }).click();
  await expect(erase).toContainText(
    'This is not rita.reset@example.com. Type it exactly to erase.',
  );
  await expect(typed).toBeFocused();
  await expect(alertText(page)).toHaveCount(0);
  await screen(page, 'admin-person-erase-mismatch');

  await typed.fill('rita.reset@example.com');
  await erase.getByRole('button', { name: 'Erase permanently' }).click();
  await expect(erase).toHaveCount(0);
  await expect(manage).toHaveCount(0);
  await expect(statusText(page)).toContainText(
    /Rita Reset was erased\. Their audit entries now show erased-[0-9a-f]{12}\./,
  );
  await expect(row).toHaveCount(0);
  await page.getByLabel('Search people').fill('rita');
  await expect(page.getByText('No one matches.')).toBeVisible();
});
