import closeWithGrace from 'close-with-grace';
import { buildApp } from './app';
import { systemClock } from './clock';
import { PasswordHasher } from './auth/password-hasher';
import { defaultPolicyFor } from './auth/policy-source';
import { resetAdminTwoFactorCommand } from './auth/reset-admin-2fa.command';
import { CreateAdminError, SETUP_CODE_TTL_MS, SetupService } from './auth/setup.service';
import { ConfigError, loadConfig } from './config';
import { openServerDatabase, type Database } from './db/database';
import { ServerAudit } from './services/server-audit';
import { describeDigestRun, sendDigest } from './commands/send-digest';
import { loadErrorReporter, type ErrorReporter } from './observability/error-reporter';
import { applyHeapGrowth } from './observability/heap-growth';
import { SERVER_VERSION } from './version';

/**
 * `npm run server` — start the sync server.
 * `npm run server -- backup --to FILE` — online backup of the SQLite database.
 * `npm run server -- create-admin --email ADDRESS [--name NAME]` — a pending admin account and
 *   its one-time setup code (there are no default accounts).
 * `npm run server -- reset-admin-2fa --email ADDRESS` — an admin lost their authenticator: clears
 *   it, signs them out, and prints a one-time setup code to enroll a new one (password unchanged).
 * `npm run server -- send-digest` — mail the weekly digest to the people who opted in (run it
 *   from cron, hourly to weekly: each person gets at most one a week).
 * Configuration comes from the environment (.env.example lists every variable).
 * With SENTRY_DSN set, errors are also reported to Sentry (loaded only then).
 */
let reporter: ErrorReporter | undefined;

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  const config = loadConfig();
  applyHeapGrowth(config);
  // Sentry (only when SENTRY_DSN is set) before anything else, so what follows is covered.
  reporter = await loadErrorReporter(config, {
    release: process.env.SENTRY_RELEASE ?? `keyholder-sync@${SERVER_VERSION}`,
  });
  const database = await openServerDatabase(config);

  if (command === 'backup') {
    const to = option(rest, '--to');
    if (!to) return usage('backup needs --to FILE');
    if (!database.backupTo) {
      console.error(
        'The server uses PostgreSQL: back it up with pg_dump (see docs/OPERATIONS.md).',
      );
      await database.close();
      return 2;
    }
    await database.backupTo(to);
    await database.close();
    console.log(`Backup written to ${to}`);
    return 0;
  }
  if (command === 'create-admin') return createAdmin(database, rest);
  if (command === 'reset-admin-2fa') {
    try {
      return await resetAdminTwoFactorCommand(
        database,
        { email: option(rest, '--email') },
        {
          clock: systemClock,
          out: (line) => console.log(line),
          err: (line) => console.error(line),
        },
      );
    } finally {
      await database.close();
    }
  }
  if (command === 'send-digest') {
    try {
      const run = await sendDigest(config, database);
      console.log(describeDigestRun(run));
      return run.failed > 0 ? 1 : 0;
    } finally {
      await database.close();
    }
  }
  if (command !== 'serve') return usage(`unknown command "${command}"`);

  const app = await buildApp({
    config,
    database,
    errorReporter: reporter,
    startVerifyThreads: true,
    startMaintenance: true,
  });
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    if (err) reporter?.captureError(err, { phase: 'shutdown' });
    await app.close();
    await database.close();
    await reporter?.close(); // sends what is queued
  });
  await app.listen({ host: config.HOST, port: config.PORT });
  return -1; // keep running
}

async function createAdmin(database: Database, args: string[]): Promise<number> {
  const email = option(args, '--email');
  const name = option(args, '--name');
  if (!email) {
    await database.close();
    return usage('create-admin needs --email ADDRESS');
  }
  const setup = new SetupService({
    db: database.db,
    clock: systemClock,
    hasher: new PasswordHasher(),
    audit: new ServerAudit(database.db, systemClock),
    policyFor: defaultPolicyFor,
  });
  try {
    const created = await setup.createAdmin({ email, ...(name ? { name } : {}) });
    // The code is printed once, to the operator's terminal only; it is stored hashed.
    console.log(
      [
        `Admin account created for ${email} (pending until set up).`,
        `One-time setup code (valid for ${SETUP_CODE_TTL_MS / 60_000} minutes, shown only now):`,
        '',
        `    ${created.setupCode}`,
        '',
        'Give it to the admin over a trusted channel. They use it to set a password and 2FA.',
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof CreateAdminError)) throw error;
    console.error(error.message);
    return 2;
  } finally {
    await database.close();
  }
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function usage(problem: string): number {
  console.error(
    `${problem}\nUsage: npm run server [-- serve | backup --to FILE | create-admin --email ADDRESS [--name NAME] | reset-admin-2fa --email ADDRESS | send-digest]`,
  );
  return 2;
}

main(process.argv.slice(2)).then(
  async (code) => {
    if (code < 0) return;
    await reporter?.close();
    process.exit(code);
  },
  async (error: unknown) => {
    if (error instanceof ConfigError) console.error(error.message);
    else
      console.error(
        'The sync server could not start:',
        error instanceof Error ? error.message : error,
      );
    reporter?.captureError(error, { phase: 'start' });
    await reporter?.close();
    process.exit(1);
  },
);
