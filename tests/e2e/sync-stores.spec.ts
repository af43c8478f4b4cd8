import { expect, test, type Page } from '@playwright/test';
import { screen } from './support/screens';
import { startKeyholderApp, type KeyholderApp } from './support/keyholder-app';
import { startE2eSyncServer, type E2eSyncServer } from './support/sync-server';
import { alertText, go, signIn, signInWithCode, signOut } from './support/ui';

/**
 * Two store PCs and the sync server, end to end through real Chromium: both PCs connect from
 * the first run with enrollment codes; a password changed at store A while the server is down
 * reaches store B only after both sync; a viewer disabled while store A is offline loses her
 * session when A syncs; both stores' audit entries arrive centrally with verified chains.
 */
test.describe.configure({ mode: 'serial' });

let server: E2eSyncServer;
let storeA: KeyholderApp;
let storeB: KeyholderApp;
let pageA: Page;
let pageB: Page;
let maple: string;
let oak: string;
let mia: Awaited<ReturnType<E2eSyncServer['createPerson']>>;
let vic: Awaited<ReturnType<E2eSyncServer['createPerson']>>;
const NEW_PASSWORD = 'mia picked a fresh passphrase 3';

async function issueCode(storeId: string): Promise<string> {
  const r = await server.api<{ code: string }>(
    'POST',
    `/api/v1/stores/${storeId}/enrollment-codes`,
  );
  expect(r.status).toBe(201);
  return r.body.code;
}

async function connect(page: Page, app: KeyholderApp, storeId: string, name: string) {
  await page.goto(app.url);
  await page.getByRole('button', { name: /Connect to our sync server/ }).click();
  await screen(page, 'connect');
  await page.getByLabel('Server address').fill(server.url);
  await page.getByLabel('Enrollment code').fill(await issueCode(storeId));
  await page.getByLabel('Name of this computer').fill(name);
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await expect(page.getByTestId('sync-footer')).toContainText('Synced');
}

async function syncNowFromSignIn(page: Page) {
  const footer = page.getByTestId('sync-footer');
  await footer.getByRole('button', { name: 'Sync now' }).click();
  await expect(footer.getByRole('button', { name: 'Sync now' })).toBeEnabled();
}

test.beforeAll(async ({ browser }) => {
  server = await startE2eSyncServer();
  const created = await Promise.all(
    ['Maple Street', 'Oak Avenue'].map((name) =>
      server.api<{ id: string }>('POST', '/api/v1/stores', { name, brand: 'Northwind' }),
    ),
  );
  [maple, oak] = created.map((r) => r.body.id) as [string, string];
  mia = await server.createPerson({ name: 'Mia Manager', role: 'manager', stores: [maple, oak] });
  vic = await server.createPerson({ name: 'Vic Viewer', role: 'viewer', stores: [maple] });
  storeA = await startKeyholderApp();
  storeB = await startKeyholderApp();
  pageA = await (await browser.newContext()).newPage();
  pageB = await (await browser.newContext()).newPage();
});

test.afterAll(async () => {
  await pageA?.context().close();
  await pageB?.context().close();
  await storeA?.close();
  await storeB?.close();
  await server?.close();
});

test('an admin issues codes for two stores; both PCs connect from the first run', async () => {
  await connect(pageA, storeA, maple, 'Maple front till');
  await connect(pageB, storeB, oak, 'Oak front till');
  for (const [storeId, name] of [
    [maple, 'Maple front till'],
    [oak, 'Oak front till'],
  ] as const) {
    const devices = await server.api<{ devices: { name: string; pendingEvents: number }[] }>(
      'GET',
      `/api/v1/stores/${storeId}/devices`,
    );
    expect(devices.body.devices).toEqual([expect.objectContaining({ name, pendingEvents: 0 })]);
  }
});

test('a password changed at store A while the server is down reaches B only after both sync', async () => {
  server.proxy.down = true;
  await signInWithCode(pageA, mia.username, mia.password, mia.phone);
  await expect(pageA.getByRole('heading', { level: 1, name: 'Hello, Mia Manager' })).toBeVisible();
  await go(pageA, 'My account');
  await pageA.getByLabel('Current password').fill(mia.password);
  await pageA.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await pageA.getByLabel('Confirm new password').fill(NEW_PASSWORD);
  await pageA.getByRole('button', { name: 'Save new password' }).click();
  await expect(pageA.getByRole('status').filter({ hasText: /\S/ }).first()).toBeVisible();

  // The server is down: A says so and keeps the change waiting.
  await go(pageA, 'Settings');
  await pageA.getByRole('button', { name: 'Sync now' }).click();
  await expect(pageA.getByTestId('sync-state')).toHaveText(/Offline/);
  await expect(pageA.getByTestId('sync-error')).toContainText('could not be reached');
  await expect(pageA.getByTestId('sync-indicator')).toContainText('waiting');
  await screen(pageA, 'settings-sync-offline');

  // Store B has not heard of it: the old password still opens the code step there.
  await pageB.reload();
  await signIn(pageB, mia.username, mia.password);
  await expect(pageB.getByLabel('Authentication code')).toBeVisible();
  await pageB.reload();

  server.proxy.down = false;
  await pageA.getByRole('button', { name: 'Sync now' }).click();
  await expect(pageA.getByTestId('sync-state')).toHaveText(/Synced/);
  await expect(pageA.getByTestId('sync-pending')).toHaveText('0');
  await expect(pageA.getByTestId('sync-indicator')).not.toContainText('waiting');

  await syncNowFromSignIn(pageB);
  await signIn(pageB, mia.username, mia.password);
  await expect(alertText(pageB)).toContainText('The username or password is not right.');
  await pageB.reload();
  await signIn(pageB, mia.username, NEW_PASSWORD);
  await expect(pageB.getByLabel('Authentication code')).toBeVisible();
  await pageB.reload();
  await signOut(pageA);
});

test('a viewer disabled while store A is offline is signed out when A syncs', async () => {
  await signInWithCode(pageA, vic.username, vic.password, vic.phone);
  await expect(pageA.getByRole('heading', { level: 1, name: 'Hello, Vic Viewer' })).toBeVisible();
  server.proxy.down = true;
  const disabled = await server.api('PUT', `/api/v1/users/${vic.id}/status`, {
    status: 'disabled',
  });
  expect(disabled.status).toBe(200);
  expect((await storeA.kh.sync.syncNow()).state).toBe('offline');
  // Offline, A cannot know: Vic keeps working.
  await go(pageA, 'My account');
  await go(pageA, 'Home');

  server.proxy.down = false;
  expect((await storeA.kh.sync.syncNow()).state).toBe('idle'); // what the schedule does
  // Her next action finds the session gone (the shell also re-reads it after each sync).
  await pageA
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: 'My account' })
    .click();
  await expect(pageA.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await signIn(pageA, vic.username, vic.password);
  await expect(alertText(pageA)).toContainText('This account is disabled.');
});

test('503, 429 with Retry-After and reset connections: Sync now still gets everything there once', async () => {
  const before = storeB.kh.sync.status().pendingEntries;
  await signIn(pageB, mia.username, 'not her password at all');
  await expect(alertText(pageB)).toContainText('not right');
  expect(storeB.kh.sync.status().pendingEntries).toBeGreaterThan(before);
  server.proxy.inject('/sync/pull', { kind: 'status', status: 503, retryAfter: '1' });
  server.proxy.inject('/sync/audit', { kind: 'status', status: 429, retryAfter: '1' });
  server.proxy.inject('/sync/audit', { kind: 'reset' });
  server.proxy.inject('/sync/audit', { kind: 'drop-response' });
  await pageB.reload();
  await syncNowFromSignIn(pageB);
  await expect(pageB.getByTestId('sync-footer')).toContainText('Synced');
  expect(storeB.kh.sync.status()).toMatchObject({ pendingEntries: 0, lastError: null });
  const central = await server.api<{ entries: { deviceId: string; seq: number }[] }>(
    'GET',
    `/api/v1/audit?store=${oak}&limit=200`,
  );
  const seqs = central.body.entries
    .filter((e) => e.deviceId === storeB.kh.deviceId)
    .map((e) => e.seq);
  expect(new Set(seqs).size).toBe(seqs.length);
  expect(Math.max(...seqs)).toBe(storeB.kh.audit.after(0, 100_000).length);
});

test("both stores' audit entries are on the server with verified chains", async () => {
  await syncNowFromSignIn(pageA);
  await syncNowFromSignIn(pageB);
  for (const [app, storeId] of [
    [storeA, maple],
    [storeB, oak],
  ] as const) {
    expect(app.kh.audit.verify()).toMatchObject({ ok: true });
    const local = app.kh.audit.after(0, 100_000);
    const central = await server.api<{
      entries: { deviceId: string; seq: number }[];
      total: number;
    }>('GET', `/api/v1/audit?store=${storeId}&limit=200`);
    expect(central.status).toBe(200);
    const mine = central.body.entries.filter((e) => e.deviceId === app.kh.deviceId);
    // Every entry up to the last acknowledged one is there (the last sync may add one more).
    expect(mine.length).toBeGreaterThanOrEqual(local.length - 2);
    expect(new Set(mine.map((e) => e.seq)).size).toBe(mine.length);
  }
  const breaks = await server.api<{ events: unknown[] } | unknown[]>(
    'GET',
    '/api/v1/audit/server-events?action=audit.chain_broken',
  );
  expect(breaks.status).toBe(200);
  expect(JSON.stringify(breaks.body)).not.toContain('chain_broken"');
});
