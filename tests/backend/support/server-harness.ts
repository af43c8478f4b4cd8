import { randomBytes } from 'node:crypto';
import { TOTP_SECRET_KEY_LABEL, TotpSecretBox } from '../../../backend-sync/auth/totp-secret-box';
import { derivedSecret, loadSigningKeys } from '../../../backend-sync/keys/signing-keys';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { describe } from 'vitest';
import type { PasswordHasher } from '../../../backend-sync/auth/password-hasher';
import { buildApp } from '../../../backend-sync/app';
import { type ServerClock } from '../../../backend-sync/clock';
import { loadConfig, type Config } from '../../../backend-sync/config';
import { openServerDatabase, type Database } from '../../../backend-sync/db/database';
import type { Dialect } from '../../../backend-sync/db/dialect';
import { adminQuery } from './server-instances';

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
  /** PostgreSQL only: the schema this server works in (for a CLI run on the same data). */
  pgSchema: string | null;
  /** Stops the app and the database, then starts both again on the same data (a restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** A controllable clock for the app's services (lockout, expiry, tokens). */
  clock?: ServerClock;
  /** Audit verification threads running from the start, as `npm run server` has them. */
  startVerifyThreads?: boolean;
  /** The password hasher (a test may count its verifies). */
  hasher?: PasswordHasher;
}

export async function startTestServer(
  dialect: Dialect,
  env: Record<string, string> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyholder-sync-'));
  const schema = `kh_test_${randomBytes(6).toString('hex')}`;
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ...(dialect === 'postgres' ? { DATABASE_URL: TEST_DATABASE_URL } : {}),
    ...env,
  });
  if (dialect === 'postgres') await adminQuery(`CREATE SCHEMA ${schema}`, TEST_DATABASE_URL!);
  const open = async () => {
    const database = await openServerDatabase(
      config,
      // The schema's name is also the sessions' application_name: a fault test can end this
      // server's connections (pg_terminate_backend) and no other test's.
      dialect === 'postgres' ? { schema, poolSize: 4, applicationName: schema } : {},
    );
    const app = await buildApp({
      config,
      database,
      logger: false,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.startVerifyThreads ? { startVerifyThreads: true } : {}),
      ...(options.hasher ? { hasher: options.hasher } : {}),
    });
    await app.ready();
    return { app, database };
  };
  const server: TestServer = {
    ...(await open()),
    config,
    dataDir,
    pgSchema: dialect === 'postgres' ? schema : null,
    async restart() {
      await server.app.close();
      await server.database.close();
      Object.assign(server, await open());
    },
    async close() {
      await server.app.close();
      await server.database.close();
      if (dialect === 'postgres')
        await adminQuery(`DROP SCHEMA ${schema} CASCADE`, TEST_DATABASE_URL!);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

/**
 * A TOTP secret as the server stores it (fixtures that write users directly), and a stored one
 * as the server reads it: sealed at rest (auth/totp-secret-box.ts) under a
 * key derived from this server's signing key. Asserts it is sealed, so a test that reads the
 * column also checks that nothing is stored in the clear.
 */
export function sealTotpSecret(s: Pick<TestServer, 'config'>, secret: string): string {
  return new TotpSecretBox(derivedSecret(loadSigningKeys(s.config), TOTP_SECRET_KEY_LABEL)).seal(
    secret,
  );
}

export function openTotpSecret(s: Pick<TestServer, 'config'>, stored: string | null): string {
  if (stored === null) throw new Error('no TOTP secret stored');
  if (!TotpSecretBox.isSealed(stored)) throw new Error('TOTP secret stored in the clear');
  const keys = loadSigningKeys(s.config);
  return new TotpSecretBox(derivedSecret(keys, TOTP_SECRET_KEY_LABEL)).open(stored);
}
