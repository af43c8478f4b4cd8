import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Dialect } from '../../../backend-sync/db/dialect';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp } from '../../../backend-sync/app';
import { systemClock } from '../../../backend-sync/clock';
import { PasswordHasher } from '../../../backend-sync/auth/password-hasher';
import { defaultPolicyFor } from '../../../backend-sync/auth/policy-source';
import { SetupService } from '../../../backend-sync/auth/setup.service';
import { newTotpSecret } from '../../../backend-sync/auth/totp';
import { TOTP_SECRET_KEY_LABEL, TotpSecretBox } from '../../../backend-sync/auth/totp-secret-box';
import { derivedSecret, loadSigningKeys } from '../../../backend-sync/keys/signing-keys';
import { loadConfig } from '../../../backend-sync/config';
import { openServerDatabase, type Database } from '../../../backend-sync/db/database';
import { insertTestUser } from '../../backend/support/user-factory';
import { ServerAudit } from '../../../backend-sync/services/server-audit';
import { FaultProxy } from '../../support/fault-proxy';
import { Authenticator } from './totp';

/**
 * A real sync server on loopback for the browser tests (SQLite; PostgreSQL in its own schema
 * when KEYHOLDER_TEST_DATABASE_URL is set), behind a proxy that can play "server down", with
 * its first admin set up and signed in. Real time throughout: codes come from Authenticators.
 */
export interface E2eSyncServer {
  database: Database;
  proxy: FaultProxy;
  /** What store PCs are given (the proxy). */
  url: string;
  dialect: Dialect;
  api<T = unknown>(
    method: string,
    path: string,
    body?: object,
  ): Promise<{ status: number; body: T }>;
  createPerson(input: { name: string; role: 'manager' | 'viewer'; stores: string[] }): Promise<{
    id: string;
    username: string;
    password: string;
    phone: Authenticator;
  }>;
  close(): Promise<void>;
}

const ADMIN = {
  email: 'franchise.admin@example.com',
  password: 'a long passphrase for the server',
};

/** `env`: more server settings (SMTP_URL for the account pages' mail). */
export async function startE2eSyncServer(env: Record<string, string> = {}): Promise<E2eSyncServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyholder-e2e-sync-'));
  const pgUrl = process.env.KEYHOLDER_TEST_DATABASE_URL;
  const schema = `kh_test_${randomBytes(6).toString('hex')}`;
  if (pgUrl) await pgQuery(pgUrl, `CREATE SCHEMA ${schema}`);
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    RATE_LIMIT_PER_MINUTE: '100000',
    ...(pgUrl ? { DATABASE_URL: pgUrl } : {}),
    ...env,
  });
  const database = await openServerDatabase(config, pgUrl ? { schema, poolSize: 4 } : {});
  const app = await buildApp({ config, database, logger: false });
  // People are written straight into the database below, their TOTP secrets sealed as the
  // server stores them (auth/totp-secret-box.ts).
  const box = new TotpSecretBox(derivedSecret(loadSigningKeys(config), TOTP_SECRET_KEY_LABEL));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const upstream = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const proxy = await FaultProxy.start(upstream);

  const setup = new SetupService({
    db: database.db,
    clock: systemClock,
    hasher: new PasswordHasher(),
    audit: new ServerAudit(database.db, systemClock),
    policyFor: defaultPolicyFor,
  });
  const { setupCode } = await setup.createAdmin({ email: ADMIN.email, name: 'Fran Admin' });
  const inject = async (method: string, url: string, body?: object, token?: string) => {
    const r = await app.inject({
      method: method as 'GET',
      url,
      ...(body ? { payload: body } : {}),
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: r.statusCode, body: r.body ? (JSON.parse(r.body) as unknown) : null };
  };
  const start = await inject('POST', '/api/v1/auth/setup/start', { email: ADMIN.email, setupCode });
  const phone = new Authenticator((start.body as { manualKey: string }).manualKey);
  await inject('POST', '/api/v1/auth/setup/complete', {
    email: ADMIN.email,
    setupCode,
    password: ADMIN.password,
    totpCode: (await phone.nextCode()).code,
  });
  const signedIn = await inject('POST', '/api/v1/auth/sign-in', {
    email: ADMIN.email,
    password: ADMIN.password,
    totpCode: (await phone.nextCode()).code,
  });
  const token = (signedIn.body as { accessToken: string }).accessToken;
  const hasher = new PasswordHasher();

  return {
    database,
    proxy,
    url: proxy.url,
    dialect: pgUrl ? 'postgres' : 'sqlite',
    api: async <T>(method: string, path: string, body?: object) => {
      const r = await inject(method, path, body, token);
      return r as { status: number; body: T };
    },
    // People are written as the users routes write them once verified (with a change_seq).
    async createPerson(input) {
      const id = randomUUID();
      const username = `${input.name.toLowerCase().replace(/\s+/g, '.')}`;
      const password = `${input.name} has a long passphrase 7`;
      const secret = newTotpSecret();
      const passwordHash = await hasher.hash(password);
      const now = Date.now();
      await database.db.transaction().execute((tx) =>
        insertTestUser(tx, {
          id,
          username,
          displayName: input.name,
          role: input.role,
          passwordHash,
          totpSecret: box.seal(secret),
          stores: input.stores,
          now,
        }),
      );
      return { id, username, password, phone: new Authenticator(secret) };
    },
    async close() {
      await proxy.close();
      await app.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (pgUrl) await pgQuery(pgUrl, `DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}

async function pgQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
