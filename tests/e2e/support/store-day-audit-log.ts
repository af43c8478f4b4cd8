import { readFile } from 'node:fs/promises';
import { expect, type Page } from '@playwright/test';
import { expectAccessible } from './a11y';
import { go } from './ui';

/**
 * The store day's audit-log checks (tests/e2e/store-day.spec.ts), run by the admin at the end of
 * the day: the log pages; filters find the replayed code and the crew member's whole story
 * (reset, forced change, lockout, unlock, idle lock) and the role change with its before and
 * after; a date range that ends yesterday is empty; the chain verifies; CSV and JSON export.
 */
export async function auditLogShowsTheDay(
  page: Page,
  crew: { username: string; name: string },
): Promise<void> {
  await go(page, 'Audit log');
  await expect(page.getByTestId('audit-count')).toHaveText(/Entries 1–20 of \d+/);
  await expectAccessible(page, 'audit log');
  const total = Number(
    (await page.getByTestId('audit-count').textContent())?.match(/of (\d+)/)?.[1],
  );
  expect(total).toBeGreaterThan(40);
  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(page.getByTestId('audit-count')).toHaveText(`Entries 21–40 of ${total}`);

  const rows = page.locator('tbody tr');
  // The replayed code.
  await page.getByLabel('Action').selectOption('auth.sign_in');
  await page.getByLabel('Outcome').selectOption('failure');
  await expect(rows.filter({ hasText: 'Why: an authenticator code already used' })).toHaveCount(1);
  // The crew member's story: reset, forced change, lockout, unlock, idle lock (all pages).
  await page.getByLabel('Action').selectOption('');
  await page.getByLabel('Outcome').selectOption('');
  await expect(page.getByTestId('audit-count')).toHaveText(/Entries 1–20 of \d+/);
  await page.getByLabel('Person').selectOption({ label: `${crew.name} (${crew.username})` });
  await expect(page.getByTestId('audit-count')).not.toHaveText(`Entries 1–20 of ${total}`);
  const story = await allRows(page);
  for (const action of [
    'Account created',
    'Temporary password issued',
    'Password changed',
    'Account locked out',
    'Account unlocked',
    'Session locked',
    'Session unlocked',
  ]) {
    expect(
      story.some((row) => row.includes(action)),
      action,
    ).toBe(true);
  }
  // Three wrong passwords at sign-in and one at the lock screen.
  expect(story.filter((row) => row.includes('Why: wrong password'))).toHaveLength(4);
  expect(story.filter((row) => row.includes('Why: the account is locked'))).toHaveLength(1);
  await page.getByLabel('Person').selectOption('');
  await page.getByLabel('Action').selectOption('account.role_change');
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('From: Crew · To: Manager');
  // A date range that ends yesterday has nothing.
  const yesterday = new Date(Date.now() - 86_400_000).toLocaleDateString('en-US', {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  });
  await page.getByLabel('To').fill(yesterday);
  await expect(page.getByTestId('audit-count')).toHaveText('No entries match these filters.');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page.getByTestId('audit-count')).toHaveText(/Entries 1–20 of \d+/);

  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByTestId('verify-result')).toHaveText(
    /The chain is intact: \d+ entries checked\./,
  );

  const csv = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const csvFile = await csv;
  expect(csvFile.suggestedFilename()).toMatch(/^keyholder-audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const csvText = await readFile((await csvFile.path()) ?? '', 'utf8');
  expect(csvText.split('\r\n')[0]).toBe(
    'seq,at,deviceId,actorName,action,targetName,outcome,details,hash',
  );
  expect(csvText).toContain('auth.lockout');

  const json = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON' }).click();
  const entries = JSON.parse(
    await readFile((await (await json).path()) ?? '', 'utf8'),
  ) as unknown[];
  expect(entries.length).toBeGreaterThan(40);
}

/** The text of every row of the audit log's current filter, page after page. */
async function allRows(page: Page): Promise<string[]> {
  const texts: string[] = [];
  const count = page.getByTestId('audit-count');
  for (;;) {
    texts.push(...(await page.locator('tbody tr').allTextContents()));
    const next = page.getByRole('button', { name: 'Next page' });
    if (await next.isDisabled()) return texts;
    const before = (await count.textContent()) ?? '';
    await next.click();
    await expect(count).not.toHaveText(before);
  }
}
