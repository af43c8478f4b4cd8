/**
 * The fleet section's figure table, context and goal (bench/fleet.bench.ts measures): each run's
 * p99 and errors, judged against the absolute goal of issue 18.
 */
import {
  clause,
  contextTable,
  figureTable,
  percentile,
  type BenchSection,
  type FigureRow,
  type Goal,
} from '../stats';
import { DEVICES_PER_STORE, PEOPLE_PER_STORE } from '../sync/settings';
import { GOALS, INTERVAL_MS, PCS, REAL_INTERVAL_MS, ROUNDS } from './settings';

export interface Sync {
  startedAt: number;
  ms: number;
  error: string | null;
}

/** One run: ROUNDS intervals of every PC's syncs, one instance restarted during them. */
export interface FleetRun {
  wallMs: number;
  syncs: Sync[];
  restart: { from: number; to: number };
  answers: Map<number, number>;
  stored: { wrong: number; entries: number };
}

const msf = (v: number) => `${Math.round(v).toLocaleString('en-US')} ms`;
const int = (v: number) => Math.round(v).toLocaleString('en-US');

const GOAL_TEXT = 'p99 ≤ 1 s, 0 errors, while one instance restarts (issue 18)';
const COMPRESSION = REAL_INTERVAL_MS / INTERVAL_MS;
const HOW =
  "**How it is measured** (`bench/fleet.bench.ts`): the instances are `npm run server` processes (`tests/backend/support/server-instances.ts`: one schema, one `SIGNING_KEY`, `RATE_LIMIT_STORE=database`, `TRUST_PROXY=loopback`), HAProxy runs the example configuration with only its addresses changed (`tests/backend/support/load-balancer.ts`). Each PC is the core's protocol client (`tests/backend/support/simulated-pc.ts`) with its store's address in X-Forwarded-For, starts at a random moment of the first interval and then syncs once an interval: a pull, then 2–6 new chained, MACed entries in one upload with an Idempotency-Key; each request is retried as a core retries it (4 attempts, backoff from 0.5 s, Retry-After honoured), and a sync's latency includes those retries. The PCs are enrolled once; each run is " +
  `${ROUNDS} intervals with its own restart of one instance, and its p99 and errors are one value of the figure table. The rate-limit ceilings are raised (the set-up's admin requests come from one address); the limiter still counts every request in the database. After each run the database must hold every PC's entries exactly once, from 1 to its head; a PC that it does not counts as an error.`;

/** The goal, on each run's p99 and errors (null: not measured). */
function fleetGoal(p99s: number[] | null, errors: number | null, runs: number): Goal {
  return {
    name: `${int(PCS)} PCs on their timers through a load balancer to two instances: ${GOAL_TEXT}`,
    clauses: [
      clause('p99 ≤ 1 s', p99s, '<=', GOALS.p99Ms, msf),
      {
        text: '0 errors',
        value: errors,
        op: '<=',
        limit: 0,
        show: int,
        ...(errors === null
          ? {}
          : { basis: `total of ${runs} runs: failed syncs + PCs not stored exactly once` }),
      },
    ],
  };
}

export function notMeasured(why: string): BenchSection {
  const body = [
    figureTable([
      {
        measure: `${int(PCS)} PCs through HAProxy to two instances, one restarting: not measured (${why})`,
        yardstick: `absolute: goal ${GOAL_TEXT}`,
        values: [],
        show: msf,
      },
    ]),
    '',
    `Not measured in this run: it ${why}.`,
    '',
    HOW,
  ].join('\n');
  return {
    title: TITLE,
    body,
    lines: [`fleet: not measured (${why})`],
    goals: [fleetGoal(null, null, 0)],
  };
}

const TITLE = 'Fleet: two instances behind a load balancer';

export function fleetReport(f: {
  cores: number;
  load: number;
  setupMs: number;
  runs: FleetRun[];
}): BenchSection {
  const sorted = (list: Sync[]) => list.map((s) => s.ms).sort((a, b) => a - b);
  const per = f.runs.map((r) => {
    const all = sorted(r.syncs);
    // Syncs that started while the instance was out of rotation or coming back.
    const during = sorted(
      r.syncs.filter((s) => s.startedAt >= r.restart.from && s.startedAt <= r.restart.to),
    );
    const errors = r.syncs.filter((s) => s.error !== null);
    const fiveXx = [...r.answers].filter(([status]) => status >= 500);
    return {
      all,
      during,
      errors,
      requests: [...r.answers.values()].reduce((a, b) => a + b, 0),
      fiveXx,
      fiveXxCount: fiveXx.reduce((n, [, c]) => n + c, 0),
    };
  });
  const q = (list: number[], p: number) => msf(percentile(list, p));
  const p99s = per.map((r) => percentile(r.all, 99));
  const rows: FigureRow[] = [
    {
      measure: `sync latency p99: ${int(PCS)} PCs, one sync each every ${INTERVAL_MS / 1000} s for ${ROUNDS} intervals (time compressed ${COMPRESSION}×), one instance restarted`,
      yardstick: `absolute: goal ${GOAL_TEXT}`,
      values: p99s,
      show: msf,
    },
    {
      measure: '— latency p50',
      yardstick: 'none: context for the p99',
      values: per.map((r) => percentile(r.all, 50)),
      show: msf,
    },
    {
      measure: '— p99 of the syncs started during the restart',
      yardstick: 'absolute: goal p99 ≤ 1 s',
      values: per.map((r) => percentile(r.during, 99)),
      show: msf,
    },
    {
      measure: "— syncs that failed after the PC's retries",
      yardstick: 'absolute: goal 0',
      values: per.map((r) => r.errors.length),
      show: int,
    },
    {
      measure: '— PCs whose entries are not stored exactly once, 1 to their head',
      yardstick: 'absolute: goal 0 (counted as errors)',
      values: f.runs.map((r) => r.stored.wrong),
      show: int,
    },
    {
      measure: '— 5xx answers the PCs got',
      yardstick: 'none: context (a drained instance may answer 503, docs/OPERATIONS.md)',
      values: per.map((r) => r.fiveXxCount),
      show: int,
    },
  ];
  const errors =
    per.reduce((n, r) => n + r.errors.length, 0) + f.runs.reduce((n, r) => n + r.stored.wrong, 0);
  const lines = f.runs.flatMap((r, k) => {
    const p = per[k]!;
    return [
      `fleet run ${k + 1}: ${int(PCS)} PCs, ${r.syncs.length} syncs in ${msf(r.wallMs)}: p50 ${q(p.all, 50)}, p95 ${q(p.all, 95)}, p99 ${q(p.all, 99)}, max ${q(p.all, 100)} (goal p99 ≤ 1 s); ${p.errors.length} errors${p.errors.length ? ` (${[...new Set(p.errors.map((e) => e.error))].slice(0, 3).join('; ')})` : ''}`,
      `fleet run ${k + 1}: restart of sync2 from ${msf(r.restart.from)} to ${msf(r.restart.to)}; ${p.during.length} syncs started meanwhile: p99 ${q(p.during, 99)}, max ${q(p.during, 100)}`,
      `fleet run ${k + 1}: ${int(p.requests)} answers, 5xx: ${p.fiveXx.map(([s, n]) => `${n} × ${s}`).join(', ') || 'none'}; ${int(r.stored.entries)} entries stored, ${r.stored.wrong} PCs not stored exactly once up to their head`,
    ];
  });
  lines.push(`fleet: set-up ${msf(f.setupMs)}`);
  const context = f.runs.flatMap((r, k) => {
    const p = per[k]!;
    return [
      `| run ${k + 1}: restart of one instance (drain → SIGTERM → start → UP on HAProxy) | from ${msf(r.restart.from)} to ${msf(r.restart.to)} into the run |`,
      `| — syncs started during the restart: count, p99, max | ${p.during.length}, ${q(p.during, 99)}, ${q(p.during, 100)} |`,
      `| — answers the PCs got; 5xx among them | ${int(p.requests)}; ${p.fiveXx.map(([s, n]) => `${n} × ${s}`).join(', ') || 'none'} |`,
      `| — entries stored (all runs so far) | ${int(r.stored.entries)} |`,
    ];
  });
  const body = [
    figureTable(rows),
    '',
    `${int(PCS)} simulated store PCs (${DEVICES_PER_STORE} per store, ${PEOPLE_PER_STORE} people per store) sync through HAProxy (docs/examples/haproxy.cfg) to two sync server instances on one PostgreSQL database, while one instance is restarted (drained, stopped, started, back in rotation). **Time is compressed ${COMPRESSION}×**: a PC syncs every ${INTERVAL_MS / 1000} s instead of every 5 minutes, so the instances see ${COMPRESSION} times the request rate of a real fleet of this size. ${f.cores} CPU cores shared by both instances, PostgreSQL, HAProxy and the load generator (1-minute load average ${f.load.toFixed(1)} at the start).`,
    '',
    contextTable([
      ...context,
      `| set-up (stores, people, enrollment and first pull of every PC through the balancer) | ${msf(f.setupMs)} |`,
    ]),
    '',
    HOW,
  ].join('\n');
  return { title: TITLE, body, lines, goals: [fleetGoal(p99s, errors, f.runs.length)] };
}
