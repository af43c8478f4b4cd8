import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config';
import { renderMail, type MailTemplate } from './templates';

export interface Mailer {
  send(to: string, template: MailTemplate): Promise<void>;
  close(): void;
}

type Log = (message: string, fields?: Record<string, unknown>) => void;

/**
 * SMTP when SMTP_URL is set (any relay, e.g. SendGrid's); otherwise every message is written to
 * DATA_DIR/outbox as an .eml file and logged (without its secrets), so the embedded default
 * works with nothing set up. Mail is best-effort for the caller: a failed send is logged and
 * re-thrown, and the caller decides whether the operation stands.
 */
export function createMailer(
  config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM' | 'SUPPORT_CONTACT' | 'dataDir'>,
  log: Log = () => {},
): Mailer {
  if (config.SMTP_URL)
    return new SmtpMailer(nodemailer.createTransport(config.SMTP_URL), config, log);
  return new OutboxMailer(join(config.dataDir, 'outbox'), config, log);
}

class SmtpMailer implements Mailer {
  constructor(
    private readonly transport: Transporter,
    private readonly config: Pick<Config, 'MAIL_FROM' | 'SUPPORT_CONTACT'>,
    private readonly log: Log,
  ) {}

  async send(to: string, template: MailTemplate): Promise<void> {
    const mail = renderMail(template, this.config.SUPPORT_CONTACT);
    await this.transport.sendMail({
      from: this.config.MAIL_FROM,
      to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      ...listHeaders(mail.essential, template),
    });
    this.log('mail sent', { kind: template.kind });
  }

  close(): void {
    this.transport.close();
  }
}

class OutboxMailer implements Mailer {
  constructor(
    private readonly dir: string,
    private readonly config: Pick<Config, 'MAIL_FROM' | 'SUPPORT_CONTACT'>,
    private readonly log: Log,
  ) {}

  async send(to: string, template: MailTemplate): Promise<void> {
    const mail = renderMail(template, this.config.SUPPORT_CONTACT);
    // Build the message with nodemailer's own MIME writer, so the .eml opens in any mail client.
    const transport = nodemailer.createTransport({
      streamTransport: true,
      buffer: true,
      newline: 'unix',
    });
    const info = await transport.sendMail({
      from: this.config.MAIL_FROM,
      to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      ...listHeaders(mail.essential, template),
    });
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = join(
      this.dir,
      `${new Date().toISOString().replace(/[:.]/g, '-')}-${template.kind}-${randomUUID().slice(0, 8)}.eml`,
    );
    writeFileSync(file, info.message as Buffer, { mode: 0o600 });
    this.log('mail written to outbox (no SMTP_URL configured)', { kind: template.kind, file });
  }

  close(): void {}
}

function unsubscribeOf(template: MailTemplate): string {
  return template.kind === 'weekly_digest' ? template.unsubscribeLink : '';
}

/**
 * Non-essential mail: `List-Unsubscribe` with the link, and `List-Unsubscribe-Post` so mail
 * clients can offer one-click unsubscribe (RFC 8058; the link's POST accepts it).
 */
function listHeaders(essential: boolean, template: MailTemplate) {
  if (essential) return {};
  return {
    list: { unsubscribe: unsubscribeOf(template) },
    headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}
