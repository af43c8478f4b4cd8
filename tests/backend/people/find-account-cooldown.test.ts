import { afterAll, beforeAll, expect, it } from 'vitest';
import { FIND_ACCOUNT_MAIL_COOLDOWN_MS } from '../../../backend-sync/people/find-account.service';
import { describeEachDialect } from '../support/server-harness';
import {
  adminSession,
  auditOf,
  call,
  inviteAndActivate,
  seedStore,
  startPeopleServer,
  waitFor,
  type PeopleServer,
} from './support/people-helpers';

/**
 * "Find my account" needs no session: strangers asking from many addresses (behind a trusted
 * proxy, so each has its own bucket) still get one person at most one mail per cooldown window.
 */
describeEachDialect(
  'people: find my account mails one person at most once per window',
  (dialect) => {
    let server: PeopleServer;
    beforeAll(async () => {
      server = await startPeopleServer(dialect, { TRUST_PROXY: '1' });
      const store = await seedStore(server.s, 'Harbour Road');
      const admin = await adminSession(server);
      await inviteAndActivate(server, admin.tokens.accessToken, {
        email: 'cy.cooper@example.com',
        username: 'cy.c',
        displayName: 'Cy Cooper',
        role: 'viewer',
        storeIds: [store],
      });
    });
    afterAll(() => server.close());

    const find = (i: number) =>
      call(server.s, 'POST', '/account/find', {
        body: { displayName: 'Cy Cooper', storeName: 'Harbour Road' },
        headers: { 'x-forwarded-for': `198.51.100.${i + 1}` },
      });
    const finds = async () => auditOf(server.s, 'account.find');

    it('ten requests in a minute from ten addresses: one mail, the rest audited as cooled down', async () => {
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => find(i)));
      expect(answers.map((r) => r.statusCode)).toEqual(Array(10).fill(202));
      await waitFor(async () => (await finds()).length >= 10);
      await server.mail.next('cy.cooper@example.com');
      expect(server.mail.unread('cy.cooper@example.com')).toHaveLength(0);
      const cooled = (await finds()).filter((e) => e.details.cooldown === 1);
      expect(cooled).toHaveLength(9);

      server.clock.advance(FIND_ACCOUNT_MAIL_COOLDOWN_MS - 1000);
      expect((await find(20)).statusCode).toBe(202);
      await waitFor(async () => (await finds()).length >= 11);
      expect(server.mail.unread('cy.cooper@example.com')).toHaveLength(0);

      server.clock.advance(1000);
      expect((await find(21)).statusCode).toBe(202);
      const mail = await server.mail.next('cy.cooper@example.com');
      expect(mail.text).toContain('Your username at Harbour Road is: cy.c');
    });
  },
);
