import { afterAll, beforeAll, expect, it } from 'vitest';
import { LockoutService, lockoutSubject } from '../../../backend-sync/auth/lockout.service';
import { defaultPolicyFor } from '../../../backend-sync/auth/policy-source';
import { signIn, totp } from '../auth/support/auth-helpers';
import { describeEachDialect } from '../support/server-harness';
import {
  adminSession,
  auditOf,
  call,
  inviteAndActivate,
  secretsOf,
  seedStore,
  startPeopleServer,
  type PeopleServer,
  type Session,
} from './support/people-helpers';

/**
 * A password reset from the mailed link (asked for by the person or started by an admin)
 * proves the mailbox and, with 2FA enrolled, a current code: it lifts a lockout with it, in
 * its transaction, audited as `user.unlock` for `password_reset`, as a manager's temporary
 * password does on a store PC. The new password then signs in at once.
 */
describeEachDialect('people: a password reset lifts the lockout', (dialect) => {
  let server: PeopleServer;
  let admin: Session;
  let store: string;
  beforeAll(async () => {
    server = await startPeopleServer(dialect);
    store = await seedStore(server.s, 'Downtown');
    admin = await adminSession(server);
  });
  afterAll(() => server.close());

  it('a locked manager resets from the mail and signs in with the new password', async () => {
    const { s, clock } = server;
    const adminToken = (await signIn(server, admin.email, admin.secret)).accessToken;
    const email = 'mia@example.com';
    const mia = await inviteAndActivate(server, adminToken, {
      email,
      username: 'mia',
      displayName: 'Mia Manager',
      role: 'manager',
      storeIds: [store],
    });
    const lockout = new LockoutService(s.database.db);
    const policy = defaultPolicyFor('manager');
    for (let i = 0; i < policy.lockout.threshold; i += 1)
      await lockout.recordFailure(lockoutSubject({ id: mia.userId }, ''), clock.nowMs(), policy);
    const state = async () =>
      (await lockout.check(lockoutSubject({ id: mia.userId }, ''), clock.nowMs())).state;
    expect(await state()).toBe('locked');

    expect((await call(s, 'POST', '/account/password-reset', { body: { email } })).statusCode).toBe(
      202,
    );
    const { token } = secretsOf(await server.mail.next(email));
    const newPassword = 'a brand new passphrase 77';
    const done = await call(s, 'POST', '/account/password-reset/complete', {
      body: { token, newPassword, totpCode: totp(mia.secret, clock) },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(await state()).toBe('open');
    expect(await auditOf(s, 'user.unlock', mia.userId)).toEqual([
      {
        actorId: mia.userId,
        targetId: mia.userId,
        outcome: 'success',
        details: { wasLocked: true, reason: 'password_reset', via: 'link' },
      },
    ]);
    // The new password is taken at once: no lock message (signIn expects 200).
    await signIn(server, email, mia.secret, newPassword);
  });
});
