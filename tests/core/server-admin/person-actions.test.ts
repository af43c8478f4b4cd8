// The admin area's person actions (electron/core/server-admin) against a real sync server on
// loopback, signed in as the back office's admin: unlock, password reset and 2FA reset mails,
// a second invitation, the GDPR export and erasure, each with its refusals as clear errors.
// Set-up in support/admin-area-pc.
import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { contract } from '../../../common/ipc/contract';
import { createPerson, signInAs } from '../../backend/stores/support/admin-api';
import { errorCode } from '../../support/core-harness';
import {
  adminSession,
  api,
  connectToOffice,
  kh,
  lockOut,
  outbox,
  signInToServer,
  uploaded,
  useAdminAreaPc,
} from './support/admin-area-pc';

useAdminAreaPc();

describe('signed in to a real server', () => {
  beforeAll(async () => {
    await connectToOffice();
    await signInToServer();
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
    // Asked again (from another PC that still lists them, say): the same answer, idempotent.
    expect(
      await actions.erase(adminSession, { personId: person.id, confirmEmail: person.email }),
    ).toEqual(erased);
  });
});
