import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { describe } from 'vitest';
import { buildApp } from '../../../backend-sync/app';
import { loadConfig, type Config } from '../../../backend-sync/config';
import { openServerDatabase, type Database, type Dialect } from '../../../backend-sync/db/database';

/** PostgreSQL for tests: CI sets this; elsewhere those suites are skipped with a notice. */
export const TEST_DATABASE_URL = process.env.KEYHOLDER_TEST_DATABASE_URL;

let noticePrinted = false;

/**
 * Runs a suite once per database dialect: SQLite always, PostgreSQL when
 * KEYHOLDER_TEST_DATABASE_URL is set. Each run gets its own data folder (and its own
 * PostgreSQL schema, dropped afterwards).
 */
export function describeEachDialect(name: string, fn: (dialect: Dialect) => void): void {
  describe(`${name} [sqlite]`, () => fn('sqlite'));
  if (TEST_DATABASE_URL) {
    describe(`${name} [postgres]`, () => fn('postgres'));
  } else {
    if (!noticePrinted) {
      noticePrinted = true;
      console.warn(
        '\n[keyholder] PostgreSQL tests skipped: set KEYHOLDER_TEST_DATABASE_URL (for example ' +
          'postgres://postgres@127.0.0.1:5432/test) to run them.\n',
      );
    }
    describe.skip(`${name} [postgres: set KEYHOLDER_TEST_DATABASE_URL]`, () => fn('postgres'));
  }
}

export interface TestServer {
  app: FastifyInstance;
  database: Database;
  config: Config;
  dataDir: string;
  close(): Promise<void>;
}

export async function startTestServer(
  dialect: Dialect,
  env: Record<string, string> = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyholder-sync-'));
  const schema = `kh_test_${randomBytes(6).toString('hex')}`;
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ...(dialect === 'postgres' ? { DATABASE_URL: TEST_DATABASE_URL } : {}),
    ...env,
  });
  if (dialect === 'postgres') await adminQuery(`CREATE SCHEMA ${schema}`);
  const database = await openServerDatabase(
    config,
    dialect === 'postgres' ? { schema, poolSize: 4 } : {},
  );
  const app = await buildApp({ config, database, logger: false });
  await app.ready();
  return {
    app,
    database,
    config,
    dataDir,
    async close() {
      await app.close();
      await database.close();
      if (dialect === 'postgres') await adminQuery(`DROP SCHEMA ${schema} CASCADE`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
