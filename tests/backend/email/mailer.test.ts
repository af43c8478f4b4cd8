import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../../backend-sync/email/mailer';
import { escapeHtml, renderMail } from '../../../backend-sync/email/templates';

/** A real SMTP server on loopback that keeps every message it receives. */
async function startSmtpSink(): Promise<{
  url: string;
  inbox: ParsedMail[];
  close: () => Promise<void>;
}> {
  const inbox: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        inbox.push(mail);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    inbox,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

describe('email', () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.close());

  it('sends text + HTML over real SMTP with the support contact', async () => {
    const mailer = createMailer({
      SMTP_URL: sink.url,
      MAIL_FROM: 'Keyholder <no-reply@keyholder.test>',
      SUPPORT_CONTACT: 'help@franchise.test',
      dataDir: tmpdir(),
    });
    await mailer.send('ada@example.test', {
      kind: 'verify_email',
      name: 'Ada',
      code: '492-113',
      link: 'https://sync.example.test/verify?token=abc',
    });
    mailer.close();
    const mail = sink.inbox.at(-1)!;
    expect(mail.subject).toBe('Confirm your email address for Keyholder');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('ada@example.test');
    expect(mail.text).toContain('492-113');
    expect(mail.text).toContain('https://sync.example.test/verify?token=abc');
    expect(mail.text).toContain('help@franchise.test');
    expect(String(mail.html)).toContain('<a href="https://sync.example.test/verify?token=abc">');
    expect(mail.headers.get('list')).toBeUndefined();
  });

  it('puts an unsubscribe link only on non-essential mail', async () => {
    const mailer = createMailer({
      SMTP_URL: sink.url,
      MAIL_FROM: 'k@keyholder.test',
      SUPPORT_CONTACT: 'help@franchise.test',
      dataDir: tmpdir(),
    });
    await mailer.send('ada@example.test', {
      kind: 'weekly_digest',
      name: 'Ada',
      lines: ['12 sign-ins'],
      unsubscribeLink: 'https://sync.example.test/u/1',
    });
    mailer.close();
    const mail = sink.inbox.at(-1)!;
    expect(mail.text).toContain('Unsubscribe from these summaries: https://sync.example.test/u/1');
    expect(JSON.stringify(mail.headers.get('list') ?? null)).toContain(
      'https://sync.example.test/u/1',
    );
  });

  it('escapes names in HTML so a display name cannot inject markup', () => {
    const mail = renderMail(
      {
        kind: 'find_account',
        name: '<img src=x onerror=alert(1)>',
        username: 'ada',
        storeName: 'A & B "Store"',
      },
      'help',
    );
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain(escapeHtml('<img src=x onerror=alert(1)>'));
    expect(mail.html).toContain('A &#38; B &#34;Store&#34;');
  });

  it('writes to the outbox folder when no SMTP server is configured', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'keyholder-outbox-'));
    try {
      const logged: string[] = [];
      const mailer = createMailer(
        { MAIL_FROM: 'k@keyholder.test', SUPPORT_CONTACT: 'help', dataDir },
        (m) => logged.push(m),
      );
      await mailer.send('bo@example.test', {
        kind: 'reset_password',
        name: 'Bo',
        code: '111-222',
        link: 'https://x.test/r',
      });
      const files = readdirSync(join(dataDir, 'outbox'));
      expect(files).toHaveLength(1);
      const parsed = await simpleParser(readFileSync(join(dataDir, 'outbox', files[0]!)));
      expect(parsed.subject).toBe('Reset your Keyholder password');
      expect(parsed.text).toContain('111-222');
      expect(logged.join()).toContain('outbox');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
