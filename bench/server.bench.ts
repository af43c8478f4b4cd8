import type { Dialect } from '../backend-sync/db/dialect';
import { benchIngest, type IngestFigures } from './server/ingest';
import { benchRefresh } from './server/refresh';
import { serverSection } from './server/report';
import { INGEST_BATCHES, PG_URL } from './server/settings';
import { benchSignIns } from './server/sign-ins';
import type { BenchSection } from './stats';

/**
 * `npm run bench -- server`: the sync server's throughput, each figure beside its limit measured
 * in the same run. Runs the three parts in bench/server/ (sign-ins, refresh rotations, audit
 * ingest) one after another and hands their figures to the report (bench/server/report.ts).
 * Settings: bench/server/settings.ts (BENCH_SERVER_* environment variables).
 */
export async function benchServer(): Promise<BenchSection> {
  console.log('  sign-ins…');
  const signIn = await benchSignIns();
  console.log(
    '  refresh rotations (autocannon in a child process, two phases; then with shared limits)…',
  );
  const refresh = await benchRefresh();
  // The same with the counters every instance shares (RATE_LIMIT_STORE=database).
  const sharedLimits = await benchRefresh('database');
  console.log('  audit ingest…');
  const dialects: Dialect[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  const ingest: IngestFigures[] = [];
  for (const d of dialects) ingest.push(await benchIngest(d, true, INGEST_BATCHES));
  // The same without password + TOTP sign-ins: how much the TOTP-reuse bookkeeping costs.
  for (const d of dialects) ingest.push(await benchIngest(d, false, Math.ceil(INGEST_BATCHES / 2)));
  return serverSection({ signIn, refresh, sharedLimits, ingest });
}
