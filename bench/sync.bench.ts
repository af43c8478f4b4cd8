import { availableParallelism, loadavg } from 'node:os';
import type { Dialect } from '../backend-sync/db/dialect';
import type { BenchSection } from './stats';
import { benchBacklog, type BacklogRun } from './sync/backlog';
import { benchFleet, type FleetFigures } from './sync/fleet';
import { syncSection } from './sync/report';
import { BACKLOG, BACKLOG_RUNS, BURSTS, DEVICES, PG_URL } from './sync/settings';

/**
 * `npm run bench -- sync`: store PCs syncing with the sync server over loopback HTTP. Runs the
 * two parts in bench/sync/ (a week-offline backlog from one real PC, then many simulated PCs at
 * once) on SQLite and, when a PostgreSQL URL is set, on PostgreSQL, and hands their figures to
 * the report (bench/sync/report.ts). Settings: bench/sync/settings.ts (BENCH_SYNC_* variables).
 */
export async function benchSync(): Promise<BenchSection> {
  const cores = availableParallelism();
  const load = loadavg()[0]!;
  const dialects: Dialect[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  const backlog: Array<{ dialect: Dialect; runs: BacklogRun[] }> = [];
  for (const d of BACKLOG > 0 ? dialects : []) {
    console.log(`  week-offline backlog, ${d} (${BACKLOG_RUNS} PCs one after another)…`);
    backlog.push({ dialect: d, runs: await benchBacklog(d) });
  }
  const fleet: FleetFigures[] = [];
  for (const d of DEVICES > 0 && BURSTS > 0 ? dialects : []) {
    console.log(`  ${DEVICES} PCs at once, ${d} (${BURSTS} bursts)…`);
    fleet.push(await benchFleet(d));
  }
  return syncSection({ cores, load, backlog, fleet });
}
