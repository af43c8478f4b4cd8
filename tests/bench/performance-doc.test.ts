// docs/PERFORMANCE.md tells where its figures come from: every section carries its date and
// commit, every row of a figure table names its yardstick, and every goal of issue 17 has a
// verdict. Checked on a document the bench's own formatters write from made-up figures (no
// benchmark runs here), and on the real document once `npm run bench` has written it in this
// format (BENCH_DOC=FILE checks another file, e.g. a small run's BENCH_OUT, instead).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditSection } from '../../bench/audit.bench';
import { GOAL_TABLE_HEADER, renderDocument, type SectionRun } from '../../bench/document';
import { fleetReport, notMeasured } from '../../bench/fleet/report';
import { serverFigureTable, serverGoals, type ServerRuns } from '../../bench/server/figures';
import { clause, FIGURE_TABLE_HEADER, figureTable, type BenchSection } from '../../bench/stats';
import type { FleetFigures } from '../../bench/sync/fleet';
import { syncSection } from '../../bench/sync/report';

const root = join(import.meta.dirname, '../..');

/** The goals of issue 17, point 2, of the fleet (issue 18) and of the audit section. */
const GOALS = [
  'offline sign-in p50 overhead ≤ 10 % over one raw verify',
  'server sign-ins ≥ 85 % of raw argon2id per core, every core busy',
  'refresh ≥ 2,400/s and ≥ 15 % of a bare Fastify hello-world',
  'audit ingest ≥ 50 % of the prepared insert (SQLite) and of unnest (PostgreSQL)',
  'PCs at once with changes and new connections: p99 ≤ 2 s, 0 errors, RSS ≤ 300 MB, on both databases',
  'PCs on their timers through a load balancer to two instances: p99 ≤ 1 s, 0 errors, while one instance restarts',
  'slowest search p95 ≤ 200 ms, export ≥ 20,000 rows/s',
];

const STAMP =
  /^_Measured \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC, commit [0-9a-f]{7,}( \+ uncommitted changes)?, .+; load average \(1 min\) \d+\.\d{2} at the start, \d+\.\d{2} at the end; \d+ runs per figure\._$/;

const cells = (row: string) =>
  row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(' | ')
    .map((c) => c.trim());

/** The rows of the table whose header line is `header`, from `from` on. */
function tableRows(lines: string[], header: string, from = 0): string[][] {
  const at = lines.indexOf(header, from);
  if (at < 0) return [];
  const rows: string[][] = [];
  for (let i = at + 2; i < lines.length && lines[i]!.startsWith('|'); i++)
    rows.push(cells(lines[i]!));
  return rows;
}

/** Everything wrong with a performance document, as sentences (empty: nothing). */
function problems(doc: string): string[] {
  const out: string[] = [];
  const lines = doc.split('\n');
  if (!/^Written by one run of `npm run bench` \(commit [0-9a-f]{7,}/m.test(doc)) {
    out.push('no line saying the document is from one run, with its commit');
  }
  const goals = tableRows(lines, GOAL_TABLE_HEADER);
  for (const goal of GOALS) {
    const row = goals.find((r) => r[0]!.includes(goal));
    if (!row) out.push(`goal without a row: ${goal}`);
    else if (!['met', '**not met**'].includes(row[3] ?? ''))
      out.push(`goal without a verdict: ${goal}`);
    else if (!row[1] || !row[2]) out.push(`goal without clauses or figures: ${goal}`);
  }
  const sections = lines.flatMap((l, i) => (l.startsWith('## ') && l !== '## Goals' ? [i] : []));
  if (sections.length === 0) out.push('no sections');
  for (const [k, at] of sections.entries()) {
    const title = lines[at]!;
    if (!STAMP.test(lines[at + 2] ?? '')) out.push(`${title}: no date and commit under the title`);
    const end = sections[k + 1] ?? lines.length;
    const header = lines.indexOf(FIGURE_TABLE_HEADER, at);
    if (header < 0 || header > end) {
      out.push(`${title}: no figure table`);
      continue;
    }
    const rows = tableRows(lines, FIGURE_TABLE_HEADER, at);
    if (rows.length === 0) out.push(`${title}: an empty figure table`);
    for (const row of rows) {
      if (row.length !== 6 || !row[1] || row[1] === '—') {
        out.push(`${title}: a figure without its yardstick: ${row[0]}`);
      }
    }
  }
  return out;
}

const show = (v: number) => v.toFixed(2);

/**
 * Figures of every shape the sections take, made up: this test runs no benchmark. `measured`
 * false: the fleet and audit sections as a machine without haproxy or PostgreSQL writes them.
 */
function fixture(measured = true): string {
  const signInRun = (share: number) => ({
    loaded: {
      concurrency: 8,
      signInsPerCoreSecond: 20 * share,
      rawPerCoreSecond: 20,
      signInCpuMs: 14,
      rawCpuMs: 12,
    },
  });
  const load = (perSecond: number) => ({
    perSecond,
    requests: 1,
    ok: 1,
    p50: 1,
    p99: 2,
    errors: 0,
    non2xx: 0,
  });
  const refreshRun = (rate: number) => ({
    hello: load(15_000),
    appHello: load(6_000),
    refresh: load(rate),
  });
  const ingest = (dialect: 'sqlite' | 'postgres', withTotp: boolean, share: number) => ({
    dialect,
    withTotp,
    ingestPerSecond: 40_000 * share,
    rawPerSecond: 40_000,
    rawShape: 'prepared better-sqlite3 INSERT of 50 rows',
    shapes: [],
    events: 50_000,
  });
  const ingestRun = (share: number) =>
    (['sqlite', 'postgres'] as const).flatMap((d) => [true, false].map((t) => ingest(d, t, share)));
  const runs = {
    signIn: [0.8, 0.86, 0.9].map(signInRun),
    refresh: [2300, 2500, 2600].map(refreshRun),
    sharedLimits: [2000].map(refreshRun),
    ingest: [0.4, 0.5, 0.6].map(ingestRun),
  } as unknown as ServerRuns;
  const burst = (p99: number) => ({
    latencies: [p99 / 2, p99],
    errors: [],
    sawChange: 500,
    entries: 17_000,
    wallMs: p99,
    peakRssMB: 250,
    serverCpuMs: 1,
    clientCpuMs: 1,
    postgresCpuMs: 0,
    clientLoopP99Ms: 1,
    clientLoopMaxMs: 1,
  });
  const fleet = (dialect: 'sqlite' | 'postgres'): FleetFigures => ({
    dialect,
    bursts: [1500, 1900, 2100].map(burst),
    idleRssMB: 200,
    hwmMB: 280,
    heapAfterGcMB: 40,
    setupMs: 1,
    unacknowledged: 0,
  });
  const backlogRun = {
    ms: 1500,
    entries: 20_000,
    pending: 0,
    serverPending: 0,
    serverCpuMs: 1,
    clientCpuMs: 1,
    postgresCpuMs: 0,
  };
  const signIn: BenchSection = {
    title: 'Offline sign-in latency',
    body: figureTable([
      { measure: 'overhead', yardstick: 'one raw verify', values: [8, 9, 12], show },
    ]),
    lines: [],
    goals: [
      {
        name: 'offline sign-in p50 overhead ≤ 10 % over one raw verify, with durable commits',
        clauses: [clause('≤ 10 %', [8, 9, 12], '<=', 10, show)],
      },
    ],
  };
  const server: BenchSection = {
    title: 'Sync server throughput',
    body: serverFigureTable(runs),
    lines: [],
    goals: serverGoals(runs),
  };
  const sync = syncSection({
    cores: 2,
    load: 0.5,
    backlog: [{ dialect: 'sqlite', runs: [backlogRun] }],
    fleet: [fleet('sqlite'), fleet('postgres')],
  });
  const search = (p95: number) => ({
    name: 'one store',
    api: { p50: p95 / 2, p95, mean: p95 / 2, n: 40 },
    raw: { p50: p95 / 4, p95: p95 / 2, mean: p95 / 4, n: 40 },
    plan: 'audit_events_store_at',
  });
  const audit = auditSection(
    measured
      ? {
          rows: 10_000_000,
          months: 24,
          loadSeconds: 100,
          runs: [40, 45, 50].map((p95) => ({
            searches: [search(p95)],
            exportRows: 100_000,
            exportPerSecond: 30_000,
            rawExportPerSecond: 120_000,
          })),
        }
      : null,
  );
  const sync2Restart = { from: 60_000, to: 65_000 };
  const fleetRun = (ms: number) => ({
    wallMs: 180_000,
    syncs: [0, 61_000, 62_000].map((startedAt) => ({ startedAt, ms, error: null })),
    restart: sync2Restart,
    answers: new Map([[200, 6]]),
    stored: { wrong: 0, entries: 30 },
  });
  const balanced = measured
    ? fleetReport({ cores: 2, load: 0.5, setupMs: 1, runs: [300, 400, 500].map(fleetRun) })
    : notMeasured('needs haproxy');
  const sectionRun = (section: BenchSection): SectionRun => ({
    section,
    startedAt: '2026-12-08T01:00:00.000Z',
    loadStart: 0.4,
    loadEnd: 0.6,
  });
  return renderDocument([signIn, server, sync, balanced, audit].map(sectionRun), {
    commit: 'abc1234',
    dirty: true,
    machine: '2 × CPU, 8 GiB, Node v22',
    runs: 3,
  });
}

describe('docs/PERFORMANCE.md', () => {
  it('the bench formatters write dated, committed sections, yardsticks and every verdict', () => {
    expect(problems(fixture())).toEqual([]);
  });

  it('a section that could not run is in the document, its goal not measured', () => {
    const doc = fixture(false);
    expect(problems(doc)).toEqual([]);
    const goals = tableRows(doc.split('\n'), GOAL_TABLE_HEADER);
    for (const goal of GOALS.slice(-2)) {
      const row = goals.find((r) => r[0]!.includes(goal))!;
      expect(row[2]).toBe('not measured; not measured');
      expect(row[3]).toBe('**not met**');
    }
  });

  it('finds a section without its stamp, a figure without a yardstick and a missing verdict', () => {
    const broken = fixture()
      .replace(/^_Measured .*$/m, '')
      .replace('| — share of the raw rate | raw argon2id', '| — share of the raw rate |  | raw')
      .replace(/^\| refresh ≥ 2,400\/s.*\n/m, '');
    expect(problems(broken)).toEqual([
      'goal without a row: refresh ≥ 2,400/s and ≥ 15 % of a bare Fastify hello-world',
      '## Offline sign-in latency: no date and commit under the title',
      '## Sync server throughput: a figure without its yardstick: — share of the raw rate',
    ]);
  });

  const file = process.env.BENCH_DOC ?? join(root, 'docs/PERFORMANCE.md');
  const doc = existsSync(file) ? readFileSync(file, 'utf8') : '';
  // The real document is checked once the bench has rewritten it in this format.
  it.runIf(process.env.BENCH_DOC !== undefined || doc.includes('Written by one run of'))(
    'the document the bench wrote has them too',
    () => {
      expect(problems(doc)).toEqual([]);
    },
  );
});
