import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Browser, type Page } from '@playwright/test';
import { buildApp } from '../../../backend-sync/app';
import { systemClock } from '../../../backend-sync/clock';
import { PasswordHasher } from '../../../backend-sync/auth/password-hasher';
import { defaultPolicyFor } from '../../../backend-sync/auth/policy-source';
import { SetupService } from '../../../backend-sync/auth/setup.service';
import { newTotpSecret } from '../../../backend-sync/auth/totp';
import { TOTP_SECRET_KEY_LABEL, TotpSecretBox } from '../../../backend-sync/auth/totp-secret-box';
import { derivedSecret, loadSigningKeys } from '../../../backend-sync/keys/signing-keys';
import { loadConfig } from '../../../backend-sync/config';
import { openServerDatabase, type Database } from '../../../backend-sync/db/database';
import { insertTestUser } from '../../backend/support/user-factory';
import { ServerAudit } from '../../../backend-sync/services/server-audit';
import { EnrollmentService } from '../../../backend-sync/sync/enrollment.service';
import { startKeyholderApp, type KeyholderApp } from './keyholder-app';
import { Authenticator } from './totp';
import { go, signInWithCode } from './ui';

/**
 * The sync server of the admin-area browser tests (tests/e2e/admin-area*.spec.ts): a real
 * server on loopback (SQLite, real time) with its franchise admin set up, people written
 * straight in as the users routes leave them, a back office whose PC is connected, the
 * outbox's mails, and the admin area's server sign-in.
 */

export const SERVER_ADMIN = {
  email: 'franchise.admin@example.com',
  password: 'a long passphrase for the server',
};

export interface AdminAreaServer {
  app: Awaited<ReturnType<typeof buildApp>>;
  database: Database;
  dataDir: string;
  /** Seals TOTP secrets as the server stores them (people are written straight in). */
  totpSecrets: TotpSecretBox;
  baseUrl: string;
  /** The franchise admin's authenticator. */
  phone: Authenticator;
}

export async function startSyncServer(): Promise<AdminAreaServer> {
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
  const totpSecrets = new TotpSecretBox(
    derivedSecret(loadSigningKeys(config), TOTP_SECRET_KEY_LABEL),
  );
  const baseUrl = `http://127.0.0.1:${(syncApp.server.address() as AddressInfo).port}`;

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
  const phone = new Authenticator((start.json() as { manualKey: string }).manualKey);
  const done = await post('/setup/complete', {
    email: SERVER_ADMIN.email,
    setupCode,
    password: SERVER_ADMIN.password,
    totpCode: (await phone.nextCode()).code,
  });
  expect(done.statusCode, done.body).toBe(200);
  return { app: syncApp, database, dataDir, totpSecrets, baseUrl, phone };
}

/**
 * A person who has finished setting up (verified, password and TOTP), written as the users
 * routes leave them, with a change_seq: the admin area's actions need an active account.
 */
export async function addActivePerson(
  server: AdminAreaServer,
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
  await db.transaction().execute((tx) =>
    insertTestUser(tx, {
      id,
      email,
      username,
      displayName: name,
      role: as.role ?? 'viewer',
      passwordHash,
      totpSecret: server.totpSecrets.seal(secret),
      stores: [store.id],
      now,
    }),
  );
  return { id, username, email, password, phone: new Authenticator(secret) };
}

/**
 * A back office whose PC is connected to the server, as an admin's connect leaves it: the
 * store, Ada (an admin who works there, so her account is on its PC) and an enrollment code.
 */
export async function connectBackOffice(server: AdminAreaServer, kh: KeyholderApp['kh']) {
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
  const ada = await addActivePerson(server, 'Ada Admin', 'Back office', {
    role: 'admin',
    email: 'ada@example.test',
  });
  const { code } = await new EnrollmentService(db, systemClock).issueCode(storeId, ada.id);
  const status = await kh.sync.connect(null, {
    serverUrl: server.baseUrl,
    code,
    deviceName: 'Back office PC',
  });
  expect(status.lastError).toBeNull();
  return ada;
}

/** The server's mails of one kind to `to` (no SMTP here: the server writes an outbox). */
export function mailsTo(server: AdminAreaServer, kind: string, to: string): string[] {
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

export async function closeSyncServer(server: AdminAreaServer | undefined): Promise<void> {
  await server?.app.close();
  await server?.database.close();
  if (server) rmSync(server.dataDir, { recursive: true, force: true });
}

/**
 * A store written straight in, as the admin area's "Create store" leaves it (for a spec that
 * starts after that step).
 */
export async function addStore(server: AdminAreaServer, name: string): Promise<string> {
  const now = Date.now();
  const id = randomUUID();
  await server.database.db
    .insertInto('stores')
    .values({ id, name, brand: 'Northwind Coffee', created_at: now, updated_at: now })
    .execute();
  return id;
}

/** The admin area's server sign-in as the franchise admin, with a fresh code. */
export async function signInToServer(page: Page, server: AdminAreaServer): Promise<void> {
  await go(page, 'Admin');
  await page.getByLabel('Email').fill(SERVER_ADMIN.email);
  await page.getByLabel('Password').fill(SERVER_ADMIN.password);
  await page.getByLabel('Authentication code').fill((await server.phone.nextCode()).code);
  await page.getByRole('button', { name: 'Sign in to the server' }).click();
  await expect(page.getByTestId('admin-signed-in')).toHaveText(
    'Signed in to the server as Fran Admin.',
  );
}

/** What both admin-area specs run in: a sync server, the connected back-office PC, its admin. */
export interface AdminAreaWorld {
  server: AdminAreaServer;
  app: KeyholderApp;
  page: Page;
}

/** Starts the server and the PC, connects it, and signs its admin in on a new page. */
export async function openAdminAreaWorld(browser: Browser): Promise<AdminAreaWorld> {
  const server = await startSyncServer();
  const app = await startKeyholderApp();
  const ada = await connectBackOffice(server, app.kh);
  const page = await (
    await browser.newContext({ viewport: { width: 1024, height: 768 } })
  ).newPage();
  await page.goto(app.url);
  await signInWithCode(page, ada.username, ada.password, ada.phone);
  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Ada Admin' })).toBeVisible();
  return { server, app, page };
}

/** Closes what `openAdminAreaWorld` opened (whatever of it was opened). */
export async function closeAdminAreaWorld(world: Partial<AdminAreaWorld>): Promise<void> {
  await world.page?.context().close();
  await world.app?.close();
  await closeSyncServer(world.server);
}
