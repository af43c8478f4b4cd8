import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_API_PREFIX } from '../../../common/sync/protocol';
import type { HandoverPerson } from '../../../common/sync/handover';
import { PasswordHasher } from '../../../backend-sync/auth/password-hasher';
import { newTotpSecret } from '../../../backend-sync/auth/totp';
import { PASSWORD } from '../auth/support/auth-helpers';
import {
  call,
  createPerson,
  createStore,
  passwordCredential,
  refreshAdmin,
  rowCounts,
  serverEvents,
  startAdminApi,
  type AdminApi,
} from '../stores/support/admin-api';
import { describeEachDialect, openTotpSecret } from '../support/server-harness';

/**
 * Connecting a standalone PC: the preview (the code checked, not used) and the enrollment that
 * hands the PC's people over to the store, through the real routes on both dialects.
 */
describeEachDialect('enrollment preview and handover', (dialect) => {
  let api: AdminApi;
  let maple: string;
  let oak: string;
  let hash: string;
  const totp = newTotpSecret();
  beforeAll(async () => {
    api = await startAdminApi(dialect);
    maple = await createStore(api, 'Maple Street');
    oak = await createStore(api, 'Oak Avenue');
    hash = await new PasswordHasher().hash(PASSWORD);
  });
  afterAll(() => api.s.close());

  const issue = async (storeId: string) => {
    const r = await call(api.s, 'POST', `/api/v1/stores/${storeId}/enrollment-codes`, api.admin);
    expect(r.statusCode, r.body).toBe(201);
    return r.json<{ code: string }>().code;
  };
  const preview = (payload: unknown) =>
    call(api.s, 'POST', `${SYNC_API_PREFIX}/enroll/preview`, null, payload);
  const enroll = (code: string, handover?: unknown) =>
    call(api.s, 'POST', `${SYNC_API_PREFIX}/enroll`, null, {
      code,
      deviceId: randomUUID(),
      deviceName: 'Till 1',
      appVersion: '0.1.0',
      auditMacKey: randomBytes(32).toString('base64'),
      ...(handover ? { handover } : {}),
    });
  const person = async (name: string, over: Partial<HandoverPerson> = {}) => ({
    id: randomUUID(),
    username: name,
    displayName: name.replace('.', ' '),
    email: `${name}@pc.example`,
    role: 'viewer' as const,
    passwordHash: hash,
    passwordChangedAt: api.clock.nowMs(),
    mustChangePassword: false,
    temporaryPasswordExpiresAt: null,
    totpSecret: totp,
    credential: await passwordCredential(),
    ...over,
  });

  describe('preview', () => {
    it('names the store and its people, and which names are taken elsewhere, without using the code', async () => {
      const manager = await createPerson(api, { role: 'manager', stores: [maple], name: 'Mia M' });
      const elsewhere = await createPerson(api, { role: 'viewer', stores: [oak] });
      const code = await issue(maple);
      const r = await preview({
        code,
        usernames: [elsewhere.username, 'new.person'],
        emails: [elsewhere.email.toUpperCase(), 'new@pc.example'],
      });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toEqual({
        storeId: maple,
        storeName: 'Maple Street',
        people: [
          { username: manager.username, displayName: 'Mia M', role: 'manager', status: 'active' },
        ],
        takenUsernames: [elsewhere.username],
        takenEmails: [elsewhere.email],
      });
      expect(r.headers['cache-control']).toBe('no-store');
      // Not used: the same code still enrolls.
      expect((await enroll(code)).statusCode).toBe(200);
      // Used now: the preview refuses it like enrollment does.
      const used = await preview({ code });
      expect(used.statusCode).toBe(400);
      expect(used.json().error.code).toBe('enrollment_refused');
    });

    it('a wrong or expired code gets the generic refusal; bad input is refused', async () => {
      const wrong = await preview({ code: 'AAAA-BBBB-CCCC-DDDD' });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().error).toMatchObject({
        code: 'enrollment_refused',
        message: 'This enrollment code is not valid or has expired. Ask your admin for a new one.',
      });
      const code = await issue(maple);
      api.clock.advance(16 * 60_000);
      expect((await preview({ code })).json().error.code).toBe('enrollment_refused');
      await refreshAdmin(api);
      const extra = await preview({ code, storeId: maple });
      expect(extra.statusCode).toBe(400);
      const tooMany = await preview({ code, usernames: Array(501).fill('x.y') });
      expect(tooMany.statusCode).toBe(400);
    });
  });

  describe('enroll with a handover', () => {
    it('creates the people on the store with their hash, authenticator and key; an admin as manager', async () => {
      const code = await issue(maple);
      const ada = await person('ada.pc', { role: 'admin' });
      const cam = await person('cam.pc', { totpSecret: null });
      const before = await serverEvents(api.s, 'user.create');
      const r = await enroll(code, { people: [ada, cam], connectingUsername: 'ada.pc' });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().handedOver).toBe(2);
      const rows = await api.s.database.db
        .selectFrom('users')
        .innerJoin('user_stores', 'user_stores.user_id', 'users.id')
        .selectAll()
        .where('users.id', 'in', [ada.id, cam.id])
        .orderBy('username')
        .execute();
      expect(rows.map((u) => [u.username, u.role, u.status, u.store_id])).toEqual([
        ['ada.pc', 'manager', 'active', maple],
        ['cam.pc', 'viewer', 'active', maple],
      ]);
      expect(rows[0]!.password_hash).toBe(hash);
      expect(rows[0]!.totp_secret).not.toContain(totp);
      expect(openTotpSecret(api.s, rows[0]!.totp_secret)).toBe(totp);
      expect(rows[1]!.totp_secret).toBeNull();
      expect(rows[0]!.credential_key).toBe((await passwordCredential()).key);
      const created = (await serverEvents(api.s, 'user.create')).slice(before.length);
      expect(created.map((e) => e.details)).toEqual([
        expect.objectContaining({ source: 'handover', role: 'manager', roleOnPc: 'admin' }),
        expect.objectContaining({ source: 'handover', role: 'viewer' }),
      ]);
      const enrolled = await serverEvents(api.s, 'device.enroll');
      expect(enrolled.at(-1)!.details).toMatchObject({ handedOver: 2 });
    });

    it('a conflict refuses the whole handover, writes nothing, and leaves the code usable', async () => {
      const elsewhere = await createPerson(api, { role: 'viewer', stores: [oak] });
      const code = await issue(maple);
      const counts = () => rowCounts(api.s, ['users', 'user_stores', 'devices']);
      const before = await counts();
      const fine = await person('dee.pc');
      const clash = await person(elsewhere.username);
      const r = await enroll(code, { people: [fine, clash], connectingUsername: 'dee.pc' });
      expect(r.statusCode).toBe(409);
      expect(r.json().error.code).toBe('handover_changed');
      const mail = await enroll(code, {
        people: [fine, await person('eve.pc', { email: elsewhere.email })],
        connectingUsername: 'dee.pc',
      });
      expect(mail.json().error.code).toBe('handover_changed');
      // The address of someone of this very store (another username): taken too.
      const member = await createPerson(api, { role: 'viewer', stores: [maple] });
      const sameStoreMail = await enroll(code, {
        people: [fine, await person('gil.pc', { email: member.email })],
        connectingUsername: 'dee.pc',
      });
      expect(sameStoreMail.json().error.code).toBe('handover_changed');
      // Someone invited to the store but not active there keeps their username: not kept.
      const invited = await createPerson(api, {
        role: 'viewer',
        stores: [maple],
        status: 'pending',
      });
      const notKept = await enroll(code, { people: [fine], connectingUsername: invited.username });
      expect(notKept.json().error.code).toBe('handover_no_way_in');
      const clashInvited = await enroll(code, {
        people: [fine, await person(invited.username)],
        connectingUsername: 'dee.pc',
      });
      expect(clashInvited.json().error.code).toBe('handover_changed');
      const again = await enroll(code, {
        people: [fine, await person('dee.pc')],
        connectingUsername: 'dee.pc',
      });
      expect(again.statusCode).toBe(400);
      // Two people were created for the test itself (member, invited); nothing else.
      const after = await counts();
      expect(after).toEqual({
        ...before,
        users: before.users! + 2,
        user_stores: before.user_stores! + 2,
      });
      // Nothing was used: the same code enrolls with the handover that fits.
      const ok = await enroll(code, { people: [fine], connectingUsername: 'dee.pc' });
      expect(ok.statusCode, ok.body).toBe(200);
      // ...once.
      const reuse = await enroll(code, {
        people: [await person('fay.pc')],
        connectingUsername: 'fay.pc',
      });
      expect(reuse.json().error.code).toBe('enrollment_refused');
    });

    it('whoever connects must keep a way in; weak hashes and bad input are refused', async () => {
      const code = await issue(maple);
      const noWay = await enroll(code, {
        people: [await person('gus.pc')],
        connectingUsername: 'someone.else',
      });
      expect(noWay.statusCode).toBe(409);
      expect(noWay.json().error.code).toBe('handover_no_way_in');
      const weak = await enroll(code, {
        people: [
          await person('hal.pc', {
            passwordHash:
              '$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2g',
          }),
        ],
        connectingUsername: 'hal.pc',
      });
      expect(weak.statusCode).toBe(400);
      const extraField = await enroll(code, {
        people: [{ ...(await person('ivy.pc')), status: 'active' }],
        connectingUsername: 'ivy.pc',
      });
      expect(extraField.statusCode).toBe(400);
      const noEmail = await enroll(code, {
        people: [await person('jo.pc', { email: '' })],
        connectingUsername: 'jo.pc',
      });
      expect(noEmail.statusCode).toBe(400);
      // Someone already assigned to the store may connect with an empty handover.
      const kept = await createPerson(api, { role: 'manager', stores: [maple] });
      const ok = await enroll(code, { people: [], connectingUsername: kept.username });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().handedOver).toBe(0);
    });
  });
});
