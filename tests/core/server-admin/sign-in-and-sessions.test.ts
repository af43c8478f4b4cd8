// The admin area's core (electron/core/server-admin) against a real sync server on loopback:
// the server sign-in with password + TOTP, the local-role check, token rotation, a server
// session ended elsewhere, a server role's refusals in plain words, tokens dropped with the
// local session, and transport failures turned into clear errors. Set-up in support/admin-area-pc.
import { beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../../backend/auth/support/auth-helpers';
import { call, createPerson } from '../../backend/stores/support/admin-api';
import { errorCode } from '../../support/core-harness';
import {
  adminSession,
  api,
  base,
  code,
  connectToOffice,
  crewSession,
  harness,
  kh,
  liveServerSessions,
  refreshTokenRows,
  serverManager,
  signInLocally,
  signInToServer,
  signInViaInject,
  tillAdmin,
  uploaded,
  useAdminAreaPc,
  waitFor,
} from './support/admin-area-pc';

useAdminAreaPc();

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
  beforeAll(connectToOffice);

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
