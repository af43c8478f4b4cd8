import { expect, test } from './support/fixtures';
import { screen } from './support/screens';
import { seedStore } from './support/seed';
import { startKeyholderApp } from './support/keyholder-app';
import { startE2eSyncServer } from './support/sync-server';
import {
  alertText,
  enterCode,
  go,
  manualKey,
  signIn,
  signInWithCode,
  signOut,
  statusText,
  confirmPassword,
} from './support/ui';
import { Authenticator } from './support/totp';

/**
 * Every screen, checked with axe (no serious or critical violation), for 44 px touch targets
 * and for no sideways scrolling, and photographed (see support/screens.ts).
 */
test('first run, enrollment, recovery codes, and a page opened without the token', async ({
  app,
  page,
}) => {
  await page.goto(app.shell.origin);
  await expect(
    page.getByRole('heading', { level: 1, name: 'Keyholder is not connected' }),
  ).toBeVisible();
  await screen(page, 'not-connected');

  await page.goto(app.url);
  await expect(page.getByRole('button', { name: /Connect to our sync server/ })).toBeVisible();
  await screen(page, 'first-run-choice');
  await page.getByRole('button', { name: /Set up this computer on its own/ }).click();
  await page.getByLabel('Store name').fill('Maple Street');
  await page.getByLabel('Brand name').fill('Northwind Coffee');
  await page.getByLabel('Full name').fill('Ada Admin');
  await page.getByLabel('Username').fill('ada.admin');
  await page.getByLabel('Password', { exact: true }).fill('northwind2024');
  await expect(page.getByTestId('password-feedback')).toContainText('northwind');
  await screen(page, 'first-run');
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery staple');
  await page.getByLabel('Confirm password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Create administrator' }).click();
  const phone = new Authenticator(await manualKey(page));
  await screen(page, 'totp-enrollment');
  await page.getByLabel('Authentication code').fill((await phone.nextCode()).code);
  await page.getByRole('button', { name: 'Confirm code' }).click();
  await expect(page.getByTestId('recovery-codes')).toBeVisible();
  await screen(page, 'recovery-codes');
});

test('the admin screens, light and dark', async ({ app, page }) => {
  const { admin } = await seedStore(app.kh);
  await page.goto(app.url);
  await screen(page, 'sign-in');
  await signIn(page, admin.username, 'not the password');
  await expect(alertText(page)).toBeVisible();
  await screen(page, 'sign-in-error');
  await signIn(page, admin.username, admin.password);
  await expect(page.getByLabel('Authentication code')).toBeFocused();
  await screen(page, 'sign-in-code');
  await enterCode(page, (await admin.phone!.nextCode()).code);

  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Ada Admin' })).toBeVisible();
  await screen(page, 'home-admin');
  await go(page, 'Staff');
  await expect(page.getByTestId(/^staff-row-/)).toHaveCount(6);
  await screen(page, 'staff');
  await page.getByRole('button', { name: 'Manage Vera Crew' }).click();
  await expect(page.getByRole('dialog', { name: 'Manage Vera Crew' })).toBeVisible();
  await screen(page, 'staff-manage');
  await page.keyboard.press('Escape');
  await go(page, 'Audit log');
  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByTestId('verify-result')).toContainText('The chain is intact');
  await screen(page, 'audit-log');
  await go(page, 'My account');
  await expect(page.getByText('Two-step sign-in is on.')).toBeVisible();
  await screen(page, 'my-account');
  await go(page, 'Settings');
  await expect(page.getByTestId('app-version')).toHaveText('0.1.0');
  await screen(page, 'settings');

  await page.getByRole('radio', { name: 'Dark' }).check();
  await go(page, 'Home');
  await screen(page, 'home-admin-dark');
  await go(page, 'Staff');
  await expect(page.getByTestId(/^staff-row-/)).toHaveCount(6);
  await screen(page, 'staff-dark');
  await go(page, 'Audit log');
  await expect(page.getByTestId('audit-count')).toContainText('Entries');
  await screen(page, 'audit-log-dark');
  await go(page, 'Settings');
  await screen(page, 'settings-dark');
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'This computer is locked' }),
  ).toBeVisible();
  await screen(page, 'lock-dark');
});

test('crew: forced change, home, and two-step sign-in on, new codes, off in My account', async ({
  app,
  page,
}) => {
  const { pending } = await seedStore(app.kh);
  const kim = pending.find((p) => p.username === 'kim.crew')!;
  const password = 'paper lantern river song';
  await page.goto(app.url);
  await signIn(page, kim.username, kim.temporaryPassword);
  await page.getByLabel('New password', { exact: true }).fill('kim123');
  await expect(page.getByTestId('password-feedback')).toContainText('Use at least 12 characters.');
  await screen(page, 'change-password');
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('Confirm new password').fill(password);
  await page.getByRole('button', { name: 'Save new password' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Kim Crew' })).toBeVisible();
  await screen(page, 'home-crew');

  await go(page, 'My account');
  await expect(page.getByText('Two-step sign-in is off.')).toBeVisible();
  const twoStep = page.getByRole('region', { name: 'Two-step sign-in' });
  await twoStep.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
  await twoStep.getByLabel('Current password').fill('wrong password!');
  await twoStep.getByRole('button', { name: 'Continue' }).click();
  await expect(alertText(page)).toContainText('The username or password is not right.');
  await twoStep.getByLabel('Current password').fill(password);
  await twoStep.getByRole('button', { name: 'Continue' }).click();
  const phone = new Authenticator(await manualKey(page));
  await screen(page, 'my-account-totp');
  await page.getByLabel('Authentication code').fill((await phone.nextCode()).code);
  await page.getByRole('button', { name: 'Confirm code' }).click();
  await expect(page.getByTestId('recovery-codes')).toBeVisible();
  await page.getByLabel('I have saved them').check();
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByText('Two-step sign-in is on.')).toBeVisible();
  await expect(page.getByText('Recovery codes left: 10.')).toBeVisible();

  await twoStep.getByRole('button', { name: 'Get new recovery codes' }).click();
  await twoStep.getByLabel('Current password').fill(password);
  await twoStep.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByTestId('recovery-codes')).toBeVisible();
  await page.getByLabel('I have saved them').check();
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(statusText(page)).toContainText('Your new recovery codes are active');

  await twoStep.getByRole('button', { name: 'Turn off two-step sign-in' }).click();
  await twoStep.getByLabel('Current password').fill(password);
  await twoStep.getByLabel('Authentication code').fill((await phone.nextCode()).code);
  await screen(page, 'my-account-totp-off');
  await twoStep.getByRole('button', { name: 'Turn off two-step sign-in' }).click();
  await expect(statusText(page)).toContainText('Two-step sign-in is off.');

  // Signing in again asks for no code.
  await signOut(page);
  await signIn(page, kim.username, password);
  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Kim Crew' })).toBeVisible();
});

test('keyboard only: sign in, navigate, a dialog traps focus and Escape returns it', async ({
  app,
  page,
}) => {
  const { admin } = await seedStore(app.kh);
  await page.goto(app.url);
  // The username field has the focus; Tab goes to the password, Enter submits.
  await expect(page.getByLabel('Username')).toBeFocused();
  await page.keyboard.type(admin.username);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Password', { exact: true })).toBeFocused();
  await page.keyboard.type(admin.password);
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Authentication code')).toBeFocused();
  await page.keyboard.type((await admin.phone!.nextCode()).code);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Ada Admin' })).toBeFocused();

  // Logical order backwards from the heading: navigation, session buttons, then the skip link.
  const order: string[] = [];
  for (let i = 0; i < 9; i += 1) {
    await page.keyboard.press('Shift+Tab');
    order.push(((await page.locator(':focus').textContent()) ?? '').trim());
  }
  expect(order).toEqual([
    'Settings',
    'My account',
    'Audit log',
    'Staff',
    'Home',
    'Sign out',
    'Switch user',
    'Lock',
    'Skip to main content',
  ]);
  const tabTo = async (name: string) => {
    for (let i = 0; i < 15; i += 1) {
      await page.keyboard.press('Tab');
      if (((await page.locator(':focus').textContent()) ?? '').trim() === name) return;
    }
    throw new Error(`Tab never reached "${name}"`);
  };
  await tabTo('Staff');
  const staffLink = page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: 'Staff' });
  await expect(staffLink).toHaveCSS('outline-style', 'solid');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Staff' })).toBeFocused();

  await tabTo('Add a person');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Add a person' });
  await expect(dialog.getByLabel('Full name')).toBeFocused();
  for (let i = 0; i < 12; i += 1) {
    await page.keyboard.press('Tab');
    await expect(dialog.locator(':focus')).toHaveCount(1);
  }
  await dialog.getByLabel('Full name').focus();
  await page.keyboard.press('Shift+Tab');
  await expect(dialog.getByRole('button', { name: 'Create account' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add a person' })).toBeFocused();
});

test('a clock set back pauses crew sign-in until the admin confirms the time', async ({ page }) => {
  let offset = 0;
  const { startKeyholderApp } = await import('./support/keyholder-app');
  const app = await startKeyholderApp({
    clock: { nowMs: () => Date.now() + offset, monotonicMs: () => performance.now() },
  });
  try {
    const { admin, crew } = await seedStore(app.kh);
    offset = -60 * 60_000; // someone sets the PC's clock back an hour
    await page.goto(app.url);
    await signIn(page, crew.username, crew.password);
    await expect(alertText(page)).toContainText('clock was set back, so sign-in is paused');
    await screen(page, 'sign-in-clock-problem');

    // Admins may still sign in, to fix it.
    await signInWithCode(page, admin.username, admin.password, admin.phone!);
    const banner = page.getByTestId('time-banner');
    await expect(banner).toContainText('The clock of this computer was set back.');
    await screen(page, 'home-clock-problem');
    await banner.getByRole('button', { name: 'Confirm the clock is right' }).click();
    await expect(banner).toHaveCount(0);
    await expect(statusText(page)).toContainText('the time is confirmed');
    await signOut(page);
    await signIn(page, crew.username, crew.password);
    await expect(page.getByRole('heading', { level: 1, name: 'Hello, Vera Crew' })).toBeVisible();
  } finally {
    await app.close();
  }
});

test('French: every label of the sign-in in French, lang="fr"', async ({ app, page }) => {
  await seedStore(app.kh);
  await page.addInitScript(() => localStorage.setItem('keyholder.language', 'fr'));
  await page.goto(app.url);
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('heading', { level: 1, name: 'Connexion' })).toBeVisible();
  await page.getByLabel("Nom d'utilisateur").fill('vera.crew');
  await page.getByLabel('Mot de passe').fill('wrong password!');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(alertText(page)).toHaveText(
    "Le nom d'utilisateur ou le mot de passe est incorrect.",
  );
  await screen(page, 'sign-in-french');
});

test('disable and enable an account, reset two-step sign-in; a disabled person cannot sign in', async ({
  app,
  page,
}) => {
  const { admin, manager } = await seedStore(app.kh);
  await page.goto(app.url);
  await signInWithCode(page, admin.username, admin.password, admin.phone!);
  await go(page, 'Staff');
  const row = page.getByTestId(`staff-row-${manager.username}`);
  await expect(row).toContainText('Two-step on');

  await page.getByRole('button', { name: `Manage ${manager.name}` }).click();
  await page.getByRole('button', { name: 'Reset two-step sign-in' }).click();
  const confirm2fa = page.getByRole('alertdialog', {
    name: `Reset two-step sign-in for ${manager.name}?`,
  });
  await screen(page, 'staff-confirm');
  await confirm2fa.getByRole('button', { name: 'Reset two-step sign-in' }).click();
  await confirmPassword(page, admin.password);
  await expect(statusText(page)).toContainText(`Two-step sign-in was reset for ${manager.name}.`);
  await expect(row).toContainText('Two-step off');

  await page.getByRole('button', { name: `Manage ${manager.name}` }).click();
  await page.getByRole('button', { name: 'Disable account' }).click();
  await page
    .getByRole('alertdialog', { name: `Disable the account of ${manager.name}?` })
    .getByRole('button', { name: 'Disable account' })
    .click();
  await expect(statusText(page)).toContainText(`The account of ${manager.name} is disabled.`);
  await expect(row).toContainText('Disabled');

  await signOut(page);
  await signIn(page, manager.username, manager.password);
  await expect(alertText(page)).toContainText('This account is disabled. Ask your manager.');

  await signInWithCode(page, admin.username, admin.password, admin.phone!);
  await go(page, 'Staff');
  await page.getByRole('button', { name: `Manage ${manager.name}` }).click();
  await page.getByRole('button', { name: 'Enable account' }).click();
  await confirmPassword(page, admin.password); // a new session: its key is opened anew
  await expect(statusText(page)).toContainText(`The account of ${manager.name} is enabled again.`);
  await signOut(page);
  // Enabled again, and with 2FA reset a manager must enroll anew.
  await signIn(page, manager.username, manager.password);
  await expect(
    page.getByRole('heading', { level: 1, name: 'Set up two-step sign-in' }),
  ).toBeVisible();
});

test('a PC enrolled with a sync server: the policy is read-only; past the offline bound sign-in stops', async ({
  page,
}) => {
  // A real server, and a PC whose clock can be moved on (time passes: wall and monotonic).
  const server = await startE2eSyncServer();
  const passed = { ms: 0 };
  const pc = await startKeyholderApp({
    clock: {
      nowMs: () => Date.now() + passed.ms,
      monotonicMs: () => performance.now() + passed.ms,
    },
  });
  try {
    const store = (
      await server.api<{ id: string }>('POST', '/api/v1/stores', {
        name: 'Maple Street',
        brand: 'Northwind',
      })
    ).body.id;
    const manager = await server.createPerson({
      name: 'Mia Manager',
      role: 'manager',
      stores: [store],
    });
    const crew = await server.createPerson({ name: 'Cal Crew', role: 'viewer', stores: [store] });
    const code = (
      await server.api<{ code: string }>('POST', `/api/v1/stores/${store}/enrollment-codes`)
    ).body.code;
    await pc.kh.sync.connect(null, { serverUrl: server.url, code, deviceName: 'Front till' });
    await page.goto(pc.url);
    await signInWithCode(page, manager.username, manager.password, manager.phone);
    await go(page, 'Settings');
    await expect(
      page.getByText('This computer takes its policy from the sync server.'),
    ).toBeVisible();
    await expect(page.getByRole('button', { name: 'Save policy' })).toHaveCount(0);
    await expect(page.getByText('Managed by the sync server')).toBeVisible();
    await signOut(page);

    // The network goes, and four days pass (the Standard bound is 72 hours).
    server.proxy.down = true;
    passed.ms = 96 * 3_600_000;
    await signIn(page, crew.username, crew.password);
    await expect(alertText(page)).toContainText(
      'has not reached the sync server for more than 72 hours',
    );
    await screen(page, 'sign-in-offline-limit');
  } finally {
    await pc.close();
    await server.close();
  }
});
