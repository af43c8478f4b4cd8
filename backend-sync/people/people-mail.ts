import type { Config } from '../config';
import type { Mailer } from '../email/mailer';
import type { MailTemplate } from '../email/templates';
import type { AccountLang } from './account-words';

export type MailResult = 'sent' | 'failed';

type Log = (level: 'info' | 'warn', message: string, fields?: Record<string, unknown>) => void;

/** The pages a mailed link opens (served by routes/account-recovery.routes.ts). */
export type AccountPage = 'verify' | 'reset' | 'confirm-email' | 'two-factor';

/**
 * "ada.lovelace@example.com" → "a***@e***.com": enough for a person to recognise their own
 * mailbox, not enough to learn someone else's address.
 */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  const labels = domain.split('.');
  const tld = labels.length > 1 ? labels.at(-1) : '';
  return `${local.slice(0, 1)}***@${(labels[0] ?? '').slice(0, 1)}***${tld ? `.${tld}` : ''}`;
}

/**
 * Mail for the people services.
 * - `send`: awaited, for signed-in admins who should learn at once that a mail did not go out.
 * - `sendLater`: after the response, for public endpoints, so neither the answer nor its timing
 *   depends on whether an address exists or how slow the SMTP relay is. Pending sends are
 *   awaited on shutdown (`drain`).
 * Links put the secret in the URL fragment: browsers never send a fragment to a server, so it
 * stays out of access logs, proxies and Referer headers.
 */
export class PeopleMail {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly mailer: Mailer,
    private readonly config: Pick<Config, 'PUBLIC_URL'>,
    private readonly log: Log,
  ) {}

  /**
   * `lang`: the page's language when the server knows the person's (the language of the request
   * that triggered the mail: there is no language setting per person); without it, the page
   * follows the browser that opens it.
   */
  link(page: AccountPage, token: string, lang?: AccountLang): string {
    const base = this.config.PUBLIC_URL.endsWith('/')
      ? this.config.PUBLIC_URL
      : `${this.config.PUBLIC_URL}/`;
    const url = new URL(`account/${page}`, base);
    if (lang) url.searchParams.set('lang', lang);
    return `${url.toString()}#token=${token}`;
  }

  async send(to: string, template: MailTemplate): Promise<MailResult> {
    try {
      await this.mailer.send(to, template);
      return 'sent';
    } catch (error) {
      this.log('warn', 'mail not sent', {
        kind: template.kind,
        err: error instanceof Error ? error.message : String(error),
      });
      return 'failed';
    }
  }

  /** Runs `job` (which may send mail) after the current request, tracked until it ends. */
  later(job: () => Promise<unknown>): void {
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(job)
      .catch((error: unknown) => {
        this.log('warn', 'background people job failed', {
          err: error instanceof Error ? error.message : String(error),
        });
      });
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }

  sendLater(to: string, template: MailTemplate): void {
    this.later(() => this.send(to, template));
  }

  /** Waits for every background job (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  close(): void {
    this.mailer.close();
  }
}
