import { expect, type Page } from '@playwright/test';
import { expectAccessible } from './a11y';
import { alertText, go } from './ui';

/**
 * The store day's look-and-language step (tests/e2e/store-day.spec.ts), signed in as the admin:
 * dark mode and Spanish chosen in Settings, kept after a reload, and the home, staff, audit-log
 * and lock screens in that mode checked with axe; a wrong password at the Spanish lock screen
 * is refused in Spanish and the right one brings the admin back where she was.
 */
export async function darkModeAndSpanish(page: Page, adminPassword: string): Promise<void> {
  await go(page, 'Settings');
  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(15, 17, 21)');
  await page.getByLabel('Language', { exact: true }).selectOption('es');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.getByRole('heading', { level: 1, name: 'Ajustes' })).toBeVisible();
  await expectAccessible(page, 'settings, dark, Spanish');

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.getByRole('heading', { level: 1, name: 'Hola, Ada Admin' })).toBeVisible();
  await expectAccessible(page, 'home, dark, Spanish');
  await page
    .getByRole('navigation', { name: 'Principal' })
    .getByRole('button', { name: 'Personal' })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'Personal' })).toBeVisible();
  await expectAccessible(page, 'staff, dark, Spanish');
  await page
    .getByRole('navigation', { name: 'Principal' })
    .getByRole('button', { name: 'Registro de auditoría' })
    .click();
  await expect(page.getByRole('button', { name: 'Verificar la cadena' })).toBeVisible();
  await expectAccessible(page, 'audit log, dark, Spanish');
  await page.getByRole('button', { name: 'Bloquear' }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Este equipo está bloqueado' }),
  ).toBeVisible();
  await expectAccessible(page, 'lock screen, dark, Spanish');
  await page.getByLabel('Contraseña', { exact: true }).fill('not the password');
  await page.getByRole('button', { name: 'Desbloquear' }).click();
  await expect(alertText(page)).toContainText(
    'El nombre de usuario o la contraseña no son correctos.',
  );
  // Unlocked, the admin is back where she was.
  await page.getByLabel('Contraseña', { exact: true }).fill(adminPassword);
  await page.getByRole('button', { name: 'Desbloquear' }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Registro de auditoría' }),
  ).toBeVisible();
}
