// The admin area's core (electron/core/server-admin) against a real sync server on loopback:
// sign-in with password + TOTP, token rotation, every operation, the local-role check, tokens
// dropped with the local session, and server refusals turned into clear, generic errors.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Keyholder } from '../../electron/core/keyholder';
import { totp, nextStep, PASSWORD } from '../backend/auth/support/auth-helpers';
import {
  buildTwoStores,
  DAY,
  DAY1,
  uploadTwoStores,
  type TwoStores,
  type UploadedStores,
} from '../backend/reporting/support/two-stores';
import {
  call,
  createPerson,
  createStore,
  signInAs,
  startAdminApi,
  type AdminApi,
  type Person,
} from '../backend/stores/support/admin-api';
import { contract } from '../../common/ipc/contract';
import { CoreHarness, errorCode, expectStep } from '../support/core-harness';

let api: AdminApi;
let base: string;
let data: TwoStores;
let uploaded: UploadedStores;
let harness: CoreHarness;
let kh: Keyholder;
let adminSession: string;
let serverManager: Person;
/** Server people assigned to the PC's store: after it connects, they sign in on it. */
let tillAdmin: Person;
let tillCrew: Person;
let crewSession: string;
let officeId: string;

/** A fresh server code for the franchise admin (each code works once). */
function code(secret = api.adminSecret): string {
  nextStep(api.clock);
  return totp(secret, api.clock);
}

async function signInToServer(sessionId = adminSession) {
  return kh.serverAdmin.signIn(sessionId, {
    email: api.adminEmail,
    password: PASSWORD,
    totpCode: code(),
  });
}

async function refreshTokenRows(): Promise<number> {
  const row = await api.s.database.db
    .selectFrom('refresh_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The mails of one kind the server wrote to its outbox (no SMTP in tests), as text. */
function outbox(kind: string): string[] {
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
async function lockOut(personId: string): Promise<void> {
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

async function liveServerSessions(): Promise<number> {
  const rows = await api.s.database.db
    .selectFrom('refresh_families')
    .select('id')
    .where('revoked_at', 'is', null)
    .execute();
  return rows.length;
}

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

/** What the back office PC uploaded to the server. */
function officeEvents() {
  return api.s.database.db
    .selectFrom('audit_events')
    .select(['action', 'outcome'])
    .where('store_id', '=', officeId)
    .execute();
}

/** Password + code on the PC, the code from the person's phone at the PC's trusted time. */
async function signInLocally(person: Person): Promise<string> {
  const first = expectStep(await kh.signIn.signIn(person.username, PASSWORD), 'needs_totp');
  const code = harness.code(person.secret, 0, kh.time.now());
  const done = expectStep(await kh.signIn.submitCode(first.challengeId, code), 'signed_in');
  harness.clock.advance(30_000);
  return done.session.sessionId;
}

afterAll(async () => {
  harness?.dispose();
  data?.dispose();
  await api?.s.close();
});

describe('before the PC is connected', () => {
  it('says not connected, prefills the local email, and refuses to sign in', async () => {
    expect(kh.serverAdmin.status(adminSession)).toEqual({
      connected: false,
      serverUrl: null,
      signedIn: false,
      email: 'ada@example.test',
      serverUser: null,
    });
    expect(await errorCode(() => signInToServer())).toBe('server_not_connected');
  });
});

describe('signed in to a real server', () => {
  beforeAll(async () => {
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
  });

  it('refuses a local session that is not an admin', async () => {
    const crew = crewSession;
    expect(await errorCode(() => kh.serverAdmin.status(crew))).toBe('forbidden');
    expect(
      await errorCode(() =>
        kh.serverAdmin.signIn(crew, { email: 'x@example.com', password: 'x', totpCode: '123456' }),
      ),
    ).toBe('forbidden');
    expect(await errorCode(() => kh.serverAdmin.listStores(crew))).toBe('forbidden');
    kh.sessions.end(crew, 'signed_out');
  });

  it('needs a server sign-in first; a wrong password is a clear error', async () => {
    expect(await errorCode(() => kh.serverAdmin.listStores(adminSession))).toBe(
      'server_sign_in_required',
    );
    const wrong = await errorCode(() =>
      kh.serverAdmin.signIn(adminSession, {
        email: api.adminEmail,
        password: 'not the password',
        totpCode: code(),
      }),
    );
    expect(wrong).toBe('server_invalid_credentials');
    expect(kh.serverAdmin.status(adminSession).signedIn).toBe(false);

    // A temporary password (set on a store PC) signs nobody in: the PC is where it is changed.
    const temporary = (flag: number) =>
      api.s.database.db
        .updateTable('users')
        .set({ must_change_password: flag })
        .where('email', '=', api.adminEmail)
        .execute();
    await temporary(1);
    try {
      expect(await errorCode(() => signInToServer())).toBe('server_password_change_required');
      expect(kh.serverAdmin.status(adminSession).signedIn).toBe(false);
    } finally {
      await temporary(0);
    }
  });

  it('signs in with password and code; no token crosses the boundary', async () => {
    const status = await signInToServer();
    expect(status).toEqual({
      connected: true,
      serverUrl: base,
      signedIn: true,
      email: tillAdmin.email,
      serverUser: 'Ada Admin',
    });
    expect(JSON.stringify(status)).not.toMatch(/khr_|eyJ/);
  });

  it('stores: list, create, issue an enrollment code', async () => {
    const { stores } = await kh.serverAdmin.listStores(adminSession);
    expect(stores.map((s) => s.name)).toContain('North');
    const store = await kh.serverAdmin.createStore(adminSession, {
      name: 'Maple Street',
      brand: 'Northwind',
    });
    expect(store).toMatchObject({ name: 'Maple Street', brand: 'Northwind', activeDevices: 0 });
    const issued = await kh.serverAdmin.issueEnrollmentCode(adminSession, store.id);
    expect(issued.storeId).toBe(store.id);
    expect(issued.code).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4})+$/);
    expect(issued.expiresAt).toBe(api.clock.nowMs() + 15 * 60_000);
  });

  it('devices: list with sync details, revoke', async () => {
    const { devices } = await kh.serverAdmin.listDevices(adminSession, uploaded.northId);
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({
      id: uploaded.northPc.deviceId,
      status: 'active',
      appVersion: '0.1.0',
    });
    const revoked = await kh.serverAdmin.revokeDevice(adminSession, uploaded.southPc.deviceId);
    expect(revoked.status).toBe('revoked');
    expect(await errorCode(() => kh.serverAdmin.revokeDevice(adminSession, randomUUID()))).toBe(
      'server_not_found',
    );
  });

  it('people: create, search, role, stores, disable and enable', async () => {
    const created = await kh.serverAdmin.createPerson(adminSession, {
      email: 'sam.shift@example.com',
      username: 'sam.shift',
      displayName: 'Sam Shift',
      role: 'viewer',
      storeIds: [uploaded.northId],
    });
    expect(created).toMatchObject({ role: 'viewer', status: 'pending' });
    expect(created.stores.map((s) => s.name)).toEqual(['North']);

    const found = await kh.serverAdmin.listPeople(adminSession, { q: 'sam' });
    expect(found.users.map((u) => u.username)).toEqual(['sam.shift']);

    const promoted = await kh.serverAdmin.setRole(adminSession, {
      personId: created.id,
      role: 'manager',
    });
    expect(promoted.role).toBe('manager');
    const moved = await kh.serverAdmin.setStores(adminSession, {
      personId: created.id,
      storeIds: [uploaded.northId, uploaded.southId],
    });
    expect(moved.stores).toHaveLength(2);
    const disabled = await kh.serverAdmin.setStatus(adminSession, {
      personId: created.id,
      status: 'disabled',
    });
    expect(disabled.status).toBe('disabled');
    const again = await kh.serverAdmin.setStatus(adminSession, {
      personId: created.id,
      status: 'active',
    });
    expect(again.status).not.toBe('disabled');

    const taken = await errorCode(() =>
      kh.serverAdmin.createPerson(adminSession, {
        email: 'other@example.com',
        username: 'sam.shift',
        displayName: 'Another Sam',
        role: 'viewer',
        storeIds: [uploaded.northId],
      }),
    );
    expect(taken).toBe('server_username_taken');
  });

  it('person actions: unlock says whether there was a lock', async () => {
    const locked = await createPerson(api, { role: 'viewer', stores: [uploaded.northId] });
    await lockOut(locked.id);
    // The people list says who is locked out, so the admin area offers Unlock only to them.
    const listed = async () =>
      (await kh.serverAdmin.listPeople(adminSession, { q: locked.username })).users.map(
        (u) => u.locked,
      );
    expect(await listed()).toEqual([true]);
    const actions = kh.serverAdmin.personActions;
    expect(await actions.unlock(adminSession, { personId: locked.id })).toEqual({
      wasLocked: true,
    });
    expect(await listed()).toEqual([false]);
    expect(await actions.unlock(adminSession, { personId: locked.id })).toEqual({
      wasLocked: false,
    });
    // The lock is really gone: the person signs in to the server again.
    await expect(signInAs(api, locked)).resolves.toMatch(/\S/);
    expect(await errorCode(() => actions.unlock(adminSession, { personId: randomUUID() }))).toBe(
      'server_not_found',
    );
  });

  it('person actions: a password reset is mailed to the person; the admin sees a masked address', async () => {
    const person = await createPerson(api, { role: 'viewer', stores: [uploaded.northId] });
    const before = outbox('reset_password').length;
    const sent = await kh.serverAdmin.personActions.sendPasswordReset(adminSession, {
      personId: person.id,
    });
    expect(sent).toEqual({ email: 'sent', sentTo: 'v***@e***.com' });
    const mails = outbox('reset_password');
    expect(mails).toHaveLength(before + 1);
    expect(mails.some((m) => m.includes(`To: ${person.email}`))).toBe(true);
    // Nothing secret crosses IPC: no link, code or password in the answer.
    expect(Object.keys(sent).sort()).toEqual(['email', 'sentTo']);

    const pending = await createPerson(api, {
      role: 'viewer',
      stores: [uploaded.northId],
      status: 'pending',
    });
    expect(
      await errorCode(() =>
        kh.serverAdmin.personActions.sendPasswordReset(adminSession, { personId: pending.id }),
      ),
    ).toBe('server_person_pending');
  });

  it('person actions: a 2FA reset clears the authenticator, signs the person out, mails a link', async () => {
    const person = await createPerson(api, { role: 'viewer', stores: [uploaded.northId] });
    await signInAs(api, person);
    const reset = await kh.serverAdmin.personActions.resetTwoFactor(adminSession, {
      personId: person.id,
    });
    expect(reset).toMatchObject({
      id: person.id,
      totpEnabled: false,
      status: 'active',
      revokedSessions: 1,
      setupEmail: 'sent',
      sentTo: 'v***@e***.com',
    });
    expect(outbox('two_factor_reset').some((m) => m.includes(`To: ${person.email}`))).toBe(true);

    const disabled = await createPerson(api, {
      role: 'viewer',
      stores: [uploaded.northId],
      status: 'disabled',
    });
    const refused = await kh.serverAdmin.personActions
      .resetTwoFactor(adminSession, { personId: disabled.id })
      .catch((e: Error & { code: string }) => e);
    expect(refused).toMatchObject({
      code: 'server_person_disabled',
      message: "This person's account is disabled. Enable it first.",
    });
    // Nobody resets their own second factor from here.
    expect(
      await errorCode(() =>
        kh.serverAdmin.personActions.resetTwoFactor(adminSession, { personId: api.adminId }),
      ),
    ).toBe('server_own_account');
  });

  it('person actions: an invitation is sent again only to someone who has not confirmed', async () => {
    const invited = await kh.serverAdmin.createPerson(adminSession, {
      email: 'ivy.invite@example.com',
      username: 'ivy.invite',
      displayName: 'Ivy Invite',
      role: 'viewer',
      storeIds: [uploaded.northId],
    });
    const ivyMails = () => outbox('verify_email').filter((m) => m.includes('To: ivy.invite@'));
    expect(ivyMails()).toHaveLength(1);
    const actions = kh.serverAdmin.personActions;
    const again = await actions.resendInvitation(adminSession, { personId: invited.id });
    expect(again).toEqual({ email: 'sent', sentTo: expect.stringMatching(/^i\*+@e\*+\.com$/) });
    expect(ivyMails()).toHaveLength(2);
    // Someone who has confirmed gets no invitation, in words.
    const active = await createPerson(api, { role: 'viewer', stores: [uploaded.northId] });
    const error = await actions
      .resendInvitation(adminSession, { personId: active.id })
      .catch((e: unknown) => e as { code: string; message: string });
    expect(error).toMatchObject({
      code: 'server_person_confirmed',
      message:
        'This person has already confirmed their email address: there is no invitation to send.',
    });
  });

  it('person actions: a GDPR export is the person’s data as JSON, without any secret', async () => {
    const person = await createPerson(api, {
      role: 'viewer',
      stores: [uploaded.northId],
      name: 'Ella Export',
    });
    const file = await kh.serverAdmin.personActions.exportData(adminSession, {
      personId: person.id,
    });
    expect(file).toMatchObject({
      filename: `keyholder-person-${person.id}.json`,
      mimeType: 'application/json',
    });
    const data = JSON.parse(file.content) as Record<string, unknown>;
    expect(JSON.stringify(data)).toContain(person.email);
    expect(file.content).not.toContain(person.secret);
    expect(file.content).not.toMatch(/argon2|password_hash|totp_secret/i);
    expect(
      await errorCode(() =>
        kh.serverAdmin.personActions.exportData(adminSession, { personId: randomUUID() }),
      ),
    ).toBe('server_not_found');
  });

  it('person actions: erase needs the email typed again, then the person is gone', async () => {
    const person = await createPerson(api, {
      role: 'viewer',
      stores: [uploaded.northId],
      name: 'Erin Erase',
    });
    const actions = kh.serverAdmin.personActions;
    expect(contract['admin.erasePerson'].request.safeParse({ personId: person.id }).success).toBe(
      false,
    );
    expect(
      await errorCode(() =>
        actions.erase(adminSession, { personId: person.id, confirmEmail: 'someone@example.com' }),
      ),
    ).toBe('server_confirmation_mismatch');
    expect((await kh.serverAdmin.listPeople(adminSession, { q: 'Erin' })).users).toHaveLength(1);
    expect(
      await errorCode(() =>
        actions.erase(adminSession, { personId: api.adminId, confirmEmail: api.adminEmail }),
      ),
    ).toBe('server_own_account');

    const erased = await actions.erase(adminSession, {
      personId: person.id,
      confirmEmail: ` ${person.email.toUpperCase()} `,
    });
    expect(erased).toEqual({
      id: person.id,
      pseudonym: expect.stringMatching(/^erased-[0-9a-f]{12}$/),
      erasedAt: api.clock.nowMs(),
    });
    expect((await kh.serverAdmin.listPeople(adminSession, { q: 'Erin' })).users).toEqual([]);
    expect(
      await errorCode(() =>
        actions.erase(adminSession, { personId: person.id, confirmEmail: person.email }),
      ),
    ).toBe('server_not_found');
  });

  it('policies: read, publish on the current version, a stale edit is a conflict', async () => {
    const policy = await kh.serverAdmin.policy(adminSession);
    const version = policy.current.version;
    const roles = { ...policy.current.document.roles, viewer: { profile: 'pci' as const } };
    const published = await kh.serverAdmin.publishPolicy(adminSession, {
      basedOnVersion: version,
      roles,
    });
    expect(published.policy.version).toBe(version + 1);
    expect(published.unchanged).toBe(false);
    const stale = await errorCode(() =>
      kh.serverAdmin.publishPolicy(adminSession, { basedOnVersion: version, roles }),
    );
    expect(stale).toBe('policy_conflict');
  });

  it('audit: search across stores with filters and paging, export CSV and JSON', async () => {
    const all = await kh.serverAdmin.searchAudit(adminSession, { limit: 5, offset: 0 });
    expect(all.total).toBe(
      data.chainNorth.length + data.chainSouth.length + (await officeEvents()).length,
    );
    expect(all.entries).toHaveLength(5);
    const failures = await kh.serverAdmin.searchAudit(adminSession, {
      storeId: uploaded.northId,
      action: 'auth.sign_in',
      outcome: 'failure',
      limit: 50,
      offset: 0,
    });
    expect(failures.total).toBe(3);
    expect(new Set(failures.entries.map((e) => e.storeName))).toEqual(new Set(['North']));

    const csv = await kh.serverAdmin.exportAudit(adminSession, {
      format: 'csv',
      filter: { storeId: uploaded.northId, outcome: 'failure', action: 'auth.sign_in' },
    });
    expect(csv.mimeType).toBe('text/csv');
    expect(csv.filename).toMatch(/^keyholder-audit-all-stores-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.content.trim().split('\n')).toHaveLength(4); // header + 3
    const json = await kh.serverAdmin.exportAudit(adminSession, { format: 'json', filter: {} });
    expect(JSON.parse(json.content)).toHaveLength(all.total);
  });

  it('analytics: sign-ins and failures per store per day, lockouts, devices out of sync', async () => {
    const figures = await kh.serverAdmin.analytics(adminSession, {
      from: DAY1,
      to: DAY1 + 3 * DAY,
      utcOffsetMinutes: 0,
      outOfSyncHours: 24,
    });
    // The two stores' figures, and the back office PC's first-run sign-in it uploaded.
    const office = (await officeEvents()).filter(
      (e) => e.action === 'auth.sign_in' && e.outcome === 'success',
    );
    expect(office).toHaveLength(1);
    expect(figures.signIns.totals).toEqual({ signIns: 4, failures: 14, lockouts: 1 });
    const southDay = figures.signIns.days.find((d) => d.storeId === uploaded.southId);
    expect(southDay).toMatchObject({ day: '2026-11-29', failures: 11, lockouts: 1 });
    expect(figures.lockouts.lockouts.map((l) => l.storeId)).toEqual([uploaded.southId]);
    expect(figures.outOfSync.hours).toBe(24);
    expect(
      await errorCode(() =>
        kh.serverAdmin.analytics(adminSession, {
          from: DAY1,
          to: DAY1 + 400 * DAY,
          utcOffsetMinutes: 0,
          outOfSyncHours: 24,
        }),
      ),
    ).toBe('server_invalid_range');
  });

  it('rotates the access token before it expires, and once more after a 401', async () => {
    const before = await refreshTokenRows();
    await kh.serverAdmin.listStores(adminSession);
    expect(await refreshTokenRows()).toBe(before); // still fresh: no rotation

    // 14.5 minutes later on this PC: within a minute of expiry, so it rotates first.
    for (const minutes of [5, 5, 4.5]) {
      harness.clock.advance(minutes * 60_000);
      kh.sessions.requireActive(adminSession); // someone is at the keyboard
    }
    await kh.serverAdmin.listStores(adminSession);
    expect(await refreshTokenRows()).toBe(before + 1);

    // The server thinks the token has expired (its clock ran ahead): 401, rotate, retry.
    api.clock.advance(16 * 60_000);
    await kh.serverAdmin.listStores(adminSession);
    expect(await refreshTokenRows()).toBe(before + 2);
  });

  it('a server session ended elsewhere means: sign in again', async () => {
    const other = await call(api.s, 'POST', '/api/v1/auth/sign-out-everywhere', api.admin);
    expect(other.statusCode).toBe(401); // the test's own token expired with the clock move
    const fresh = await signInViaInject();
    const r = await call(api.s, 'POST', '/api/v1/auth/sign-out-everywhere', fresh);
    expect(r.statusCode).toBe(204);
    expect(await errorCode(() => kh.serverAdmin.listStores(adminSession))).toBe(
      'server_sign_in_required',
    );
    expect(kh.serverAdmin.status(adminSession).signedIn).toBe(false);
  });

  it('a server role that may not do something is "forbidden", in plain words', async () => {
    await kh.serverAdmin.signIn(adminSession, {
      email: serverManager.email,
      password: PASSWORD,
      totpCode: code(serverManager.secret),
    });
    const { stores } = await kh.serverAdmin.listStores(adminSession);
    expect(stores.map((s) => s.name)).toEqual(['North']);
    const refused = await kh.serverAdmin
      .createStore(adminSession, { name: 'Nope' })
      .catch((e: Error & { code: string }) => e);
    expect(refused).toMatchObject({
      code: 'forbidden',
      message: 'Your sync server account may not do this.',
    });

    // A manager's person actions reach viewers of their stores, and no further.
    const viewer = await createPerson(api, { role: 'viewer', stores: [uploaded.northId] });
    const actions = kh.serverAdmin.personActions;
    expect(await actions.sendPasswordReset(adminSession, { personId: viewer.id })).toMatchObject({
      email: 'sent',
    });
    const other = await createPerson(api, { role: 'viewer', stores: [uploaded.southId] });
    expect(await errorCode(() => actions.unlock(adminSession, { personId: other.id }))).toBe(
      'server_not_found',
    );
    expect(
      await errorCode(() => actions.resetTwoFactor(adminSession, { personId: api.adminId })),
    ).toBe('server_not_found');
    expect(
      await errorCode(() =>
        actions.erase(adminSession, { personId: viewer.id, confirmEmail: viewer.email }),
      ),
    ).toBe('forbidden');
    await kh.serverAdmin.signOut(adminSession);
  });

  it('locking the local session drops the server session and signs it out on the server', async () => {
    await signInToServer();
    const live = await liveServerSessions();
    // No sweep call: locking notifies the admin area at once (SessionService.onLeave).
    kh.sessions.lock(adminSession, 'manual');
    const held = kh.serverAdmin as unknown as { store: { sessionIds(): string[] } };
    expect(held.store.sessionIds()).not.toContain(adminSession);
    await waitFor(async () => (await liveServerSessions()) === live - 1);
    await kh.myAccount.unlockSession(adminSession, PASSWORD);
    expect(kh.serverAdmin.status(adminSession).signedIn).toBe(false);
    expect(await errorCode(() => kh.serverAdmin.listStores(adminSession))).toBe(
      'server_sign_in_required',
    );
  });

  it('signing out of the server, or ending the local session, drops the tokens', async () => {
    await signInToServer();
    expect((await kh.serverAdmin.signOut(adminSession)).signedIn).toBe(false);

    await signInToServer();
    const live = await liveServerSessions();
    kh.sessions.end(adminSession, 'signed_out');
    expect(await errorCode(() => kh.serverAdmin.listStores(adminSession))).toBe('session_ended');
    await waitFor(async () => (await liveServerSessions()) === live - 1);
  });
});

describe('transport failures', () => {
  it('an unreachable server and a TLS failure are clear errors', async () => {
    const session = await signInLocally(tillAdmin);
    kh.device.markEnrolled('http://127.0.0.1:9', harness.clock.nowMs());
    expect(await errorCode(() => signInToServer(session))).toBe('server_unreachable');
    kh.device.markEnrolled(base.replace('http:', 'https:'), harness.clock.nowMs());
    expect(await errorCode(() => signInToServer(session))).toBe('server_tls');
  });
});

async function signInViaInject(): Promise<string> {
  const r = await call(api.s, 'POST', '/api/v1/auth/sign-in', null, {
    email: api.adminEmail,
    password: PASSWORD,
    totpCode: code(),
  });
  expect(r.statusCode, r.body).toBe(200);
  return r.json<{ accessToken: string }>().accessToken;
}

async function waitFor(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not met in time');
}
