import type { Dialect } from '../backend-sync/db/dialect';
import { RUNS, type BenchSection } from './stats';
import type { ServerRuns } from './server/figures';
import { benchIngest, type IngestFigures } from './server/ingest';
import { benchRefresh } from './server/refresh';
import { serverSection } from './server/report';
import { INGEST_BATCHES, PG_URL } from './server/settings';
import { benchSignIns } from './server/sign-ins';

/**
 * `npm run bench -- server`: the sync server's throughput, each figure beside its yardstick
 * measured in the same run. Runs the three parts in bench/server/ (sign-ins, refresh rotations,
 * audit ingest) RUNS times each and hands their figures to the report (bench/server/report.ts,
 * bench/server/figures.ts). Settings: bench/server/settings.ts (BENCH_SERVER_* variables).
 */
export async function benchServer(): Promise<BenchSection> {
  const signIn = [];
  for (let r = 0; r < RUNS; r++) {
    console.log(`  sign-ins, run ${r + 1} of ${RUNS}…`);
    signIn.push(await benchSignIns());
  }
  console.log(`  refresh rotations (${RUNS} runs; then ${RUNS} with shared limits)…`);
  const refresh = await benchRefresh();
  // The same with the counters every instance shares (RATE_LIMIT_STORE=database).
  const sharedLimits = await benchRefresh('database');
  const dialects: Dialect[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  const ingest: IngestFigures[][] = [];
  for (let r = 0; r < RUNS; r++) {
    console.log(`  audit ingest, run ${r + 1} of ${RUNS}…`);
    const run: IngestFigures[] = [];
    for (const d of dialects) run.push(await benchIngest(d, true, INGEST_BATCHES));
    // The same without password + TOTP sign-ins: how much the TOTP-reuse bookkeeping costs.
    for (const d of dialects) run.push(await benchIngest(d, false, Math.ceil(INGEST_BATCHES / 2)));
    ingest.push(run);
  }
  const runs: ServerRuns = { signIn, refresh, sharedLimits, ingest };
  return serverSection(runs);
}
