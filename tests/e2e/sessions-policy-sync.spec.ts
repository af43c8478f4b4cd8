import type { Page } from '@playwright/test';
import { defaultPolicyDocument } from '../../common/policy/policy';
import type { Keyholder } from '../../electron/core/keyholder';
import { expectAccessible } from './support/a11y';
import { expect, test } from './support/fixtures';
import { screen } from './support/screens';
import { seedStore, type SeededPerson } from './support/seed';
import { startE2eSyncServer } from './support/sync-server';
import { go, signIn, signInWithCode } from './support/ui';

/**
 * What a manager at the register sees of sessions, policy and sync, true to what the core does:
 * signing in again instead of Resume parks one session per person; a policy change says what
 * it changed, in words, in English, Spanish and French; the sync status never claims a time
 * already past, says why entries wait, and a revoked PC says it no longer syncs.
 */

async function nav(page: Page, label: string, name: string): Promise<void> {
  await page.getByRole('navigation', { name: label }).getByRole('button', { name }).click();
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
}

/** The step-up a standalone PC asks for before the first signed change, when it asks. */
async function confirmIfAsked(page: Page, password: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Confirm your password' });
  const saved = page.getByText(/Policy saved/);
  await expect(dialog.or(saved).first()).toBeVisible();
  if (await dialog.isVisible()) {
    await dialog.getByLabel('Your password').fill(password);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
  }
}

/** An admin elsewhere (through the real core) sets crew's idle lock to `minutes`. */
async function setCrewIdle(kh: Keyholder, admin: SeededPerson, minutes: number): Promise<void> {
  const first = await kh.signIn.signIn(admin.username, admin.password);
  if (first.status !== 'needs_totp') throw new Error(`unexpected ${first.status}`);
  const done = await kh.signIn.submitCode(first.challengeId, (await admin.phone!.nextCode()).code);
  if (done.status !== 'signed_in') throw new Error(`unexpected ${done.status}`);
  await kh.authority.unlock(done.session, admin.password);
  const { roles } = defaultPolicyDocument();
  kh.deviceAdmin.updatePolicy(done.session.sessionId, {
    roles: {
      ...roles,
      viewer: { profile: 'standard', overrides: { session: { idleLockMinutes: minutes } } },
    },
  });
  kh.sessions.end(done.session.sessionId, 'signed_out');
}

test('a shorter idle time set while crew is signed in locks her window at the new time', async ({
  app,
  page,
}) => {
  test.setTimeout(150_000);
  const { admin, crew } = await seedStore(app.kh);
  await page.goto(app.url);
  await signIn(page, crew.username, crew.password);
  await expect(page.getByRole('heading', { level: 1, name: `Hello, ${crew.name}` })).toBeVisible();
  const idleSince = Date.now();
  // Her session started under 15 minutes; the policy now says 1.
  await setCrewIdle(app.kh, admin, 1);
  await expect(
    page.getByRole('heading', { level: 1, name: 'This computer is locked' }),
  ).toBeVisible({ timeout: 90_000 });
  const waited = Date.now() - idleSince;
  expect(waited).toBeGreaterThanOrEqual(55_000);
  expect(waited).toBeLessThan(90_000);
  const [lock] = app.kh.audit.query({ action: 'auth.session_lock' }).entries;
  expect(lock).toMatchObject({ actorName: crew.username, details: { reason: 'idle' } });
  await expectAccessible(page, 'locked after the new idle time');
});

test('signing in again instead of Resume leaves one parked session per person', async ({
  app,
  page,
}) => {
  const { admin, crew } = await seedStore(app.kh);
  await page.goto(app.url);
  for (let i = 0; i < 4; i++) {
    await signIn(page, crew.username, crew.password);
    await expect(
      page.getByRole('heading', { level: 1, name: `Hello, ${crew.name}` }),
    ).toBeVisible();
    await page.getByRole('button', { name: 'Switch user' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  }
  const parked = page.getByRole('region', { name: 'Also signed in on this computer' });
  await expect(parked.getByRole('listitem')).toHaveCount(1);
  await expect(parked).toContainText('Signing in again ends your earlier session.');
  await expect(
    parked.getByRole('button', { name: `Resume the session of ${crew.name}` }),
  ).toHaveCount(1);
  await screen(page, 'sign-in-one-parked-session');

  // The admin reads why the earlier sessions ended.
  await signInWithCode(page, admin.username, admin.password, admin.phone!);
  await go(page, 'Audit log');
  await page.getByLabel('Action').selectOption('auth.session_expired');
  const table = page.getByRole('table', { name: 'Audit log' });
  await expect(table.locator('tbody tr')).toHaveCount(3);
  await expect(table.locator('tbody tr').first()).toContainText(
    'Why: the same person signed in again',
  );
  await expectAccessible(page, 'audit log, sessions replaced');
});

test('a policy change says what it changed, before and after, in three languages', async ({
  app,
  page,
}) => {
  const { admin } = await seedStore(app.kh);
  await page.goto(app.url);
  await signInWithCode(page, admin.username, admin.password, admin.phone!);
  await go(page, 'Settings');
  await page.getByLabel('Role to change').selectOption('viewer');
  await page.getByLabel('Lock the screen when idle for (minutes)').fill('5');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await confirmIfAsked(page, admin.password);
  await expect(page.getByText(/Policy saved/)).toBeVisible();

  await go(page, 'Audit log');
  await page.getByLabel('Action').selectOption('policy.change');
  const row = page.getByRole('table', { name: 'Audit log' }).locator('tbody tr').first();
  await expect(row).toContainText('Changed: Crew: idle lock after 15 minutes → 5 minutes');
  await expect(row).not.toContainText('Before:');
  await screen(page, 'audit-log-policy-change');

  const words = [
    ['es', 'Principal', 'Registro de auditoría', 'Ajustes', 'Idioma'],
    ['fr', 'Principale', "Journal d'audit", 'Paramètres', 'Langue'],
  ] as const;
  const expected = {
    es: 'Cambios: Equipo: bloqueo por inactividad tras 15 minutos → 5 minutos',
    fr: 'Modifié : Équipier: verrouillage après inactivité de 15 minutes → 5 minutes',
  };
  let settings = 'Settings';
  let language = 'Language';
  let main = 'Main';
  for (const [lang, mainLabel, audit, settingsName, languageLabel] of words) {
    await nav(page, main, settings);
    await page.getByLabel(language, { exact: true }).selectOption(lang);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    [main, settings, language] = [mainLabel, settingsName, languageLabel];
    await nav(page, main, audit);
    const table = page.getByRole('table', { name: audit });
    await expect(table.locator('tbody tr').first()).toBeVisible();
    await expect(table).toContainText(expected[lang]);
    await expectAccessible(page, `audit log, policy change, ${lang}`);
  }
});

test('sync status: what waits and why, the next try never past, and a revoked PC', async ({
  app,
  page,
}) => {
  test.setTimeout(180_000);
  const server = await startE2eSyncServer();
  try {
    const store = await server.api<{ id: string }>('POST', '/api/v1/stores', {
      name: 'Maple Street',
      brand: 'Northwind',
    });
    const mia = await server.createPerson({
      name: 'Mia Manager',
      role: 'manager',
      stores: [store.body.id],
    });
    const code = await server.api<{ code: string }>(
      'POST',
      `/api/v1/stores/${store.body.id}/enrollment-codes`,
    );
    await page.goto(app.url);
    await page.getByRole('button', { name: /Connect to our sync server/ }).click();
    await page.getByLabel('Server address').fill(server.url);
    await page.getByLabel('Enrollment code').fill(code.body.code);
    await page.getByLabel('Name of this computer').fill('Front till');
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect(page.getByTestId('sync-footer')).toContainText('Synced');

    // Signed in right after a good sync: the sign-in itself is new, not stuck.
    await signInWithCode(page, mia.username, mia.password, mia.phone);
    const pill = page.getByTestId('sync-indicator');
    await expect(pill).toContainText('Synced');
    await expect(pill).toContainText('1 for the next sync');
    await expect(pill).not.toContainText('waiting');
    await go(page, 'Settings');
    // A connected PC shows each role's offline bounds beside the rest of the policy.
    await expect(
      page.getByRole('row', { name: /^Signs people in without reaching the server.*\d+ h/ }),
    ).toBeVisible();
    await expect(
      page.getByRole('row', { name: /^Sign-ins without reaching the server, at most \d+/ }),
    ).toBeVisible();
    await expect(page.getByTestId('sync-pending-note')).toHaveText(
      '1 entry was recorded after the last sync (a sign-in, for example) and will upload at the next one.',
    );
    await expect(page.getByTestId('sync-next')).toHaveText(/\(in [45] minutes\)$/);
    await screen(page, 'settings-sync-new-entry');
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(page.getByTestId('sync-pending')).toHaveText('0');
    await expect(pill).not.toContainText('for the next sync');
    await expect(page.getByTestId('sync-pending-note')).toHaveCount(0);

    // Offline: the next try, always ahead (read again as each try falls due), never "ago".
    server.proxy.down = true;
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(page.getByTestId('sync-state')).toHaveText(/Offline/);
    await expect(page.getByText('Next try')).toBeVisible();
    await expect(page.getByTestId('sync-next')).toHaveText(/\(in \d+ seconds?\)$/);
    for (let i = 0; i < 6; i++) {
      const facts = (await page.getByTestId('sync-facts').textContent()) ?? '';
      expect(facts).not.toMatch(/ ago\)/);
      expect(facts).not.toContain('Next automatic sync');
      await page.waitForTimeout(2_000);
    }
    await screen(page, 'settings-sync-next-try');

    // Written while offline, then the PC is revoked: those entries can never go up as it is.
    await page.getByRole('button', { name: 'Lock' }).click();
    await page.getByLabel('Password', { exact: true }).fill(mia.password);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    server.proxy.down = false;
    const revoked = await server.api('POST', `/api/v1/devices/${app.kh.deviceId}/revoke`);
    expect(revoked.status).toBe(200);
    // The retry scheduled while offline may learn of it first (the button then goes away);
    // otherwise Sync now asks at once. Either way the screen must say so.
    await page
      .getByRole('button', { name: 'Sync now' })
      .click({ timeout: 2_000 })
      .catch(() => undefined);
    await expect(page.getByTestId('sync-state')).toHaveText(/Disconnected by an administrator/);
    const held = app.kh.sync.status().pendingEntries;
    expect(held).toBeGreaterThanOrEqual(2);
    await expect(page.getByTestId('sync-revoked-note')).toContainText(
      'it no longer syncs. What it recorded and was not uploaded stays here',
    );
    await expect(page.getByTestId('sync-next')).toHaveText('None: this computer no longer syncs');
    await expect(page.getByRole('button', { name: 'Sync now' })).toHaveCount(0);
    await expect(pill).toContainText(`${held} not uploaded`);
    expect(app.kh.sync.status().nextSyncAt).toBeNull();
    await screen(page, 'settings-sync-revoked');

    // Dark, then Spanish and French.
    await page.getByRole('radio', { name: 'Dark' }).check();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await screen(page, 'settings-sync-revoked-dark');
    await page.getByLabel('Language', { exact: true }).selectOption('es');
    await expect(page.getByTestId('sync-revoked-note')).toContainText('ya no se sincroniza');
    await expect(pill).toContainText(`${held} sin subir`);
    await expectAccessible(page, 'sync revoked, Spanish, dark');
    await page.getByLabel('Idioma', { exact: true }).selectOption('fr');
    await expect(page.getByTestId('sync-revoked-note')).toContainText('il ne se synchronise plus');
    await expect(page.getByTestId('sync-next')).toHaveText(
      'Aucune : cet ordinateur ne se synchronise plus',
    );
    await expectAccessible(page, 'sync revoked, French, dark');
  } finally {
    await server.close();
  }
});
