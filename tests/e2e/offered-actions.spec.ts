import type { Page } from '@playwright/test';
import { defaultPolicyDocument } from '../../common/policy/policy';
import type { Keyholder } from '../../electron/core/keyholder';
import { expectAccessible } from './support/a11y';
import { expect, test } from './support/fixtures';
import { seedStore, type SeededPerson } from './support/seed';
import { startE2eSyncServer } from './support/sync-server';
import { Authenticator } from './support/totp';
import { go, signInWithCode } from './support/ui';

/**
 * The staff screen offers a manager only what this PC lets her do
 * (common/rbac/offered-actions.ts, the decision the core makes too): on a PC connected to a sync
 * server, adding, disabling and resetting two-step sign-in are not offered, and the screen says
 * who does them; on a standalone PC she still does them. A reset on a locked account says it
 * unlocked it.
 */

/** A navigation button, whatever the language calls the navigation. */
async function nav(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation').getByRole('button', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
}

async function language(page: Page, settings: string, label: string, lang: 'es' | 'fr') {
  await nav(page, settings);
  await page.getByLabel(label, { exact: true }).selectOption(lang);
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
}

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

/** The crew member sets up two-step sign-in from My account, through the real core. */
async function enrollCrewTotp(kh: Keyholder, crew: SeededPerson): Promise<void> {
  const step = await kh.signIn.signIn(crew.username, crew.password);
  if (step.status !== 'signed_in') throw new Error(`unexpected ${step.status}`);
  const start = await kh.myAccount.beginTotpEnrollment(step.session.sessionId, crew.password);
  const phone = new Authenticator(start.manualKey);
  await kh.myAccount.confirmTotpEnrollment(step.session.sessionId, (await phone.nextCode()).code);
  kh.sessions.end(step.session.sessionId, 'signed_out');
}

test('a manager on a connected PC is not offered what the server does, and reads who does it (en, es, fr)', async ({
  app,
  page,
}) => {
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
    await server.createPerson({ name: 'Vic Viewer', role: 'viewer', stores: [store.body.id] });
    const code = await server.api<{ code: string }>(
      'POST',
      `/api/v1/stores/${store.body.id}/enrollment-codes`,
    );
    await app.kh.sync.connect(null, {
      serverUrl: server.url,
      code: code.body.code,
      deviceName: 'Maple front till',
    });

    await page.goto(app.url);
    await signInWithCode(page, mia.username, mia.password, mia.phone);
    await go(page, 'Staff');
    await expect(page.getByRole('button', { name: 'Add a person' })).toHaveCount(0);
    await expect(page.getByTestId('staff-create-elsewhere')).toHaveText(
      'On a computer connected to a sync server, people are added by an administrator on the server. Ask your administrator.',
    );
    await expectAccessible(page, 'staff, connected, manager');

    await page.getByRole('button', { name: 'Manage Vic Viewer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Manage Vic Viewer' });
    await expect(dialog.getByRole('button', { name: 'Reset password' })).toBeVisible();
    for (const name of ['Disable account', 'Reset two-step sign-in', 'Change role'])
      await expect(dialog.getByRole('button', { name })).toHaveCount(0);
    await expect(dialog.getByTestId('staff-elsewhere')).toHaveText(
      /an administrator disables people, changes roles and resets two-step sign-in on the server/,
    );
    await expectAccessible(page, 'manage dialog, connected, manager');
    await dialog.getByRole('button', { name: 'Close' }).last().click();

    await language(page, 'Settings', 'Language', 'es');
    await nav(page, 'Personal');
    await expect(page.getByTestId('staff-create-elsewhere')).toContainText(
      'las personas las añade un administrador en el servidor',
    );
    await page.getByRole('button', { name: 'Gestionar a Vic Viewer' }).click();
    await expect(page.getByTestId('staff-elsewhere')).toContainText(
      'un administrador da de baja a las personas',
    );
    await expectAccessible(page, 'manage dialog, connected, Spanish');
    await page.keyboard.press('Escape');

    await language(page, 'Ajustes', 'Idioma', 'fr');
    await nav(page, 'Personnel');
    await expect(page.getByTestId('staff-create-elsewhere')).toContainText(
      'les personnes sont ajoutées par un administrateur sur le serveur',
    );
    await expectAccessible(page, 'staff, connected, French');
    // The words in the dark theme too.
    await nav(page, 'Paramètres');
    await page.getByRole('radio', { name: 'Sombre' }).check();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await nav(page, 'Personnel');
    await page.getByRole('button', { name: 'Gérer Vic Viewer' }).click();
    await expect(page.getByTestId('staff-elsewhere')).toContainText(
      'un administrateur désactive les personnes',
    );
    await expectAccessible(page, 'manage dialog, connected, French, dark');
  } finally {
    await server.close();
  }
});

test('a manager on a standalone PC still adds, disables and resets; a reset on a locked account says it unlocked it', async ({
  app,
  page,
}) => {
  const { admin, manager, crew } = await seedStore(app.kh);
  await lowerCrewThreshold(app.kh, admin);
  await enrollCrewTotp(app.kh, crew);
  for (let i = 0; i < 3; i++)
    await expect(app.kh.signIn.signIn(crew.username, 'not her password')).rejects.toThrow();

  await page.goto(app.url);
  await signInWithCode(page, manager.username, manager.password, manager.phone!);
  await go(page, 'Staff');
  await expect(page.getByRole('button', { name: 'Add a person' })).toBeVisible();
  await expect(page.getByTestId('staff-create-elsewhere')).toHaveCount(0);
  await page.getByRole('button', { name: `Manage ${crew.name}` }).click();
  const dialog = page.getByRole('dialog', { name: `Manage ${crew.name}` });
  for (const name of [
    'Disable account',
    'Reset password',
    'Unlock account',
    'Reset two-step sign-in',
  ])
    await expect(dialog.getByRole('button', { name })).toBeVisible();
  await expect(dialog.getByTestId('staff-elsewhere')).toHaveCount(0);

  await dialog.getByRole('button', { name: 'Reset password' }).click();
  const confirm = page.getByRole('alertdialog', { name: `Reset the password of ${crew.name}?` });
  await expect(confirm).toContainText('resetting the password also unlocks it');
  await confirm.getByLabel('Your password').fill(manager.password);
  await confirm.getByRole('button', { name: 'Reset password' }).click();

  const secret = page.getByRole('dialog', { name: `Temporary password for ${crew.name}` });
  await expect(secret.getByTestId('temporary-unlocked')).toHaveText(
    `The account of ${crew.name} was locked after too many failed attempts. This reset unlocked it, so the temporary password works now.`,
  );
  await expectAccessible(page, 'temporary password, unlocked');
  const temporary = (await secret.getByTestId('temporary-password').textContent()) ?? '';
  // What the dialog says holds: no lock message; the temporary password is taken at once and
  // the authenticator code is asked next (then the forced change).
  expect((await app.kh.signIn.signIn(crew.username, temporary)).status).toBe('needs_totp');
  await secret.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('status').filter({ hasText: /\S/ })).toContainText(
    `A temporary password was issued for ${crew.name}, and their account is unlocked.`,
  );
});
