import { expect, type Page } from '@playwright/test';
import type { Authenticator } from './totp';

/** Steps a person takes through the UI, shared by the specs. */

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function enterCode(page: Page, code: string): Promise<void> {
  await page.getByLabel('Authentication code').fill(code);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Username, password, then the next valid code. */
export async function signInWithCode(
  page: Page,
  username: string,
  password: string,
  phone: Authenticator,
): Promise<void> {
  await signIn(page, username, password);
  await expect(page.getByLabel('Authentication code')).toBeVisible();
  await enterCode(page, (await phone.nextCode()).code);
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
}

export async function go(page: Page, screen: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: screen })
    .click();
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
}

/** Reads the manual key shown during enrollment. */
export async function manualKey(page: Page): Promise<string> {
  const key = (await page.getByTestId('manual-key').textContent()) ?? '';
  expect(key.replace(/\s/g, '')).toMatch(/^[A-Z2-7]{16,}$/);
  return key;
}

/** Saves the recovery codes shown now (downloads the .txt too) and continues. */
export async function saveRecoveryCodes(page: Page): Promise<string[]> {
  const list = page.getByTestId('recovery-codes');
  await expect(list).toBeVisible();
  const codes = (await list.getByRole('listitem').allTextContents()).map((c) => c.trim());
  expect(codes).toHaveLength(10);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download .txt' }).click();
  expect((await download).suggestedFilename()).toBe('keyholder-recovery-codes.txt');
  const next = page.getByRole('button', { name: /^(Continue|Done)$/ });
  await expect(next).toBeDisabled();
  await page.getByLabel('I have saved them').check();
  await next.click();
  return codes;
}

/** The text of the page's status messages (role="status"), joined. */
export function statusText(page: Page) {
  return page.getByRole('status').filter({ hasText: /\S/ });
}

/** The page's non-empty alerts (role="alert" regions stay in the page, empty, until needed). */
export function alertText(page: Page) {
  return page.getByRole('alert').filter({ hasText: /\S/ });
}

/**
 * The step-up a standalone PC asks for before the first signed change of a session
 * (renderer/api/step-up.tsx): the password typed, the change carried on.
 */
export async function confirmPassword(page: Page, password: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Confirm your password' });
  await expect(dialog.getByLabel('Your password')).toBeFocused();
  await dialog.getByLabel('Your password').fill(password);
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog).toBeHidden();
}
