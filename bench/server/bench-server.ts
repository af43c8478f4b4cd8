/**
 * The real sync server app as every server benchmark part builds it (production logging,
 * helmet, CORS, rate limiting with raised ceilings, metrics), on SQLite or on a throw-away
 * PostgreSQL schema, with a stepping clock and password + TOTP admins to sign in as.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { generateSync } from 'otplib';
import pg from 'pg';
import { buildApp, REDACTED_PATHS } from '../../backend-sync/app';
import { type ServerClock } from '../../backend-sync/clock';
import { PasswordHasher } from '../../backend-sync/auth/password-hasher';
import { defaultPolicyFor } from '../../backend-sync/auth/policy-source';
import { SetupService } from '../../backend-sync/auth/setup.service';
import { loadConfig, type Config } from '../../backend-sync/config';
import { openServerDatabase, type Database } from '../../backend-sync/db/database';
import type { Dialect } from '../../backend-sync/db/dialect';
import { ServerAudit } from '../../backend-sync/services/server-audit';
import { EMAIL, PASSWORD, PG_URL, SQLITE_SYNCHRONOUS } from './settings';

/** The server's clock, moved on 30 s before each sign-in so every sign-in has a fresh TOTP. */
export class SteppingClock implements ServerClock {
  private offset = 0;
  nowMs(): number {
    return Date.now() + this.offset;
  }
  nextStep(): void {
    this.offset += 30_000;
  }
}

export interface BenchServer {
  app: FastifyInstance;
  dataDir: string;
  /** PostgreSQL: the throw-away schema the server runs in (null on SQLite). */
  schema: string | null;
  database: Database;
  clock: SteppingClock;
  signIn(): Promise<{ accessToken: string; refreshToken: string }>;
  /**
   * The next sign-in's request (the clock moved to a fresh TOTP step and the code computed, as
   * the person's authenticator app would), and a function that sends it: only the sending is the
   * server's work.
   */
  nextSignIn(): () => Promise<unknown>;
  /** Another admin, set up as the first one. */
  addAdmin(email: string): Promise<BenchAdmin>;
  close(): Promise<void>;
}

export interface BenchAdmin {
  email: string;
  /** A sign-in's body with the code of the server clock's current step. */
  signInBody(): { email: string; password: string; totpCode: string };
}

/**
 * The real app, as `npm run server` builds it: production logging (pino JSON at info, with
 * redaction; written to /dev/null), helmet, CORS, rate limiting, metrics. The only change is
 * the rate-limit ceilings: every request comes from one loopback address, which the real
 * limits (at most 10,000 sign-in-route requests a minute) would stop within a second. The
 * limiter still runs and counts every request.
 */
export async function startServer(
  dialect: Dialect,
  hasher?: PasswordHasher,
  rateLimitStore: Config['RATE_LIMIT_STORE'] = 'memory',
): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyholder-bench-server-'));
  const schema = dialect === 'postgres' ? `kh_bench_${randomBytes(5).toString('hex')}` : null;
  if (schema) await pgAdmin(`CREATE SCHEMA ${schema}`);
  const base = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    SQLITE_SYNCHRONOUS,
    ...(dialect === 'postgres' ? { DATABASE_URL: PG_URL } : {}),
  });
  const config: Config = {
    ...base,
    RATE_LIMIT_PER_MINUTE: 1_000_000_000,
    AUTH_RATE_LIMIT_PER_MINUTE: 1_000_000_000,
    RATE_LIMIT_STORE: rateLimitStore,
  };
  const database = await openServerDatabase(config, schema ? { schema } : {});
  const clock = new SteppingClock();
  const app = await buildApp({
    config,
    database,
    clock,
    ...(hasher ? { hasher } : {}),
    // As `npm run server` does: verification threads running before the first upload.
    startVerifyThreads: true,
    logger: {
      level: 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      file: '/dev/null',
    },
  });
  app.get('/bench/hello', async () => ({ hello: 'world' }));
  await app.ready();

  // An admin, as `create-admin` and the set-up pages make one.
  const setup = new SetupService({
    db: database.db,
    clock,
    hasher: new PasswordHasher(),
    audit: new ServerAudit(database.db, clock),
    policyFor: defaultPolicyFor,
  });
  const addAdmin = async (email: string): Promise<BenchAdmin> => {
    const { setupCode } = await setup.createAdmin({ email, name: 'Bench Admin' });
    const started = await post(app, '/api/v1/auth/setup/start', { email, setupCode });
    const { secret } = started as { secret: string };
    const admin = {
      email,
      signInBody: () => ({
        email,
        password: PASSWORD,
        totpCode: generateSync({ secret, epoch: Math.floor(clock.nowMs() / 1000) }),
      }),
    };
    await post(app, '/api/v1/auth/setup/complete', { ...admin.signInBody(), setupCode });
    return admin;
  };
  const admin = await addAdmin(EMAIL);
  const nextSignIn = () => {
    clock.nextStep();
    const body = admin.signInBody();
    return () => post(app, '/api/v1/auth/sign-in', body);
  };
  return {
    app,
    dataDir,
    schema,
    database,
    clock,
    async signIn() {
      return (await nextSignIn()()) as { accessToken: string; refreshToken: string };
    },
    nextSignIn,
    addAdmin,
    async close() {
      await app.close();
      await database.close();
      if (schema) await pgAdmin(`DROP SCHEMA ${schema} CASCADE`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function post(
  app: FastifyInstance,
  url: string,
  payload: object,
  headers: Record<string, string> = {},
): Promise<unknown> {
  const r = await app.inject({ method: 'POST', url, payload, headers });
  if (r.statusCode >= 300) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
  return r.json();
}

async function pgAdmin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
