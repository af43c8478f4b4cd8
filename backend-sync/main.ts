import closeWithGrace from 'close-with-grace';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { openServerDatabase } from './db/database';

/**
 * `npm run server` — start the sync server.
 * `npm run server -- backup --to FILE` — online backup of the SQLite database.
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

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function usage(problem: string): number {
  console.error(`${problem}\nUsage: npm run server [-- serve | backup --to FILE]`);
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
