import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { buildApp } from '../../backend-sync/app';
import { systemClock } from '../../backend-sync/clock';
import { PasswordHasher } from '../../backend-sync/auth/password-hasher';
import { defaultPolicyFor } from '../../backend-sync/auth/policy-source';
import { SetupService } from '../../backend-sync/auth/setup.service';
import { newTotpSecret } from '../../backend-sync/auth/totp';
import { TOTP_SECRET_KEY_LABEL, TotpSecretBox } from '../../backend-sync/auth/totp-secret-box';
import { derivedSecret, loadSigningKeys } from '../../backend-sync/keys/signing-keys';
import { loadConfig } from '../../backend-sync/config';
import { openServerDatabase, type Database } from '../../backend-sync/db/database';
import { nextChangeSeq } from '../../backend-sync/services/change-seq';
import { ServerAudit } from '../../backend-sync/services/server-audit';
import { EnrollmentService } from '../../backend-sync/sync/enrollment.service';
import { screen } from './support/screens';
import { startKeyholderApp, type KeyholderApp } from './support/keyholder-app';
import { Authenticator } from './support/totp';
import { alertText, go, signInWithCode, statusText } from './support/ui';

/**
 * The admin area end to end: a real sync server on loopback, a store PC connected to it, and
 * its admin using the admin area through real Chromium: server sign-in with a fresh code, a
 * new store and its enrollment code, a new person and the actions on one (unlock, password
 * reset, 2FA reset, erasure), the audit search and export, the figures.
 */
test.describe.configure({ mode: 'serial' });

const SERVER_ADMIN = {
  email: 'franchise.admin@example.com',
  password: 'a long passphrase for the server',
};

let server: {
  app: Awaited<ReturnType<typeof buildApp>>;
  database: Database;
  dataDir: string;
  /** Seals TOTP secrets as the server stores them (people are written straight in). */
  totpSecrets: TotpSecretBox;
};
let serverPhone: Authenticator;
let baseUrl: string;
let app: KeyholderApp;
let page: Page;

async function startSyncServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyholder-e2e-sync-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    RATE_LIMIT_PER_MINUTE: '100000',
  });
  const database = await openServerDatabase(config, {});
  const syncApp = await buildApp({ config, database, logger: false });
  await syncApp.listen({ port: 0, host: '127.0.0.1' });
  server = {
    app: syncApp,
    database,
    dataDir,
    totpSecrets: new TotpSecretBox(derivedSecret(loadSigningKeys(config), TOTP_SECRET_KEY_LABEL)),
  };
  baseUrl = `http://127.0.0.1:${(syncApp.server.address() as AddressInfo).port}`;

  // What `npm run server -- create-admin` and the admin's first set-up do.
  const setup = new SetupService({
    db: database.db,
    clock: systemClock,
    hasher: new PasswordHasher(),
    audit: new ServerAudit(database.db, systemClock),
    policyFor: defaultPolicyFor,
  });
  const { setupCode } = await setup.createAdmin({ email: SERVER_ADMIN.email, name: 'Fran Admin' });
  const post = (path: string, payload: object) =>
    syncApp.inject({ method: 'POST', url: `/api/v1/auth${path}`, payload });
  const start = await post('/setup/start', { email: SERVER_ADMIN.email, setupCode });
  expect(start.statusCode, start.body).toBe(200);
  serverPhone = new Authenticator((start.json() as { manualKey: string }).manualKey);
  const done = await post('/setup/complete', {
    email: SERVER_ADMIN.email,
    setupCode,
    password: SERVER_ADMIN.password,
    totpCode: (await serverPhone.nextCode()).code,
  });
  expect(done.statusCode, done.body).toBe(200);
}

/**
 * A person who has finished setting up (verified, password and TOTP), written as the users
 * routes leave them, with a change_seq: the admin area's actions need an active account.
 */
async function addActivePerson(
  name: string,
  storeName: string,
  as: { role?: 'viewer' | 'admin'; email?: string } = {},
) {
  const db = server.database.db;
  const store = await db
    .selectFrom('stores')
    .select('id')
    .where('name', '=', storeName)
    .executeTakeFirstOrThrow();
  const username = name.toLowerCase().replace(/\s+/g, '.');
  const email = as.email ?? `${username}@example.com`;
  const now = Date.now();
  const password = `${name} has a long passphrase 7`;
  const passwordHash = await new PasswordHasher().hash(password);
  const secret = newTotpSecret();
  const id = randomUUID();
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('users')
      .values({
        id,
        email,
        username,
        display_name: name,
        role: as.role ?? 'viewer',
        status: 'active',
        email_verified_at: now,
        password_hash: passwordHash,
        password_changed_at: now,
        totp_secret: server.totpSecrets.seal(secret),
        totp_last_step: 0,
        preferences: '{}',
        change_seq: await nextChangeSeq(tx, 'users'),
        erased_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await tx.insertInto('user_stores').values({ user_id: id, store_id: store.id }).execute();
  });
  return { id, username, email, password, phone: new Authenticator(secret) };
}

/**
 * A back office whose PC is connected to the server, as an admin's connect leaves it: the
 * store, Ada (an admin who works there, so her account is on its PC) and an enrollment code.
 */
async function connectBackOffice(kh: KeyholderApp['kh']) {
  const db = server.database.db;
  const now = Date.now();
  const storeId = randomUUID();
  await db
    .insertInto('stores')
    .values({
      id: storeId,
      name: 'Back office',
      brand: 'Northwind Coffee',
      created_at: now,
      updated_at: now,
    })
    .execute();
  const ada = await addActivePerson('Ada Admin', 'Back office', {
    role: 'admin',
    email: 'ada@example.test',
  });
  const { code } = await new EnrollmentService(db, () => Date.now()).issueCode(storeId, ada.id);
  const status = await kh.sync.connect(null, {
    serverUrl: baseUrl,
    code,
    deviceName: 'Back office PC',
  });
  expect(status.lastError).toBeNull();
  return ada;
}

/** The server's mails of one kind to `to` (no SMTP here: the server writes an outbox). */
function mailsTo(kind: string, to: string): string[] {
  const dir = join(server.dataDir, 'outbox');
  const files = (() => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  })();
  return files
    .filter((f) => f.includes(`-${kind}-`))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .filter((m) => m.includes(`To: ${to}`));
}

test.beforeAll(async ({ browser }) => {
  await startSyncServer();
  app = await startKeyholderApp();
  const ada = await connectBackOffice(app.kh);
  page = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
  await page.goto(app.url);
  await signInWithCode(page, ada.username, ada.password, ada.phone);
  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Ada Admin' })).toBeVisible();
});

test.afterAll(async () => {
  await page?.context().close();
  await app?.close();
  await server?.app.close();
  await server?.database.close();
  if (server) rmSync(server.dataDir, { recursive: true, force: true });
});

test('the admin signs in to the server with a fresh code', async () => {
  await go(page, 'Admin');
  await expect(
    page.getByRole('heading', { level: 2, name: 'Sign in to the sync server' }),
  ).toBeVisible();
  // The email is prefilled from the admin's account on this PC.
  await expect(page.getByLabel('Email')).toHaveValue('ada@example.test');
  await screen(page, 'admin-sign-in');

  await page.getByLabel('Email').fill(SERVER_ADMIN.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByLabel('Authentication code').fill((await serverPhone.nextCode()).code);
  await page.getByRole('button', { name: 'Sign in to the server' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toContainText(
    'The email, password or code is not right for the sync server.',
  );

  await page.getByLabel('Password').fill(SERVER_ADMIN.password);
  await page.getByLabel('Authentication code').fill((await serverPhone.nextCode()).code);
  await page.getByRole('button', { name: 'Sign in to the server' }).click();
  await expect(page.getByTestId('admin-signed-in')).toHaveText(
    'Signed in to the server as Fran Admin.',
  );
});

test('stores: create one and issue an enrollment code', async () => {
  await page.getByLabel('Store name').fill('Maple Street');
  await page.getByLabel('Brand').fill('Northwind Coffee');
  await page.getByRole('button', { name: 'Create store' }).click();
  await expect(statusText(page)).toContainText('Store Maple Street created.');
  await expect(page.getByTestId('store-row-Maple Street')).toBeVisible();
  await screen(page, 'admin-stores');

  await page.getByRole('button', { name: 'Issue an enrollment code for Maple Street' }).click();
  const dialog = page.getByRole('dialog', { name: 'Enrollment code for Maple Street' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('enrollment-code')).toHaveText(/^[A-Z0-9]{4}(-[A-Z0-9]{4})+$/);
  await expect(dialog).toContainText('Valid until');
  await screen(page, 'admin-enrollment-code');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toHaveCount(0);

  await page.getByRole('button', { name: 'Devices of Maple Street' }).click();
  await expect(page.getByText('No devices are enrolled for this store.')).toBeVisible();
});

test('people: add a person with a role and a store', async () => {
  await page
    .getByRole('navigation', { name: 'Admin sections' })
    .getByRole('button', { name: 'People' })
    .click();
  await page.getByRole('button', { name: 'Add person' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add person' });
  await dialog.getByLabel('Name', { exact: true }).fill('Sam Shift');
  await dialog.getByLabel('Username').fill('sam.shift');
  await dialog.getByLabel('Email').fill('sam.shift@example.com');
  await dialog.getByLabel('Role', { exact: true }).selectOption('manager');
  await dialog.getByLabel('Maple Street').check();
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(statusText(page)).toContainText('Sam Shift was added');
  const row = page.getByTestId('person-row-sam.shift');
  await expect(row).toContainText('Manager');
  await expect(row).toContainText('Maple Street');
  await screen(page, 'admin-people');

  // Sam has not confirmed his address yet: his invitation can be sent again.
  await page.getByRole('button', { name: 'Manage Sam Shift' }).click();
  const manage = page.getByRole('dialog', { name: 'Manage Sam Shift' });
  await manage.getByRole('button', { name: 'Send the invitation again' }).click();
  await expect(manage.getByRole('status')).toHaveText(
    'A new invitation was sent to Sam Shift at s***@e***.com.',
  );
  await manage.getByRole('button', { name: 'Close' }).click();

  await page.getByLabel('Search people').fill('nobody-like-this');
  await expect(page.getByText('No one matches.')).toBeVisible();
  await page.getByLabel('Search people').fill('sam');
  await expect(row).toBeVisible();
});

test('people: unlock, send a password reset and reset 2FA, each confirmed first', async () => {
  const rita = await addActivePerson('Rita Reset', 'Maple Street');
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
  expect(mailsTo('reset_password', rita.email)).toHaveLength(1);

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
  expect(mailsTo('two_factor_reset', rita.email)).toHaveLength(1);
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

test('audit: search across stores and export', async () => {
  await page
    .getByRole('navigation', { name: 'Admin sections' })
    .getByRole('button', { name: 'Audit' })
    .click();
  await expect(page.getByTestId('admin-audit-count')).toBeVisible();
  // The PCs' details in words (renderer/screens/audit-details-text.ts), never "key: value".
  await expect(page.locator('table.audit-table')).toContainText('Server: http://127.0.0.1');
  await expect(page.locator('table.audit-table')).not.toContainText(/\b(server|method): /);
  await page.getByLabel('Store', { exact: true }).selectOption({ label: 'Maple Street' });
  await page.getByLabel('Outcome').selectOption('failure');
  await expect(page.getByTestId('admin-audit-count')).not.toHaveText('Loading…');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  expect((await download).suggestedFilename()).toMatch(/^keyholder-audit-all-stores-.*\.csv$/);
  await screen(page, 'admin-audit');
});

test('analytics: figures and charts', async () => {
  await page
    .getByRole('navigation', { name: 'Admin sections' })
    .getByRole('button', { name: 'Analytics' })
    .click();
  await expect(page.getByTestId('analytics-totals')).toContainText('Sign-ins: 0');
  await expect(
    page.getByRole('heading', { name: /Devices not synced for 24 hours/ }),
  ).toBeVisible();
  await page.getByLabel('Period').selectOption('30');
  await expect(page.getByTestId('analytics-totals')).toBeVisible();
  await screen(page, 'admin-analytics');
});

test('signing out of the server brings the sign-in back', async () => {
  await page.getByRole('button', { name: 'Sign out of the server' }).click();
  await expect(
    page.getByRole('heading', { level: 2, name: 'Sign in to the sync server' }),
  ).toBeVisible();
});
