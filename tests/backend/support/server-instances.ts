import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateSync } from 'otplib';
import { PasswordHasher } from '../../../backend-sync/auth/password-hasher';
import { defaultPolicyFor } from '../../../backend-sync/auth/policy-source';
import { SetupService } from '../../../backend-sync/auth/setup.service';
import { systemClock } from '../../../backend-sync/clock';
import { loadConfig } from '../../../backend-sync/config';
import { ServerAudit } from '../../../backend-sync/services/server-audit';
import { openServerDatabase, type Database } from '../../../backend-sync/db/database';
import pg from 'pg';

const ROOT = resolve(import.meta.dirname, '../../..');

/**
 * Several sync server instances on one PostgreSQL database, as a franchise runs them behind a
 * load balancer: each one a real `npm run server` process (backend-sync/main.ts under tsx, its
 * own data folder and port, SIGTERM to stop it as systemd does), all sharing one throw-away
 * schema, one SIGNING_KEY and RATE_LIMIT_STORE=database. The test process holds its own
 * connection to the same schema for fixtures and checks. Used by the multi-instance test and the
 * fleet bench.
 */
export interface ServerInstance {
  name: string;
  port: number;
  url: string;
  running(): boolean;
  /** SIGTERM, then waits for the process to exit (it finishes what is running first). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data, and waits until its /ready answers 200. */
  start(): Promise<void>;
}

export interface ServerInstances {
  instances: ServerInstance[];
  /** The test's own connection to the instances' schema (migrated before they start). */
  database: Database;
  schema: string;
  close(): Promise<void>;
}

/** A free TCP port on loopback (free now: the caller binds it right away). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

export async function startServerInstances(
  databaseUrl: string,
  count: number,
  env: Record<string, string> = {},
): Promise<ServerInstances> {
  const schema = `kh_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE SCHEMA ${schema}`, databaseUrl);
  // Migrations run here once, so the instances start on a current schema.
  const dataDir = mkdtempSync(join(tmpdir(), 'keyholder-instances-'));
  const database = await openServerDatabase(
    loadConfig({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl }),
    { schema, poolSize: 4, applicationName: `${schema}_test` },
  );
  // The search_path and the sessions' name travel in the URL, as an operator would set them.
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  url.searchParams.set('application_name', schema);
  const signingKey = Buffer.from(
    generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
  ).toString('base64');
  const shared = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    HOST: '127.0.0.1',
    DATABASE_URL: url.toString(),
    SIGNING_KEY: signingKey,
    RATE_LIMIT_STORE: 'database',
    TRUST_PROXY: 'loopback',
    LOG_LEVEL: 'warn',
    ...env,
  };
  const instances: ServerInstance[] = [];
  for (let i = 0; i < count; i++) {
    const name = `sync${i + 1}`;
    const port = await freePort();
    const ownDir = mkdtempSync(join(dataDir, `${name}-`));
    instances.push(instance(name, port, { ...shared, PORT: String(port), DATA_DIR: ownDir }));
  }
  const close = async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await database.close();
    await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`, databaseUrl);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await Promise.all(instances.map((i) => i.start()));
  } catch (error) {
    await close();
    throw error;
  }
  return { instances, database, schema, close };
}

function instance(name: string, port: number, env: Record<string, string>): ServerInstance {
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let output = '';
  return {
    name,
    port,
    url,
    running: () => child !== null,
    async start() {
      output = '';
      const proc = spawn(process.execPath, ['--import', 'tsx', 'backend-sync/main.ts'], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      // The last lines of its log, for the error when it does not start.
      const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
      proc.stdout!.on('data', keep);
      proc.stderr!.on('data', keep);
      exited = new Promise((r) =>
        proc.once('exit', () => {
          if (child === proc) child = null;
          r();
        }),
      );
      for (let tries = 0; ; tries++) {
        if (child !== proc) throw new Error(`${name} exited while starting:\n${output}`);
        const ready = await fetch(`${url}/ready`).then(
          (r) => r.status,
          () => 0,
        );
        if (ready === 200) return;
        if (tries > 600) {
          proc.kill('SIGKILL');
          throw new Error(`${name} did not become ready:\n${output}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (!child) return;
      const proc = child;
      proc.kill('SIGTERM');
      // main.ts gives running requests 10 s; past that something is wrong: end it.
      const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const ADMIN_PASSWORD = 'correct horse battery staple 42';

/**
 * An admin as `create-admin` makes one (on the instances' database), set up through the API at
 * `url` (`from`: the client's address the balancer forwards). Returns the TOTP secret.
 */
export async function setUpAdminOverHttp(
  database: Database,
  url: string,
  email: string,
  from: string,
): Promise<{ userId: string; secret: string }> {
  const setup = new SetupService({
    db: database.db,
    clock: systemClock,
    hasher: new PasswordHasher(),
    audit: new ServerAudit(database.db, systemClock),
    policyFor: defaultPolicyFor,
  });
  const { userId, setupCode } = await setup.createAdmin({ email, name: 'Lee Admin' });
  const { secret } = await postJson<{ secret: string }>(url, '/api/v1/auth/setup/start', from, {
    email,
    setupCode,
  });
  await postJson(url, '/api/v1/auth/setup/complete', from, {
    email,
    setupCode,
    password: ADMIN_PASSWORD,
    totpCode: totpCode(secret, 0),
  });
  return { userId, secret };
}

/** Signs an admin in at `url` with the next step's code (set-up used this step's). */
export function signInOverHttp(
  url: string,
  email: string,
  secret: string,
  from: string,
): Promise<{ accessToken: string; refreshToken: string }> {
  return postJson(url, '/api/v1/auth/sign-in', from, {
    email,
    password: ADMIN_PASSWORD,
    totpCode: totpCode(secret, 1),
  });
}

const totpCode = (secret: string, stepsAhead: number) =>
  generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * stepsAhead });

async function postJson<T = unknown>(url: string, path: string, from: string, body: object) {
  const r = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${path}: ${r.status} ${text}`);
  return JSON.parse(text) as T;
}

/** One statement on a connection of its own (schemas made and dropped around a test). */
export async function adminQuery(text: string, databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
