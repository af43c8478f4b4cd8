/**
 * The server section's figure table and goals, from every run of its three parts: each figure
 * beside the yardstick it is judged against, and each goal of issue 17 with all its clauses.
 */
import { ARGON2ID_PARAMS } from '../../backend-sync/auth/password-hasher';
import type { Dialect } from '../../backend-sync/db/dialect';
import { MAX_AUDIT_BATCH } from '../../common/sync/protocol';
import { clause, figureTable, type FigureRow, type Goal } from '../stats';
import type { IngestFigures } from './ingest';
import type { RefreshFigures } from './refresh';
import { CONNECTIONS, GOALS, LOAD_SECONDS, PG_URL } from './settings';
import type { SignInFigures } from './sign-ins';

export interface ServerRuns {
  signIn: SignInFigures[];
  refresh: RefreshFigures[];
  /** The same refresh runs with RATE_LIMIT_STORE=database. */
  sharedLimits: RefreshFigures[];
  /** Per run: every dialect with password + TOTP sign-ins in its batches, then without. */
  ingest: IngestFigures[][];
}

export const int = (v: number) => Math.round(v).toLocaleString('en-US');
export const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
export const dialectName = (d: Dialect) => (d === 'sqlite' ? 'SQLite' : 'PostgreSQL');
const perS = (v: number) => `${int(v)}/s`;
const perCore = (v: number) => `${v.toFixed(1)}/s`;

export const signInShare = (s: SignInFigures) =>
  s.loaded.signInsPerCoreSecond / s.loaded.rawPerCoreSecond;
export const helloShare = (r: RefreshFigures) => r.refresh.perSecond / r.hello.perSecond;
export const ingestShare = (i: IngestFigures) => i.ingestPerSecond / i.rawPerSecond;

/** Each dialect's ingest runs, with or without TOTP sign-ins in the batches. */
function ingestRuns(runs: ServerRuns, withTotp: boolean) {
  const dialects: Dialect[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  return dialects.map((dialect) => ({
    dialect,
    runs: runs.ingest.map((r) => r.find((i) => i.dialect === dialect && i.withTotp === withTotp)!),
  }));
}

const rawYardstick = (d: Dialect) =>
  d === 'sqlite'
    ? 'fastest prepared better-sqlite3 INSERT of the same rows (1, 10, 50 or 500 rows a statement), one transaction per batch, same table and indexes, interleaved batch by batch'
    : 'prepared `unnest` INSERT of the same rows, one per batch, same table and indexes, interleaved batch by batch';

export function serverFigureTable(runs: ServerRuns): string {
  const params = `m=${ARGON2ID_PARAMS.memoryCost} KiB, t=${ARGON2ID_PARAMS.timeCost}, p=${ARGON2ID_PARAMS.parallelism}`;
  const concurrency = runs.signIn[0]!.loaded.concurrency;
  const rawVerify = `raw argon2id verify (${params}), ${concurrency} at once on the same thread pool, blocks alternating with the sign-ins`;
  const hello = `bare Fastify 5 hello-world in its own process, same connections and duration, same run`;
  const rows: FigureRow[] = [
    {
      measure: `password + TOTP sign-ins per core, every core busy (SQLite; ${concurrency} at once)`,
      yardstick: rawVerify,
      values: runs.signIn.map((s) => s.loaded.signInsPerCoreSecond),
      show: perCore,
    },
    {
      measure: '— share of the raw rate',
      yardstick: rawVerify,
      values: runs.signIn.map(signInShare),
      show: pct,
    },
    {
      measure: 'raw argon2id verifies per core (the yardstick above)',
      yardstick: 'is the yardstick of the sign-ins',
      values: runs.signIn.map((s) => s.loaded.rawPerCoreSecond),
      show: perCore,
    },
    {
      measure: `refresh rotations over HTTP (${CONNECTIONS} connections, ${LOAD_SECONDS} s, SQLite)`,
      yardstick: `absolute: goal ≥ ${int(GOALS.rotationsPerSecond)}/s; and the ${hello}`,
      values: runs.refresh.map((r) => r.refresh.perSecond),
      show: perS,
    },
    {
      measure: '— share of the bare hello-world',
      yardstick: hello,
      values: runs.refresh.map(helloShare),
      show: pct,
    },
    {
      measure: 'bare Fastify 5 hello-world requests (the yardstick above)',
      yardstick: 'is the yardstick of the refresh rotations',
      values: runs.refresh.map((r) => r.hello.perSecond),
      show: perS,
    },
    {
      measure: 'hello-world route on the app (its plugins and hooks: the stack floor)',
      yardstick: hello,
      values: runs.refresh.map((r) => r.appHello.perSecond),
      show: perS,
    },
    {
      measure: 'refresh rotations with `RATE_LIMIT_STORE=database`',
      yardstick: `${hello} (its own runs)`,
      values: runs.sharedLimits.map((r) => r.refresh.perSecond),
      show: perS,
    },
  ];
  for (const withTotp of [true, false]) {
    for (const { dialect, runs: ingest } of ingestRuns(runs, withTotp)) {
      const what = `audit ingest, ${dialectName(dialect)}, batches of ${MAX_AUDIT_BATCH}${withTotp ? '' : ' without password + TOTP sign-ins'}`;
      rows.push(
        {
          measure: `${what} (events/s)`,
          yardstick: rawYardstick(dialect),
          values: ingest.map((i) => i.ingestPerSecond),
          show: perS,
        },
        {
          measure: '— share of the raw insert',
          yardstick: rawYardstick(dialect),
          values: ingest.map(ingestShare),
          show: pct,
        },
        {
          measure: `raw insert, ${dialectName(dialect)} (the yardstick above; fastest shape per run: ${ingest.map((i) => i.rawShape.replace(/^prepared /, '')).join(', ')})`,
          yardstick: 'is the yardstick of the ingest',
          values: ingest.map((i) => i.rawPerSecond),
          show: perS,
        },
      );
    }
  }
  if (!PG_URL) {
    rows.push({
      measure:
        'audit ingest, PostgreSQL: skipped (set BENCH_DATABASE_URL or KEYHOLDER_TEST_DATABASE_URL)',
      yardstick: rawYardstick('postgres'),
      values: [],
      show: pct,
    });
  }
  return figureTable(rows);
}

export function serverGoals(runs: ServerRuns): Goal[] {
  const ingest = ingestRuns(runs, true);
  const ingestOf = (d: Dialect) =>
    ingest.find((i) => i.dialect === d)?.runs.map(ingestShare) ?? null;
  return [
    {
      name: 'server sign-ins ≥ 85 % of raw argon2id per core, every core busy',
      clauses: [
        clause(
          '≥ 85 % of raw argon2id per core',
          runs.signIn.map(signInShare),
          '>=',
          GOALS.signInShare,
          pct,
        ),
      ],
    },
    {
      name: 'refresh ≥ 2,400/s and ≥ 15 % of a bare Fastify hello-world',
      clauses: [
        clause(
          '≥ 2,400/s',
          runs.refresh.map((r) => r.refresh.perSecond),
          '>=',
          GOALS.rotationsPerSecond,
          perS,
        ),
        clause(
          '≥ 15 % of a bare Fastify hello-world',
          runs.refresh.map(helloShare),
          '>=',
          GOALS.helloShare,
          pct,
        ),
      ],
    },
    {
      name: 'audit ingest ≥ 50 % of the prepared insert (SQLite) and of unnest (PostgreSQL)',
      clauses: [
        clause(
          'SQLite ≥ 50 % of the prepared insert',
          ingestOf('sqlite'),
          '>=',
          GOALS.ingestShare,
          pct,
        ),
        clause('PostgreSQL ≥ 50 % of unnest', ingestOf('postgres'), '>=', GOALS.ingestShare, pct),
      ],
    },
  ];
}
