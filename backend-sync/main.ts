import closeWithGrace from 'close-with-grace';
import { buildApp, systemClock } from './app';
import { PasswordHasher } from './auth/password-hasher';
import { defaultPolicyFor } from './auth/policy-source';
import { CreateAdminError, SETUP_CODE_TTL_MS, SetupService } from './auth/setup.service';
import { ConfigError, loadConfig } from './config';
import { openServerDatabase, type Database } from './db/database';
import { ServerAudit } from './services/server-audit';

/**
 * `npm run server` — start the sync server.
 * `npm run server -- backup --to FILE` — online backup of the SQLite database.
 * `npm run server -- create-admin --email ADDRESS [--name NAME]` — a pending admin account and
 *   its one-time setup code (there are no default accounts).
 * Configuration comes from the environment (.env.example lists every variable).
 */
async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  const config = loadConfig();
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
  if (command !== 'serve') return usage(`unknown command "${command}"`);

  const app = await buildApp({ config, database });
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
    await database.close();
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
    `${problem}\nUsage: npm run server [-- serve | backup --to FILE | create-admin --email ADDRESS [--name NAME]]`,
  );
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError) console.error(error.message);
    else
      console.error(
        'The sync server could not start:',
        error instanceof Error ? error.message : error,
      );
    process.exit(1);
  },
);
