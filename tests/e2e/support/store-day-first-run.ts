import { expect, type Page } from '@playwright/test';
import { expectAccessible } from './a11y';
import { Authenticator } from './totp';
import { alertText, manualKey, saveRecoveryCodes } from './ui';

/**
 * The store day's first step (tests/e2e/store-day.spec.ts): a new PC set up on its own, the
 * policy profile chosen (Classic explained), the first admin's password judged live against the
 * policy, TOTP enrollment with a wrong code refused, and the recovery codes saved. Every screen
 * on the way is checked with axe. Returns the admin's authenticator and recovery codes, which
 * the rest of the day uses.
 */
export async function firstRun(
  page: Page,
  url: string,
  admin: { username: string; name: string; password: string },
): Promise<{ phone: Authenticator; recoveryCodes: string[] }> {
  await page.goto(url);
  await expect(page.getByRole('heading', { level: 1, name: 'Set up Keyholder' })).toBeVisible();
  // The launch token moved from the address bar into the tab's session storage.
  expect(page.url()).not.toContain('token=');
  await expectAccessible(page, 'first run');
  // A new PC asks first whether it joins a sync server; this store runs on its own.
  await expect(page.getByRole('button', { name: /Connect to our sync server/ })).toBeVisible();
  await page.getByRole('button', { name: /Set up this computer on its own/ }).click();

  // Standard is the default; Classic explains why it is not recommended.
  await expect(page.getByRole('radio', { name: /Standard/ })).toBeChecked();
  await page.getByRole('radio', { name: /Classic checklist/ }).check();
  await expect(page.getByTestId('classic-warning')).toContainText(
    'NIST SP 800-63B advises against',
  );
  await page.getByRole('radio', { name: /Standard/ }).check();
  await expect(page.getByTestId('classic-warning')).toHaveCount(0);

  await page.getByLabel('Store name').fill('Maple Street');
  await page.getByLabel('Brand name').fill('Northwind Coffee');
  await page.getByLabel('Full name').fill(admin.name);
  await page.getByLabel('Username').fill(admin.username);

  // Live policy feedback: each unmet rule in words, and the strength meter.
  const feedback = page.getByTestId('password-feedback');
  await page.getByLabel('Password', { exact: true }).fill('maple street 1');
  await expect(feedback).toContainText('Don\'t use "maple"');
  await expect(feedback.locator('meter')).toHaveAttribute('data-score', /[01]/);
  // A repeated character: refused with its reason, and the meter says so too (issue 13).
  await page.getByLabel('Password', { exact: true }).fill('aaaaaaaaaaaa');
  await expect(feedback).toContainText(
    'Don\'t repeat a character or a group of characters (like "aaaa" or "abcabc").',
  );
  await expect(feedback.locator('meter')).toHaveAttribute('data-score', '0');
  await expect(feedback.locator('.strength-text')).toHaveText('Very weak');
  await expect(feedback).not.toContainText('This password meets the policy.');
  // A keyboard walk zxcvbn alone would call very strong: refused, and never shown as strong.
  await page.getByLabel('Password', { exact: true }).fill('!qaz@wsx#edc');
  await expect(feedback).toContainText("Don't use keys next to each other on the keyboard");
  await expect(feedback.locator('meter')).toHaveAttribute('data-score', '1');
  await expect(feedback.locator('.strength-text')).toHaveText('Weak');
  await page.getByLabel('Password', { exact: true }).fill('password');
  await expect(feedback).toContainText('Use at least 12 characters.');
  await expect(feedback).toContainText('too common');
  await expect(feedback.locator('meter')).toHaveAttribute('data-score', '0');
  await page.getByLabel('Password', { exact: true }).fill(admin.password);
  await expect(feedback).toContainText('This password meets the policy.');
  await expect(feedback.locator('meter')).toHaveAttribute('data-score', /[34]/);
  await expect(feedback.locator('.strength-text')).toHaveText(/^(Strong|Very strong)$/);
  await page.getByLabel('Confirm password').fill(admin.password);
  await expectAccessible(page, 'first run, filled in');
  await page.getByRole('button', { name: 'Create administrator' }).click();

  // Enrollment: QR code and manual key; the test's "phone" reads the key.
  await expect(
    page.getByRole('heading', { level: 1, name: 'Set up two-step sign-in' }),
  ).toBeVisible();
  await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
  const phone = new Authenticator(await manualKey(page));
  await expectAccessible(page, 'TOTP enrollment');
  await page.getByLabel('Authentication code').fill('000000');
  await page.getByRole('button', { name: 'Confirm code' }).click();
  await expect(alertText(page)).toContainText('That code is not right');
  await page.getByLabel('Authentication code').fill((await phone.nextCode()).code);
  await page.getByRole('button', { name: 'Confirm code' }).click();

  await expect(
    page.getByRole('heading', { level: 1, name: 'Save your recovery codes' }),
  ).toBeVisible();
  await expectAccessible(page, 'recovery codes');
  const recoveryCodes = await saveRecoveryCodes(page);

  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Ada Admin' })).toBeVisible();
  await expect(page.getByText('Administrator at Maple Street')).toBeVisible();
  await expectAccessible(page, 'admin home');
  return { phone, recoveryCodes };
}
