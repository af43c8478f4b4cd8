import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { startKeyholderApp, type KeyholderApp } from './support/keyholder-app';
import { auditLogShowsTheDay } from './support/store-day-audit-log';
import { darkModeAndSpanish } from './support/store-day-dark-spanish';
import { firstRun } from './support/store-day-first-run';
import { Authenticator } from './support/totp';
import {
  alertText,
  enterCode,
  go,
  manualKey,
  saveRecoveryCodes,
  signIn,
  signInWithCode,
  signOut,
  statusText,
  confirmPassword,
} from './support/ui';

/**
 * A day at the store, in order, through the real UI against the real core: first run, sign in
 * with TOTP, a replayed code, the manager's work, a forced password change, a lockout, the idle
 * lock, and at the end the audit log that recorded all of it. The steps share one Keyholder
 * and one page, so they run in series; each step checks the screens it visits with axe. The
 * longest steps' bodies live in support/store-day-first-run.ts, support/store-day-audit-log.ts
 * and support/store-day-dark-spanish.ts.
 */
test.describe.configure({ mode: 'serial' });

const ADMIN = {
  username: 'ada.admin',
  name: 'Ada Admin',
  password: 'correct horse battery staple',
};
const MANAGER = {
  username: 'max.manager',
  name: 'Max Manager',
  password: 'orange kayak thunder 42',
};
const CREW = { username: 'vera.crew', name: 'Vera Crew', password: 'lilac violin morning tea' };

let app: KeyholderApp;
let page: Page;
let adminPhone: Authenticator;
let managerPhone: Authenticator;
let adminRecoveryCodes: string[] = [];
/** Script errors and console errors (a CSP violation is one) seen during the whole day. */
const problems: string[] = [];

test.beforeAll(async ({ browser }) => {
  app = await startKeyholderApp();
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  // The page's timers run on a clock the test can move (idle lock); it ticks in real time.
  await page.clock.install();
});

test.afterAll(async () => {
  await page?.context().close();
  await app?.close();
});

test('first run: policy profile, first admin, TOTP enrollment, recovery codes', async () => {
  ({ phone: adminPhone, recoveryCodes: adminRecoveryCodes } = await firstRun(page, app.url, ADMIN));
});

test('the admin lowers the crew lockout threshold and idle time in the policy editor', async () => {
  await go(page, 'Settings');
  await expect(
    page.getByRole('heading', { level: 2, name: 'Password and sign-in policy' }),
  ).toBeVisible();
  await page.getByLabel('Role to change').selectOption('viewer');
  await page.getByLabel('Lock after this many failed attempts').fill('3');
  await page.getByLabel('Lock the screen when idle for (minutes)').fill('1');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await expect(statusText(page)).toContainText('Policy saved (version 3).');
  await expect(page.getByRole('table').filter({ hasText: 'Policy version 3' })).toContainText(
    '1 min',
  );
  await expectAccessible(page, 'settings');
});

test('sign out, sign in with TOTP; a replayed code is refused; a recovery code works', async () => {
  await signOut(page);
  await expectAccessible(page, 'sign-in');
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(
    page.getByRole('heading', { level: 1, name: 'Enter your authentication code' }),
  ).toBeVisible();
  await expectAccessible(page, 'authentication code');
  const { code } = await adminPhone.nextCode();
  await enterCode(page, code);
  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Ada Admin' })).toBeVisible();

  // The same code again, in a new sign-in: refused, whatever the clock says.
  await signOut(page);
  await signIn(page, ADMIN.username, ADMIN.password);
  await enterCode(page, code);
  await expect(alertText(page)).toContainText('That code has already been used.');
  await expectAccessible(page, 'authentication code, refused');

  // No new code yet: use a saved recovery code instead.
  await page.getByRole('button', { name: 'Use a recovery code' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Use a recovery code' })).toBeVisible();
  await page.getByLabel('Recovery code').fill(adminRecoveryCodes[0] ?? '');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Ada Admin' })).toBeVisible();
  await expect(page.getByText('You have 9 recovery codes left')).toBeVisible();
});

let managerTemp = '';
let crewTemp = '';

test('the admin adds a person and makes him a manager (confirmed)', async () => {
  await go(page, 'Staff');
  await page.getByRole('button', { name: 'Add a person' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a person' });
  await expect(dialog.getByLabel('Full name')).toBeFocused();
  await expectAccessible(page, 'add a person');
  await dialog.getByLabel('Full name').fill(MANAGER.name);
  await dialog.getByLabel('Username').fill(MANAGER.username);
  await dialog.getByLabel('Role').selectOption('viewer');
  await dialog.getByRole('button', { name: 'Create account' }).click();

  // Her session began at sign-in, not at setup: the first signed change asks for her password.
  const stepUp = page.getByRole('dialog', { name: 'Confirm your password' });
  await expect(stepUp.getByLabel('Your password')).toBeFocused();
  await expectAccessible(page, 'confirm your password');
  await stepUp.getByLabel('Your password').fill('not my password at all');
  await stepUp.getByRole('button', { name: 'Confirm' }).click();
  await expect(stepUp.getByRole('alert')).toHaveText('The username or password is not right.');
  await expect(stepUp.getByLabel('Your password')).toHaveValue('');
  await confirmPassword(page, ADMIN.password);

  const secret = page.getByRole('dialog', { name: `Temporary password for ${MANAGER.name}` });
  managerTemp = (await secret.getByTestId('temporary-password').textContent()) ?? '';
  expect(managerTemp).toMatch(/^[A-Za-z0-9]{16}$/);
  await expectAccessible(page, 'temporary password');
  await secret.getByRole('button', { name: 'Done' }).click();
  await expect(statusText(page)).toContainText(`Account created for ${MANAGER.name}.`);

  // Search narrows the list.
  await page.getByLabel('Search staff').fill('max');
  await expect(page.getByTestId(/^staff-row-/)).toHaveCount(1);
  await page.getByLabel('Search staff').fill('');
  await expect(page.getByTestId(/^staff-row-/)).toHaveCount(2);
  await expectAccessible(page, 'staff');

  await page.getByRole('button', { name: `Manage ${MANAGER.name}` }).click();
  const manage = page.getByRole('dialog', { name: `Manage ${MANAGER.name}` });
  await manage.getByLabel('New role').selectOption('manager');
  await manage.getByRole('button', { name: 'Change role' }).click();
  const confirm = page.getByRole('alertdialog', { name: `Change the role of ${MANAGER.name}?` });
  await expect(confirm).toContainText('goes from Crew to Manager');
  await expectAccessible(page, 'confirm role change');
  await confirm.getByRole('button', { name: 'Change role' }).click();
  await expect(statusText(page)).toContainText(`${MANAGER.name} is now Manager.`);
  await expect(page.getByTestId(`staff-row-${MANAGER.username}`)).toContainText('Manager');
});

test('the new manager changes his temporary password, enrolls TOTP, adds and resets crew', async () => {
  await signOut(page);
  await signIn(page, MANAGER.username, managerTemp);
  await expect(
    page.getByRole('heading', { level: 1, name: 'Choose a new password' }),
  ).toBeVisible();
  await expect(page.getByText('You signed in with a temporary password.')).toBeVisible();
  const feedback = page.getByTestId('password-feedback');
  await page.getByLabel('New password', { exact: true }).fill('max.manager!');
  await expect(feedback).toContainText('Don\'t use "manager"');
  // A manager's floor, not crew's: the form judges with the rules the core sent for Max.
  await page.getByLabel('New password', { exact: true }).fill('rainbowfish1');
  await expect(feedback).toContainText('This password is too easy to guess.');
  await expect(feedback.locator('.strength-text')).toHaveText('Weak');
  await expectAccessible(page, 'forced password change');
  await page.getByLabel('New password', { exact: true }).fill(MANAGER.password);
  await page.getByLabel('Confirm new password').fill(MANAGER.password);
  await page.getByRole('button', { name: 'Save new password' }).click();

  // Managers need two-step sign-in: enrollment follows at once.
  await expect(
    page.getByRole('heading', { level: 1, name: 'Set up two-step sign-in' }),
  ).toBeVisible();
  managerPhone = new Authenticator(await manualKey(page));
  await page.getByLabel('Authentication code').fill((await managerPhone.nextCode()).code);
  await page.getByRole('button', { name: 'Confirm code' }).click();
  await saveRecoveryCodes(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Max Manager' })).toBeVisible();
  await expectAccessible(page, 'manager home');

  await go(page, 'Staff');
  await page.getByRole('button', { name: 'Add a person' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a person' });
  // A manager can only add crew.
  await expect(dialog.getByLabel('Role').locator('option')).toHaveText(['Crew']);
  await dialog.getByLabel('Full name').fill(CREW.name);
  await dialog.getByLabel('Username').fill(CREW.username);
  await dialog.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Done' }).click();
  // Managers cannot act on the admin.
  await expect(page.getByRole('button', { name: `Manage ${ADMIN.name}` })).toHaveCount(0);

  await page.getByRole('button', { name: `Manage ${CREW.name}` }).click();
  await page.getByRole('button', { name: 'Reset password' }).click();
  const confirm = page.getByRole('alertdialog', { name: `Reset the password of ${CREW.name}?` });
  // Escape cancels back to the actions; the reset has not happened.
  await page.keyboard.press('Escape');
  await expect(confirm).toHaveCount(0);
  await page.getByRole('button', { name: 'Reset password' }).click();
  // The manager confirms with her own password (it signs the change); a wrong one stays here.
  await confirm.getByLabel('Your password').fill('not my password');
  await confirm.getByRole('button', { name: 'Reset password' }).click();
  await expect(confirm.getByRole('alert')).toContainText('The username or password is not right.');
  await confirm.getByLabel('Your password').fill(MANAGER.password);
  await confirm.getByRole('button', { name: 'Reset password' }).click();
  const secret = page.getByRole('dialog', { name: `Temporary password for ${CREW.name}` });
  crewTemp = (await secret.getByTestId('temporary-password').textContent()) ?? '';
  expect(crewTemp).toMatch(/^[A-Za-z0-9]{16}$/);
  await secret.getByRole('button', { name: 'Done' }).click();
  await expect(statusText(page)).toContainText(`A temporary password was issued for ${CREW.name}.`);
  await expect(page.getByTestId(`staff-row-${CREW.username}`)).toContainText(
    'Must change password',
  );
});

test('the crew member must change her reset password before anything else', async () => {
  await signOut(page);
  await signIn(page, CREW.username, crewTemp);
  await expect(
    page.getByRole('heading', { level: 1, name: 'Choose a new password' }),
  ).toBeVisible();
  // The core is the judge: reusing the temporary password is refused with the rule in words.
  await page.getByLabel('New password', { exact: true }).fill(crewTemp);
  await page.getByLabel('Confirm new password').fill(crewTemp);
  await page.getByRole('button', { name: 'Save new password' }).click();
  await expect(alertText(page)).toContainText(
    'Choose a password different from your previous one.',
  );
  await page.getByLabel('New password', { exact: true }).fill(CREW.password);
  await page.getByLabel('Confirm new password').fill(CREW.password);
  await page.getByRole('button', { name: 'Save new password' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Vera Crew' })).toBeVisible();
  // Crew see their own things only.
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('button')).toHaveText(['Home', 'My account', 'Settings']);
  await expectAccessible(page, 'crew home');
  await signOut(page);
});

test('three wrong passwords lock the crew account, with the wait shown; a manager unlocks it', async () => {
  for (let i = 0; i < 3; i += 1) {
    await signIn(page, CREW.username, 'not her password at all');
    await expect(alertText(page)).toContainText('The username or password is not right.');
  }
  await signIn(page, CREW.username, CREW.password);
  await expect(alertText(page)).toContainText('Too many failed attempts. This account is locked');
  await expect(page.getByTestId('retry-wait')).toHaveText(/You can try again in 1[45]:[0-5]\d\./);
  const first = await page.getByTestId('retry-wait').textContent();
  await expect(page.getByTestId('retry-wait')).not.toHaveText(first ?? '');
  await expectAccessible(page, 'sign-in, locked');

  await signInWithCode(page, MANAGER.username, MANAGER.password, managerPhone);
  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Max Manager' })).toBeVisible();
  await go(page, 'Staff');
  await expect(page.getByTestId(`staff-row-${CREW.username}`)).toContainText('Locked');
  await page.getByRole('button', { name: `Manage ${CREW.name}` }).click();
  await page.getByRole('button', { name: 'Unlock account' }).click();
  await expect(statusText(page)).toContainText(`The account of ${CREW.name} is unlocked.`);
  await expect(page.getByTestId(`staff-row-${CREW.username}`)).not.toContainText('Locked');
  await signOut(page);
});

test('idle lock after the policy idle time, unlock; lock, switch user and resume', async () => {
  await signIn(page, CREW.username, CREW.password);
  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Vera Crew' })).toBeVisible();

  // Crew idle time is 1 minute: move the page's clock past it without touching anything.
  // The window sees no activity and locks the session in the core (session.lock) itself.
  await page.clock.fastForward('01:05');
  await expect(
    page.getByRole('heading', { level: 1, name: 'This computer is locked' }),
  ).toBeVisible();
  await expect(page.getByText(`${CREW.name} (${CREW.username}) is signed in.`)).toBeVisible();
  await expectAccessible(page, 'lock screen');
  // The core agrees: the session is locked there, not only on screen.
  expect((await coreState()).session?.state).toBe('locked');

  await page.getByLabel('Password', { exact: true }).fill('wrong password here');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(alertText(page)).toContainText('The username or password is not right.');
  await page.getByLabel('Password', { exact: true }).fill(CREW.password);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Vera Crew' })).toBeVisible();

  // Lock by hand, then hand the PC over: her session is parked, listed, and resumable.
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'This computer is locked' }),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Switch user' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await expect(
    page.getByRole('heading', { name: 'Also signed in on this computer' }),
  ).toBeVisible();
  await expectAccessible(page, 'sign-in with parked session');
  await page.getByRole('button', { name: `Resume the session of ${CREW.name}` }).click();
  const resume = page.getByRole('dialog', { name: `Resume the session of ${CREW.name}` });
  await expect(resume.getByLabel('Password')).toBeFocused();
  await expectAccessible(page, 'resume dialog');
  await resume.getByLabel('Password').fill(CREW.password);
  await resume.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Vera Crew' })).toBeVisible();
});

test('my account: voluntary password change with feedback, history and sessions', async () => {
  await go(page, 'My account');
  await expectAccessible(page, 'my account');
  const newPassword = 'heron lantern quietly 7';
  await page.getByLabel('Current password').fill(CREW.password);
  await page.getByLabel('New password', { exact: true }).fill('vera crew 2024');
  await expect(page.getByTestId('password-feedback')).toContainText('Don\'t use "vera"');
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await expect(page.getByTestId('password-feedback')).toContainText(
    'This password meets the policy.',
  );
  await page.getByLabel('Confirm new password').fill(newPassword);
  await page.getByRole('button', { name: 'Save new password' }).click();
  await expect(statusText(page)).toContainText('Your password has been changed.');
  CREW.password = newPassword;

  const history = page.getByRole('table', { name: 'My recent sign-ins' });
  await expect(history).toContainText('Failure');
  await expect(history).toContainText('Why: wrong password');
  await expect(history).toContainText('Success');
  await expect(page.getByTestId('my-sessions')).toContainText('This session');
  await signOut(page);
});

test('the audit log shows all of it, filters, pages, verifies and exports', async () => {
  await signInWithCode(page, ADMIN.username, ADMIN.password, adminPhone);
  await auditLogShowsTheDay(page, CREW);
});

test('dark mode and Spanish, kept after a reload', async () => {
  await darkModeAndSpanish(page, ADMIN.password);
});

/** The core's own view of the window (through the shell, as the page sees it). */
async function coreState(): Promise<{ session: { state: string } | null }> {
  const response = await fetch(`${app.shell.origin}/api/app.state`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-keyholder-token': app.shell.token },
    body: '{}',
  });
  const body = (await response.json()) as { data: { session: { state: string } | null } };
  return body.data;
}

test('no script errors and no Content-Security-Policy violations all day', () => {
  expect(problems).toEqual([]);
});
