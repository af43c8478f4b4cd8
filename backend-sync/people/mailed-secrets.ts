import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { ServerAuditEntry } from '../services/server-audit';
import type { AccountLang } from './account-words';
import type { IssuedSecrets, OneTimePurpose } from './one-time-codes';
import type { PeopleDeps } from './people-deps';
import type { AccountPage, PeopleMail } from './people-mail';

/** The page a mailed secret's link opens, per purpose. */
const PAGE_OF = {
  verify_email: 'verify',
  reset_password: 'reset',
  change_email: 'confirm-email',
  enroll_totp: 'two-factor',
} as const satisfies Record<OneTimePurpose, AccountPage>;

/** What a mail template needs of a one-time secret: the typed code and the link. */
export interface MailedSecret {
  code: string;
  link: string;
}

/** The code and the link (to the page for `purpose`) of secrets already issued. */
export function mailedSecret(
  mail: PeopleMail,
  purpose: OneTimePurpose,
  secrets: IssuedSecrets,
  lang?: AccountLang,
): MailedSecret {
  return { code: secrets.code, link: mail.link(PAGE_OF[purpose], secrets.token, lang) };
}

/**
 * Issues a one-time secret and writes the audit entry that records it, both in `trx`: a secret
 * exists only together with its audit entry (an action that cannot be audited does not happen).
 * Returns what the mail needs; the caller sends it once the transaction has committed, so a
 * secret rolled back is never mailed.
 */
export async function issueAudited(
  d: Pick<PeopleDeps, 'codes' | 'audit' | 'mail'>,
  trx: Kysely<DB>,
  secret: { userId: string; purpose: OneTimePurpose; payload?: Record<string, unknown> },
  entry: ServerAuditEntry,
  /** The language of the page the link opens (people-mail.ts, `link`). */
  lang?: AccountLang,
): Promise<MailedSecret> {
  const secrets = await d.codes.issue(trx, secret.userId, secret.purpose, secret.payload ?? {});
  await d.audit.write(entry, trx);
  return mailedSecret(d.mail, secret.purpose, secrets, lang);
}
