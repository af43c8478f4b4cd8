import { afterAll, beforeAll, expect, it } from 'vitest';
import { PasswordHasher } from '../../../backend-sync/auth/password-hasher';
import { defaultPolicyFor } from '../../../backend-sync/auth/policy-source';
import { ResetAdminTwoFactorError, SetupService } from '../../../backend-sync/auth/setup.service';
import { ServerAudit } from '../../../backend-sync/services/server-audit';
import {
  adminSession,
  auditOf,
  call,
  changeSeqOf,
  secretsOf,
  seedStore,
  startPeopleServer,
  type PeopleServer,
  type Session,
} from '../people/support/people-helpers';
import { describeEachDialect, openTotpSecret } from '../support/server-harness';
import {
  createAdmin,
  expectGenericError,
  me,
  nextStep,
  PASSWORD,
  post,
  signIn,
  totp,
} from './support/auth-helpers';

/**
 * `npm run server -- reset-admin-2fa --email …` (the operator, on the server box): an admin who
 * lost their authenticator gets a one-time setup code and enrolls a new one through the
 * existing /setup routes with their current password, which does not change.
 */
describeEachDialect('operator recovery of an admin’s two-step sign-in', (dialect) => {
  let server: PeopleServer;
  let ada: Session;
  let setup: SetupService;
  beforeAll(async () => {
    server = await startPeopleServer(dialect);
    ada = await adminSession(server, 'ada@example.com');
    // What the CLI builds, on the test server's database and clock.
    setup = new SetupService({
      db: server.s.database.db,
      clock: server.clock,
      hasher: new PasswordHasher(),
      audit: new ServerAudit(server.s.database.db, server.clock),
      policyFor: defaultPolicyFor,
    });
  });
  afterAll(() => server.close());

  const adaRow = () =>
    server.s.database.db
      .selectFrom('users')
      .select(['status', 'password_hash', 'totp_secret', 'totp_last_step'])
      .where('id', '=', ada.userId)
      .executeTakeFirstOrThrow();

  it('clears the key, signs out, lifts a lock, and prints a code that enrolls a new authenticator', async () => {
    const { s, clock } = server;
    const before = await adaRow();
    const seq = await changeSeqOf(s, ada.userId);
    // The lost phone: a few wrong codes on the way.
    for (let i = 0; i < 3; i++) {
      clock.advance(60_000);
      await post(s, '/sign-in', { email: ada.email, password: PASSWORD, totpCode: '000000' });
    }
    const reset = await setup.resetAdminTwoFactor({ email: ' ADA@example.com' });
    expect(reset).toMatchObject({ userId: ada.userId, revokedSessions: 1 });
    expect(reset.setupCode).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$/);
    expect(reset.expiresAt - clock.nowMs()).toBe(60 * 60 * 1000);
    expect(await adaRow()).toEqual({
      status: 'active',
      password_hash: before.password_hash,
      totp_secret: null,
      totp_last_step: 0,
    });
    expect(await me(s, ada.tokens.accessToken)).toBe(401);
    expect(await changeSeqOf(s, ada.userId)).toBeGreaterThan(seq);
    const failures = await s.database.db
      .selectFrom('sign_in_failures')
      .selectAll()
      .where('subject', '=', `u:${ada.userId}`)
      .execute();
    expect(failures).toEqual([]);
    expect(await auditOf(s, 'admin.two_factor_reset', ada.userId)).toEqual([
      {
        actorId: null,
        targetId: ada.userId,
        outcome: 'success',
        details: {
          via: 'cli',
          before: { totpEnabled: true },
          after: { totpEnabled: false },
          revokedSessions: 1,
          unlocked: true,
        },
      },
    ]);
    // Stored only as a hash.
    const stored = JSON.stringify(
      await s.database.db.selectFrom('one_time_tokens').selectAll().execute(),
    );
    expect(stored).not.toContain(reset.setupCode.replace(/-/g, ''));

    // Until the new key is enrolled, the sign-in says so (after the right password).
    nextStep(clock);
    expectGenericError(
      await post(s, '/sign-in', { email: ada.email, password: PASSWORD, totpCode: '123456' }),
      403,
      'two_factor_setup_required',
    );
    // The mailbox gets a link too (the same way back in as for anyone whose 2FA was reset).
    const linkMail = await server.mail.next(ada.email);
    expect(linkMail.subject).toBe('Set up two-step sign-in for Keyholder');
    // create-admin keeps refusing the active account.
    await expect(createAdmin(server, 'ada@example.com')).rejects.toThrow(/already exists/);

    const body = { email: ada.email, setupCode: reset.setupCode };
    const start = await post(s, '/setup/start', body);
    expect(start.statusCode, start.body).toBe(200);
    const enrollment = start.json() as { secret: string; mode: string };
    expect(enrollment.mode).toBe('two_factor_reset');
    expect(enrollment.secret).not.toBe(ada.secret);
    expect((await post(s, '/setup/start', body)).json()).toEqual(enrollment);

    // The current password, not a new one: a leaked code alone does not open the account.
    const newPassword = await post(s, '/setup/complete', {
      ...body,
      password: 'an entirely new passphrase 2026',
      totpCode: totp(enrollment.secret, clock),
    });
    expectGenericError(newPassword, 400, 'invalid_current_password');
    clock.advance(60_000);
    expectGenericError(
      await post(s, '/setup/complete', { ...body, password: PASSWORD, totpCode: '000000' }),
      400,
      'invalid_totp_code',
    );
    const done = await post(s, '/setup/complete', {
      ...body,
      password: PASSWORD,
      totpCode: totp(enrollment.secret, clock),
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({ status: 'active' });
    const after = await adaRow();
    expect(after.password_hash).toBe(before.password_hash);
    expect(openTotpSecret(server.s, after.totp_secret)).toBe(enrollment.secret);
    expect(
      (await auditOf(s, 'admin.setup', ada.userId)).map(
        (e) => `${e.outcome}:${String(e.details.mode ?? '')}:${String(e.details.reason ?? '')}`,
      ),
    ).toEqual([
      'success::', // the first set-up
      'failure:two_factor_reset:bad_password',
      'success:two_factor_reset:',
    ]);

    // Spent; the same password with the new key signs in; the old key does not.
    expectGenericError(await post(s, '/setup/start', body), 400, 'invalid_setup_code');
    nextStep(clock);
    expectGenericError(
      await post(s, '/sign-in', {
        email: ada.email,
        password: PASSWORD,
        totpCode: totp(ada.secret, clock),
      }),
      401,
      'invalid_credentials',
    );
    ada.secret = enrollment.secret;
    ada.tokens = await signIn(server, ada.email, ada.secret);
    expect(await me(s, ada.tokens.accessToken)).toBe(200);
  });

  it('a first-setup code and a reset code cannot stand in for each other; the mailed link ends the code', async () => {
    const { s, clock } = server;
    // A code from reset-admin-2fa dies once 2FA is back by another way (the mailed link).
    const reset = await setup.resetAdminTwoFactor({ email: ada.email });
    nextStep(clock);
    expectGenericError(
      await post(s, '/sign-in', { email: ada.email, password: PASSWORD, totpCode: '123456' }),
      403,
      'two_factor_setup_required',
    );
    const link = secretsOf(await server.mail.next(ada.email));
    const started = await call(s, 'POST', '/account/two-factor/start', {
      body: { token: link.token },
    });
    const secret = started.json().totp.secret as string;
    const enrolled = await call(s, 'POST', '/account/two-factor/complete', {
      body: { token: link.token, password: PASSWORD, totpCode: totp(secret, clock) },
    });
    expect(enrolled.statusCode, enrolled.body).toBe(200);
    await server.mail.next(ada.email); // the alert
    expectGenericError(
      await post(s, '/setup/start', { email: ada.email, setupCode: reset.setupCode }),
      400,
      'invalid_setup_code',
    );
    ada.secret = secret;

    // A pending admin's first-setup code cannot be used as a re-enrollment of anyone else.
    const pending = await createAdmin(server, 'grace@example.com');
    expectGenericError(
      await post(s, '/setup/start', { email: ada.email, setupCode: pending.setupCode }),
      400,
      'invalid_setup_code',
    );
  });

  it('refuses unknown addresses, non-admins, pending and disabled admins, with a reason', async () => {
    const { s } = server;
    const store = await seedStore(s, 'Harbour');
    const token = (await signIn(server, ada.email, ada.secret)).accessToken;
    const created = await call(s, 'POST', '/users', {
      token,
      body: {
        email: 'mo@example.com',
        username: 'mo.manager',
        displayName: 'Mo',
        role: 'manager',
        storeIds: [store],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    await s.database.db
      .updateTable('users')
      .set({ status: 'active', email_verified_at: 1 })
      .where('email', '=', 'mo@example.com')
      .execute();
    await createAdmin(server, 'pending@example.com');
    await createAdmin(server, 'off@example.com');
    await s.database.db
      .updateTable('users')
      .set({ status: 'disabled' })
      .where('email', '=', 'off@example.com')
      .execute();
    const before = await auditOf(s, 'admin.two_factor_reset');
    for (const [email, reason] of [
      ['nobody@example.com', /No account uses the email nobody@example\.com/],
      ['mo@example.com', /is not an admin/],
      ['pending@example.com', /run create-admin again/],
      ['off@example.com', /is disabled/],
    ] as const) {
      const error = await setup.resetAdminTwoFactor({ email }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ResetAdminTwoFactorError);
      expect((error as Error).message).toMatch(reason);
    }
    expect(await auditOf(s, 'admin.two_factor_reset')).toEqual(before);
  });
});
