/**
 * The sync server as a child process for the kill -9 tests: what `backend-sync/main.ts serve`
 * does (config from the environment, open + migrate the database, buildApp, listen), minus the
 * graceful-shutdown hook a SIGKILL never reaches anyway.
 *
 * It loads its modules first and says `loaded`, then waits for `go` on stdin before it touches
 * the database: the test starts the next server while the current one still runs, so a restart
 * after a kill costs opening the data, not loading TypeScript. Exits when stdin closes.
 * KH_TEST_PG_SCHEMA: the PostgreSQL schema of this test run (tests isolate themselves so).
 */
import { createInterface } from 'node:readline';
import { buildApp } from '../../../../backend-sync/app';
import { loadConfig } from '../../../../backend-sync/config';
import { openServerDatabase } from '../../../../backend-sync/db/database';

const config = loadConfig();
const schema = process.env.KH_TEST_PG_SCHEMA;

async function serve(): Promise<void> {
  const database = await openServerDatabase(config, schema ? { schema, poolSize: 4 } : {});
  const app = await buildApp({ config, database });
  for (let attempt = 0; ; attempt += 1) {
    try {
      await app.listen({ host: config.HOST, port: config.PORT });
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EADDRINUSE' || attempt > 50) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  process.stdout.write('listening\n');
}

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line === 'go')
    serve().catch((error: unknown) => {
      process.stderr.write(`server failed: ${String((error as Error)?.stack ?? error)}\n`);
      process.exit(1);
    });
});
input.on('close', () => process.exit(0));
process.stdout.write('loaded\n');
