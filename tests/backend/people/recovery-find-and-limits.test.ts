// People: account recovery beyond the reset itself: "find my account" mails the username without
// revealing anything, the recovery routes' rate limits (per address, account and name, behind a
// trusted proxy or not), and a slow mail relay that neither slows nor times the reset answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../support/server-harness';
import { expectGenericError } from '../auth/support/auth-helpers';
import {
  adminSession,
  auditOf,
  call,
  inviteAndActivate,
  seedStore,
  startPeopleServer,
  waitFor,
  withoutRequestId,
  type PeopleServer,
} from './support/people-helpers';

describeEachDialect('people: find my account', (dialect) => {
  let server: PeopleServer;
  beforeAll(async () => {
    server = await startPeopleServer(dialect);
    const store = await seedStore(server.s, 'Downtown Plaza');
    const admin = await adminSession(server);
    await inviteAndActivate(server, admin.tokens.accessToken, {
      email: 'bo.baker@example.com',
      username: 'bo.b',
      displayName: 'Bo Baker',
      role: 'viewer',
      storeIds: [store],
    });
  });
  afterAll(() => server.close());

  const find = (displayName: string, storeName: string) =>
    call(server.s, 'POST', '/account/find', { body: { displayName, storeName } });
  const finds = async () => (await auditOf(server.s, 'account.find')).length;

  it('mails the username to the address on file and answers without revealing anything', async () => {
    const hit = await find('  bo   BAKER ', 'downtown plaza');
    const missName = await find('Bo Bakerr', 'Downtown Plaza');
    const missStore = await find('Bo Baker', 'Uptown');
    for (const r of [hit, missName, missStore]) expect(r.statusCode).toBe(202);
    expect(withoutRequestId(hit)).toEqual(withoutRequestId(missName));
    expect(withoutRequestId(hit)).toEqual(withoutRequestId(missStore));
    expect(hit.body).not.toMatch(/@|\*\*\*|bo\.b/);
    await waitFor(async () => (await finds()) >= 3);
    const mail = await server.mail.next('bo.baker@example.com');
    expect(mail.subject).toBe('Your Keyholder account');
    expect(mail.text).toContain('Your username at Downtown Plaza is: bo.b');
    expect(server.mail.unread('bo.baker@example.com')).toHaveLength(0);
    // Looked up in the background, concurrently: the entries' order is not the requests'.
    const matched = (await auditOf(server.s, 'account.find')).map((e) => e.details.matched);
    expect(matched.sort()).toEqual([0, 0, 1]);
  });
});

describeEachDialect('people: rate limits on recovery routes', (dialect) => {
  it('limits reset and find per address; X-Forwarded-For does not open new buckets', async () => {
    const server = await startPeopleServer(dialect, {
      AUTH_RATE_LIMIT_PER_MINUTE: '3',
      TRUST_PROXY: 'false',
    });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await call(server.s, 'POST', '/account/password-reset', {
          body: { email: `user${i}@example.com` },
          headers: { 'x-forwarded-for': `203.0.113.${i + 1}` },
        });
        codes.push(r.statusCode);
        if (r.statusCode === 429) expectGenericError(r, 429, 'rate_limited');
      }
      expect(codes).toEqual([202, 202, 202, 429, 429]);
      const find = [];
      for (let i = 0; i < 4; i++) {
        find.push(
          (
            await call(server.s, 'POST', '/account/find', {
              body: { displayName: `Name ${i}`, storeName: 'Downtown' },
            })
          ).statusCode,
        );
      }
      expect(find).toEqual([202, 202, 202, 429]);
    } finally {
      await server.close();
    }
  });

  it('limits per account and per name across addresses behind a trusted proxy', async () => {
    const server = await startPeopleServer(dialect, {
      AUTH_RATE_LIMIT_PER_MINUTE: '3',
      TRUST_PROXY: '1',
    });
    try {
      const reset = [];
      const find = [];
      for (let i = 0; i < 4; i++) {
        const headers = { 'x-forwarded-for': `198.51.100.${i + 1}` };
        reset.push(
          (
            await call(server.s, 'POST', '/account/password-reset', {
              body: { email: 'target@example.com' },
              headers,
            })
          ).statusCode,
        );
        find.push(
          (
            await call(server.s, 'POST', '/account/find', {
              body: { displayName: ' Bo  Baker', storeName: `Store ${i}` },
              headers,
            })
          ).statusCode,
        );
      }
      expect(reset).toEqual([202, 202, 202, 429]);
      expect(find).toEqual([202, 202, 202, 429]);
    } finally {
      await server.close();
    }
  });
});

describe('people: a slow mail relay', () => {
  it('does not slow down (or time) the reset answer', async () => {
    const server = await startPeopleServer('sqlite', {}, { smtpDelayMs: 1500 });
    try {
      await adminSession(server);
      const started = Date.now();
      const r = await call(server.s, 'POST', '/account/password-reset', {
        body: { email: 'ada@example.com' },
      });
      expect(r.statusCode).toBe(202);
      expect(Date.now() - started).toBeLessThan(1000);
      const mail = await server.mail.next('ada@example.com', 10_000);
      expect(mail.subject).toBe('Reset your Keyholder password');
    } finally {
      await server.close();
    }
  });
});
