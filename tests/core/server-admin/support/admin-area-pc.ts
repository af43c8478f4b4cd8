// The admin area's core against a real sync server on loopback, shared by the
// tests/core/server-admin/*.test.ts files: a sync server holding two stores' uploaded audit
// trails and a back office, a real core (CoreHarness, fake clock) whose PC the back office's
// admin connects, and helpers to sign in, read the server's outbox and tables, and wait.
// The state is module-level `let`s that the set-up assigns; importers see the assigned values
// (ES module bindings are live), so each test reads them as the single-file suite did.
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Keyholder } from '../../../../electron/core/keyholder';
import { totp, nextStep, PASSWORD } from '../../../backend/auth/support/auth-helpers';
import {
  buildTwoStores,
  uploadTwoStores,
  type TwoStores,
  type UploadedStores,
} from '../../../backend/reporting/support/two-stores';
import {
  call,
  createPerson,
  createStore,
  startAdminApi,
  type AdminApi,
  type Person,
} from '../../../backend/stores/support/admin-api';
import { CoreHarness, expectStep } from '../../../support/core-harness';

export let api: AdminApi;
export let base: string;
export let data: TwoStores;
export let uploaded: UploadedStores;
export let harness: CoreHarness;
export let kh: Keyholder;
export let adminSession: string;
export let serverManager: Person;
/** Server people assigned to the PC's store: after it connects, they sign in on it. */
export let tillAdmin: Person;
export let tillCrew: Person;
export let crewSession: string;
export let officeId: string;

/** A fresh server code for the franchise admin (each code works once). */
export function code(secret = api.adminSecret): string {
  nextStep(api.clock);
  return totp(secret, api.clock);
}

export async function signInToServer(sessionId = adminSession) {
  return kh.serverAdmin.signIn(sessionId, {
    email: api.adminEmail,
    password: PASSWORD,
    totpCode: code(),
  });
}

export async function refreshTokenRows(): Promise<number> {
  const row = await api.s.database.db
    .selectFrom('refresh_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The mails of one kind the server wrote to its outbox (no SMTP in tests), as text. */
export function outbox(kind: string): string[] {
  const dir = join(api.s.dataDir, 'outbox');
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files
    .filter((f) => f.includes(`-${kind}-`))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

/** A lock only an admin lifts, as the server's lockout writes it after too many failures. */
export async function lockOut(personId: string): Promise<void> {
  await api.s.database.db
    .insertInto('sign_in_failures')
    .values({
      subject: `u:${personId}`,
      failures: 10,
      last_failed_at: api.clock.nowMs(),
      locked_until: null,
      locked_by_admin: 1,
    })
    .execute();
}

export async function liveServerSessions(): Promise<number> {
  const rows = await api.s.database.db
    .selectFrom('refresh_families')
    .select('id')
    .where('revoked_at', 'is', null)
    .execute();
  return rows.length;
}

/** What the back office PC uploaded to the server. */
export function officeEvents() {
  return api.s.database.db
    .selectFrom('audit_events')
    .select(['action', 'outcome'])
    .where('store_id', '=', officeId)
    .execute();
}

/** Password + code on the PC, the code from the person's phone at the PC's trusted time. */
export async function signInLocally(person: Person): Promise<string> {
  const first = expectStep(await kh.signIn.signIn(person.username, PASSWORD), 'needs_totp');
  const code = harness.code(person.secret, 0, kh.time.now());
  const done = expectStep(await kh.signIn.submitCode(first.challengeId, code), 'signed_in');
  harness.clock.advance(30_000);
  return done.session.sessionId;
}

/**
 * Registers the suite's set-up and tear-down: the server with two stores' uploaded trails and a
 * back office with its admin, viewer and a manager of North; a real core taken through its first
 * run (the local admin's session is `adminSession`).
 */
export function useAdminAreaPc(): void {
  beforeAll(async () => {
    api = await startAdminApi('sqlite');
    data = await buildTwoStores();
    uploaded = await uploadTwoStores(api, data);
    serverManager = await createPerson(api, { role: 'manager', stores: [uploaded.northId] });
    // The PC is a back office's, so the two stores' figures below stay as built.
    const office = await createStore(api, 'Head office');
    tillAdmin = await createPerson(api, { role: 'admin', stores: [office] });
    tillCrew = await createPerson(api, { role: 'viewer', stores: [office] });
    officeId = office;
    await api.s.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(api.s.app.server.address() as AddressInfo).port}`;
    harness = new CoreHarness();
    const local = await harness.setUp();
    adminSession = local.session.sessionId;
    kh = harness.kh;
  }, 120_000);

  afterAll(async () => {
    harness?.dispose();
    data?.dispose();
    await api?.s.close();
  });
}

/**
 * The local admin connects the PC to the back office: its people now come from the server, and
 * the server's back office admin and viewer sign in on it (`adminSession`, `crewSession`).
 */
export async function connectToOffice(): Promise<void> {
  // The local admin connects the PC to the store: its people now come from the server.
  const enrollment = await call(
    api.s,
    'POST',
    `/api/v1/stores/${officeId}/enrollment-codes`,
    api.admin,
  );
  const status = await kh.sync.connect(adminSession, {
    serverUrl: base,
    code: enrollment.json<{ code: string }>().code,
    deviceName: 'Back office',
    // Its own admin is handed over to the store (common/sync/handover.ts).
    confirmHandover: true,
  });
  expect(status.lastError).toBeNull();
  adminSession = await signInLocally(tillAdmin);
  crewSession = await signInLocally(tillCrew);
}

export async function signInViaInject(): Promise<string> {
  const r = await call(api.s, 'POST', '/api/v1/auth/sign-in', null, {
    email: api.adminEmail,
    password: PASSWORD,
    totpCode: code(),
  });
  expect(r.statusCode, r.body).toBe(200);
  return r.json<{ accessToken: string }>().accessToken;
}

export async function waitFor(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not met in time');
}
