/**
 * Settings of the fleet bench (bench/fleet.bench.ts): BENCH_FLEET_PCS, BENCH_FLEET_INTERVAL_MS
 * and BENCH_FLEET_ROUNDS; small values make a quick check.
 */
export const PCS = Number(process.env.BENCH_FLEET_PCS ?? 2_000);
export const INTERVAL_MS = Number(process.env.BENCH_FLEET_INTERVAL_MS ?? 30_000);
export const ROUNDS = Number(process.env.BENCH_FLEET_ROUNDS ?? 6);
export const REAL_INTERVAL_MS = 5 * 60_000;
/** The instance restarts at the start of this interval. */
export const RESTART_ROUND = Math.min(2, ROUNDS - 1);
export const GOALS = { p99Ms: 1_000 };
