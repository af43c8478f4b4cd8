import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sendDigest } from '../../../backend-sync/commands/send-digest';
import { setUpAdmin, signIn, startAuthServer } from '../auth/support/auth-helpers';
import {
  call,
  createPerson,
  enrollPc,
  serverEvents,
  setStatus,
  signInAs,
  type AdminApi,
  type Person,
} from '../stores/support/admin-api';
import { describeEachDialect } from '../support/server-harness';
import { recipientOf, startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import {
  buildTwoStores,
  DAY,
  EVIL_STORE,
  uploadTwoStores,
  type TwoStores,
  type UploadedStores,
} from './support/two-stores';

let data: TwoStores;
let sink: SmtpSink;
beforeAll(async () => {
  data = await buildTwoStores();
  sink = await startSmtpSink();
});
afterAll(async () => {
  data.dispose();
  await sink.close();
});

describeEachDialect('weekly digest', (dialect) => {
  let api: AdminApi;
  let stores: UploadedStores;
  let northManager: Person;
  let quietManager: Person;
  const mails = (since: number): ParsedMail[] => sink.inbox.slice(since);
  const unsubscribeLink = (mail: ParsedMail): URL =>
    new URL(/Unsubscribe from these summaries: (\S+)/.exec(mail.text ?? '')![1]!);

  beforeAll(async () => {
    const server = await startAuthServer(dialect, {
      SMTP_URL: sink.url,
      PUBLIC_URL: 'https://sync.example.test',
      SUPPORT_CONTACT: 'help@franchise.test',
    });
    const adminEmail = `admin.${dialect}@example.com`;
    const { userId, secret } = await setUpAdmin(server, adminEmail);
    const { accessToken } = await signIn(server, adminEmail, secret);
    api = { ...server, adminId: userId, adminEmail, adminSecret: secret, admin: accessToken };
    stores = await uploadTwoStores(api, data);
    await enrollPc(api, stores.northId, { name: 'Never synced' });

    const optIn = async (token: string, body: Record<string, unknown>) => {
      const r = await call(api.s, 'PATCH', '/api/v1/profile/preferences', token, body);
      expect(r.statusCode, r.body).toBe(200);
    };
    await optIn(api.admin, { weeklyDigest: true });
    northManager = await createPerson(api, { role: 'manager', stores: [stores.northId] });
    await optIn(await signInAs(api, northManager), { weeklyDigest: true });
    // Quiet from 08:00 to 10:00 UTC; the clock reads about 09:00 when the first run happens.
    quietManager = await createPerson(api, { role: 'manager', stores: [stores.southId] });
    await optIn(await signInAs(api, quietManager), {
      weeklyDigest: true,
      quietHours: { start: '08:00', end: '10:00', timeZone: 'UTC' },
    });
    // Opted in, but nothing to report on or no right to read it: no mail.
    const storeless = await createPerson(api, { role: 'manager' });
    await optIn(await signInAs(api, storeless), { weeklyDigest: true });
    const viewer = await createPerson(api, { role: 'viewer', stores: [stores.northId] });
    await optIn(await signInAs(api, viewer), { weeklyDigest: true });
    const disabled = await createPerson(api, { role: 'manager', stores: [stores.northId] });
    await optIn(await signInAs(api, disabled), { weeklyDigest: true });
    await setStatus(api, disabled.id, 'disabled');
    // Not opted in (the default).
    await createPerson(api, { role: 'manager', stores: [stores.southId] });
    // Three days on: every store-PC event is in the last 7 days, every PC silent for 24 h+.
    api.clock.advance(3 * DAY - (api.clock.nowMs() % DAY) + 9 * 3_600_000);
  });
  afterAll(() => api.s.close());

  const run = () => sendDigest(api.s.config, api.s.database, { clock: api.clock });

  it('mails each opted-in admin and manager a summary of their stores, once a week', async () => {
    const before = sink.inbox.length;
    expect(await run()).toEqual({
      sent: 2,
      failed: 0,
      skipped: { quietHours: 1, alreadySent: 0, noStores: 1 },
    });
    const sent = mails(before);
    expect(sent.map(recipientOf).sort()).toEqual([api.adminEmail, northManager.email].sort());

    const admin = sent.find((m) => recipientOf(m) === api.adminEmail)!;
    expect(admin.subject).toBe('Your weekly Keyholder summary');
    const text = admin.text ?? '';
    expect(text).toContain('Here is the last week at your 2 stores, from 2026-11-25 to 2026-12-02');
    expect(text).toContain(
      'In total: 3 sign-ins, 14 failed sign-ins, 1 lockout; 3 devices not synced for 24 hours or more.',
    );
    // The store with the most trouble first.
    expect(text.indexOf(EVIL_STORE)).toBeLessThan(text.indexOf('North:'));
    expect(text).toContain(`${EVIL_STORE}: 1 sign-in, 11 failed, 1 lockout, 1 device out of sync.`);
    expect(text).toContain('North: 2 sign-ins, 3 failed, 0 lockouts, 2 devices out of sync.');
    expect(text).toContain('help@franchise.test');
    // The store name an admin typed is text in the HTML, never markup.
    expect(String(admin.html)).not.toContain(EVIL_STORE);
    expect(String(admin.html)).toContain('=HYPERLINK(&#34;http://evil.example&#34;');
    // Unsubscribe: in the text, the HTML and the List-Unsubscribe headers (RFC 8058 one-click).
    const link = unsubscribeLink(admin);
    expect(link.origin + link.pathname).toBe('https://sync.example.test/unsubscribe');
    expect(String(admin.html)).toContain(`href="${link.toString()}"`);
    expect(JSON.stringify(admin.headers.get('list'))).toContain(link.toString());
    expect(admin.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe(
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );

    // A manager sees only their own store.
    const manager = sent.find((m) => recipientOf(m) === northManager.email)!;
    expect(manager.text).toContain('Here is the last week at your store');
    expect(manager.text).toContain('North: 2 sign-ins');
    expect(manager.text).not.toContain('HYPERLINK');

    // Recorded for admins, and the reason a second run this week sends nothing.
    const recorded = await serverEvents(api.s, 'digest.sent');
    expect(recorded.map((e) => [e.targetId, e.outcome]).sort()).toEqual(
      [
        [api.adminId, 'success'],
        [northManager.id, 'success'],
      ].sort(),
    );
    expect(await run()).toMatchObject({ sent: 0, skipped: { alreadySent: 2, quietHours: 1 } });
    expect(sink.inbox.length).toBe(before + 2);
  });

  it('the unsubscribe link works without signing in; opening it changes nothing', async () => {
    const mail = mails(0)
      .filter((m) => recipientOf(m) === northManager.email)
      .at(-1)!;
    const link = unsubscribeLink(mail);
    const path = `${link.pathname}${link.search}`;
    const page = await api.s.app.inject({ url: path });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('<form method="post" action="unsubscribe?token=');
    const prefs = async (person: Person) =>
      (await call(api.s, 'GET', '/api/v1/profile/preferences', await signInAs(api, person))).json<{
        weeklyDigest: boolean;
      }>().weeklyDigest;
    expect(await prefs(northManager)).toBe(true); // a mail scanner's GET does nothing

    const done = await api.s.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.body).toContain('You are unsubscribed');
    expect(await prefs(northManager)).toBe(false);
    // The same link again: still fine, nothing more to do.
    expect((await api.s.app.inject({ method: 'POST', url: path })).statusCode).toBe(200);
    const changes = (await serverEvents(api.s, 'profile.preferences')).filter(
      (e) => e.details.via === 'unsubscribe_link',
    );
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      actorId: northManager.id,
      targetId: northManager.id,
      details: { before: { weeklyDigest: true }, after: { weeklyDigest: false } },
    });
  });

  it('takes a mail client’s one-click POST, and refuses forged links', async () => {
    const mail = mails(0)
      .filter((m) => recipientOf(m) === api.adminEmail)
      .at(-1)!;
    const link = unsubscribeLink(mail);
    const token = link.searchParams.get('token')!;
    const [adminId, mac] = token.split('.') as [string, string];
    const forged = [
      `${adminId}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      `${northManager.id}.${mac}`,
      adminId,
      'x'.repeat(80),
    ];
    for (const bad of forged) {
      const url = `/unsubscribe?token=${encodeURIComponent(bad)}`;
      const page = await api.s.app.inject({ url });
      expect(page.statusCode).toBe(400);
      expect(page.body).toContain('This link is not valid');
      const post = await api.s.app.inject({ method: 'POST', url });
      expect(post.statusCode).toBe(400);
      expect(post.json()).toMatchObject({ error: { code: 'invalid_link' } });
    }
    const oneClick = await api.s.app.inject({
      method: 'POST',
      url: `${link.pathname}${link.search}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(200);
    // The clock has moved past the admin's access token: sign in again to read.
    const admin = (await signIn(api, api.adminEmail, api.adminSecret)).accessToken;
    const prefs = await call(api.s, 'GET', '/api/v1/profile/preferences', admin);
    const { weeklyDigest } = prefs.json<{ weeklyDigest: boolean }>();
    expect(weeklyDigest).toBe(false);
  });

  it('reaches the person who was in quiet hours at a later run', async () => {
    api.clock.advance(2 * 3_600_000); // 11:00 UTC: past the quiet hours
    const before = sink.inbox.length;
    expect(await run()).toEqual({
      sent: 1,
      failed: 0,
      skipped: { quietHours: 0, alreadySent: 0, noStores: 1 },
    });
    expect(mails(before).map(recipientOf)).toEqual([quietManager.email]);
    expect(mails(before)[0]!.text).toContain(`${EVIL_STORE}: 1 sign-in`);
  });
});
