import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { REPO_ROOT } from '../../support/keyring-sandbox';
import { expectAccessible } from './a11y';
import { expectUsableLayout } from './layout';

/**
 * A screen checked with axe (no violation of any impact), for 44 px touch targets and
 * for no sideways scrolling, and photographed at its viewport into test-results/screenshots.
 * With KEYHOLDER_SCREENSHOTS=docs/screenshots the main screens are also written there (the
 * README shows them).
 */
const SHOTS = join(REPO_ROOT, 'test-results/screenshots');
const DOCS = process.env.KEYHOLDER_SCREENSHOTS
  ? join(REPO_ROOT, process.env.KEYHOLDER_SCREENSHOTS)
  : null;
const MAIN_SCREENS = new Set([
  'first-run',
  'totp-enrollment',
  'recovery-codes',
  'sign-in',
  'sign-in-code',
  'change-password',
  'home-admin',
  'home-crew',
  'staff',
  'staff-manage',
  'audit-log',
  'my-account',
  'settings',
  'lock-dark',
  'home-admin-dark',
  'audit-log-dark',
  'sign-in-french',
  'connect',
  'connect-handover-plan',
  'settings-sync-offline',
  'admin-stores',
  'admin-analytics',
]);
for (const dir of [SHOTS, DOCS]) if (dir) mkdirSync(dir, { recursive: true });

export async function screen(page: Page, name: string): Promise<void> {
  await expectAccessible(page, name);
  await expectUsableLayout(page, name);
  const image = await page.screenshot({ path: join(SHOTS, `${name}.png`), animations: 'disabled' });
  if (DOCS && MAIN_SCREENS.has(name)) writeFileSync(join(DOCS, `${name}.png`), image);
}
