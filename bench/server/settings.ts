/**
 * The server benchmark's settings: the BENCH_SERVER_* environment variables (small values give a
 * quick smoke run), the fixed counts and the goals each figure is held to. Shared by every part
 * of bench/server/ and by its report, so the text always names the counts that were run.
 */
import { resolve } from 'node:path';
import { loadConfig } from '../../backend-sync/config';

export const ROOT = resolve(import.meta.dirname, '../..');
export const PASSWORD = 'correct horse battery staple 42';
export const EMAIL = 'bench.admin@example.com';
/** Sign-ins, each followed by one raw verify of the same hash (after the warm-up pairs). */
export const SIGNINS = Number(process.env.BENCH_SERVER_SIGNINS ?? 300);
/** Pairs run first and not counted. */
export const SIGNIN_WARM_UP = Number(process.env.BENCH_SERVER_SIGNIN_WARM_UP ?? 30);
/** Refresh: autocannon connections and seconds per phase. */
export const CONNECTIONS = Number(process.env.BENCH_SERVER_CONNECTIONS ?? 10);
export const LOAD_SECONDS = Number(process.env.BENCH_SERVER_SECONDS ?? 5);
/** Milliseconds of one-row commits per probe of the disk's commit rate. */
export const COMMIT_PROBE_MS = Number(process.env.BENCH_SERVER_COMMIT_PROBE_MS ?? 1000);
/** Ingest: batches of MAX_AUDIT_BATCH (500) entries, after one warm-up batch. */
export const INGEST_BATCHES = Number(process.env.BENCH_SERVER_INGEST_BATCHES ?? 100);
/** Batches sent first and not counted (JIT, caches, statement cache). */
export const INGEST_WARM_UP = 3;
export const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.KEYHOLDER_TEST_DATABASE_URL;

/** The server's SQLite setting as shipped (the SQLITE_SYNCHRONOUS default), unless set. */
export const SQLITE_SYNCHRONOUS = loadConfig({
  SQLITE_SYNCHRONOUS: process.env.SQLITE_SYNCHRONOUS,
}).SQLITE_SYNCHRONOUS;

export const GOALS = {
  signInShare: 0.85,
  rotationsPerSecond: 2400,
  helloShare: 0.15,
  ingestShare: 0.5,
};

export const HASHLESS_SIGNINS = Number(process.env.BENCH_SERVER_HASHLESS_SIGNINS ?? 1000);
export const SIGNIN_IDLE_NOTE =
  'the main thread idles as during a hash, and nothing fills the caches';
/** Sign-ins with an idle wait: each takes about as long as a real one, so as many as those. */
export const IDLE_SIGNINS = Math.min(SIGNINS, 300);
/**
 * Sign-ins with the hash answered at once before anything is timed, on every sign-in server:
 * a server that has run a while has its request path compiled by V8's optimising tiers. After a
 * few hundred sign-ins much of it still runs in baseline code, and a sign-in's own work keeps
 * getting cheaper up to several thousand (about 1.4 ms a sign-in after 250, 0.65–0.9 ms after
 * 8,000 on the machine this was tuned on).
 */
export const JIT_WARM_UP = Number(process.env.BENCH_SERVER_SIGNIN_JIT_WARM_UP ?? 6000);
/** Under load: rounds per block, and blocks of each kind (sign-ins, raw verifies). */
export const LOAD_ROUNDS_PER_BLOCK = 5;
export const LOAD_BLOCKS = Number(process.env.BENCH_SERVER_SIGNIN_LOAD_BLOCKS ?? 20);
