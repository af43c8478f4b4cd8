import { unsubscribeLinks } from '../app';
import { systemClock } from '../clock';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { createMailer, type Mailer } from '../email/mailer';
import { loadSigningKeys } from '../keys/signing-keys';
import { WeeklyDigest, type DigestRun } from '../reporting/weekly-digest.service';
import { ServerAudit } from '../services/server-audit';

/**
 * `npm run server -- send-digest`: mails the weekly digest to everyone who opted in (see
 * reporting/weekly-digest.service.ts). Safe to run often (cron hourly or daily): each person
 * gets at most one a week, at the first run outside their quiet hours. Mail goes through
 * SMTP_URL, or to DATA_DIR/outbox when it is not set.
 */
export async function sendDigest(
  config: Config,
  database: Database,
  options: { mailer?: Mailer; clock?: typeof systemClock } = {},
): Promise<DigestRun> {
  const clock = options.clock ?? systemClock;
  const log = (message: string, fields?: Record<string, unknown>) =>
    console.error(JSON.stringify({ level: 'info', msg: message, ...fields }));
  const mailer = options.mailer ?? createMailer(config, log);
  try {
    return await new WeeklyDigest({
      db: database.db,
      clock,
      audit: new ServerAudit(database.db, clock),
      mailer,
      links: unsubscribeLinks(config, loadSigningKeys(config)),
      log,
    }).run();
  } finally {
    if (!options.mailer) mailer.close();
  }
}

export function describeDigestRun(run: DigestRun): string {
  const { quietHours, alreadySent, noStores } = run.skipped;
  return [
    `Weekly digest: ${run.sent} sent, ${run.failed} failed.`,
    `Skipped: ${alreadySent} already sent this week, ${quietHours} in quiet hours (a later run sends them), ${noStores} with no store to report on.`,
  ].join('\n');
}
