import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { generateSync } from 'otplib';
import { buildApp, REDACTED_PATHS } from '../backend-sync/app';
import { systemClock } from '../backend-sync/clock';
import { PasswordHasher } from '../backend-sync/auth/password-hasher';
import { defaultPolicyFor } from '../backend-sync/auth/policy-source';
import { SetupService } from '../backend-sync/auth/setup.service';
import { newTotpSecret } from '../backend-sync/auth/totp';
import { loadConfig, type Config } from '../backend-sync/config';
import { openServerDatabase } from '../backend-sync/db/database';
import { applyHeapGrowth } from '../backend-sync/observability/heap-growth';
import { insertTestUser } from '../tests/backend/support/user-factory';
import { ServerAudit } from '../backend-sync/services/server-audit';

/**
 * The sync server of the sync benchmark, in its own process so its memory and CPU are measured
 * alone: `node --import tsx bench/sync-server.ts '<json>'`. It builds the real app as
 * `npm run server` does (production logging: pino JSON at info with redaction, written to
 * /dev/null; helmet, CORS, metrics, rate limiter), sets up an admin, the stores and their
 * people, listens on 127.0.0.1 and prints one JSON line: the URL, an admin access token and the
 * stores. It stops when its stdin closes (the parent went away) or on SIGTERM.
 *
 * Started with --expose-gc, so SIGUSR2 can measure the heap after a full collection (only at
 * the end of a run: a collection between bursts would lower the peaks being measured).
 *
 * BENCH_SYNC_SERVER_LOG=FILE keeps the server's log there instead (to look at one request).
 *
 * Only the rate limiter's ceilings are raised: every simulated PC connects from 127.0.0.1, where
 * a franchise's PCs would come from one address per store. The limiter still counts every
 * request.
 */
interface Args {
  dataDir: string;
  databaseUrl?: string;
  schema?: string;
  stores: number;
  peoplePerStore: number;
}

const PASSWORD = 'correct horse battery staple 42';
const EMAIL = 'bench.admin@example.com';

async function inject(
  app: FastifyInstance,
  method: 'POST' | 'GET',
  url: string,
  payload?: object,
  token?: string,
): Promise<unknown> {
  const r = await app.inject({
    method,
    url,
    ...(payload ? { payload } : {}),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (r.statusCode >= 300) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
  return r.json();
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as Args;
  const base = loadConfig({
    DATA_DIR: args.dataDir,
    LOG_LEVEL: 'info',
    ...(args.databaseUrl ? { DATABASE_URL: args.databaseUrl } : {}),
  });
  // As backend-sync/main.ts does first thing.
  applyHeapGrowth(base);
  const config: Config = {
    ...base,
    RATE_LIMIT_PER_MINUTE: 1_000_000_000,
    AUTH_RATE_LIMIT_PER_MINUTE: 1_000_000_000,
  };
  const database = await openServerDatabase(config, args.schema ? { schema: args.schema } : {});
  const app = await buildApp({
    config,
    database,
    // As `npm run server` does: verification threads running before the first upload.
    startVerifyThreads: true,
    logger: {
      level: 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      file: process.env.BENCH_SYNC_SERVER_LOG ?? '/dev/null',
    },
  });
  await app.ready();

  // An admin, as `create-admin` and the set-up pages make one. The sign-in uses the next TOTP
  // step's code (inside the ±1 window), because set-up already used this step's.
  const clock = systemClock;
  const setup = new SetupService({
    db: database.db,
    clock,
    hasher: new PasswordHasher(),
    audit: new ServerAudit(database.db, clock),
    policyFor: defaultPolicyFor,
  });
  const { setupCode } = await setup.createAdmin({ email: EMAIL, name: 'Bench Admin' });
  const { secret } = (await inject(app, 'POST', '/api/v1/auth/setup/start', {
    email: EMAIL,
    setupCode,
  })) as { secret: string };
  const code = (stepsAhead: number) =>
    generateSync({ secret, epoch: Math.floor(clock.nowMs() / 1000) + 30 * stepsAhead });
  await inject(app, 'POST', '/api/v1/auth/setup/complete', {
    email: EMAIL,
    setupCode,
    password: PASSWORD,
    totpCode: code(0),
  });
  const { accessToken } = (await inject(app, 'POST', '/api/v1/auth/sign-in', {
    email: EMAIL,
    password: PASSWORD,
    totpCode: code(1),
  })) as { accessToken: string };

  // Stores through the admin API; their people straight into the database, as the users routes
  // write them (active, verified, argon2id hash, TOTP secret, a change_seq, a store
  // assignment). One hash is shared: hashing is not what this benchmark measures.
  const hash = await new PasswordHasher().hash(PASSWORD);
  const stores: Array<{ id: string; name: string }> = [];
  for (let s = 0; s < args.stores; s++) {
    const name = `Store ${String(s + 1).padStart(3, '0')}`;
    const store = (await inject(
      app,
      'POST',
      '/api/v1/stores',
      { name, brand: 'Northwind' },
      accessToken,
    )) as { id: string };
    stores.push({ id: store.id, name });
    const now = clock.nowMs();
    await database.db.transaction().execute(async (tx) => {
      for (let p = 0; p < args.peoplePerStore; p++) {
        const id = randomUUID();
        const username = `s${s + 1}.crew${p + 1}`;
        await insertTestUser(tx, {
          id,
          username,
          displayName: `Crew ${p + 1} of ${name}`,
          role: p === 0 ? 'manager' : 'viewer',
          passwordHash: hash,
          totpSecret: newTotpSecret(),
          stores: [store.id],
          now,
        });
      }
    });
  }

  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${JSON.stringify({ url: address, adminToken: accessToken, stores })}\n`);

  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.stdin.on('end', () => void close());
  process.stdin.resume();
  process.on('SIGTERM', () => void close());
  // SIGUSR2: a full garbage collection, then one JSON line with the heap still in use (what
  // the server holds, as opposed to garbage V8 has not collected yet: a leak shows here).
  process.on('SIGUSR2', () => {
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    process.stdout.write(`${JSON.stringify({ heapUsedAfterGc: m.heapUsed, rssAfterGc: m.rss })}\n`);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
