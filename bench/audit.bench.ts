import {
  AUDIT_ROWS,
  benchAuditSearch,
  SEARCH_RUNS,
  type AuditBenchFigures,
} from './server/audit-search';
import { PG_URL } from './server/settings';
import {
  clause,
  figureTable,
  median,
  ms,
  type BenchSection,
  type FigureRow,
  type Goal,
} from './stats';

/** Goals: a search page as the admin area asks for it, and the export's pace. */
const GOALS = { searchP95Ms: 200, exportRowsPerSecond: 20_000 };

const int = (v: number) => Math.round(v).toLocaleString('en');
const rowsPerS = (v: number) => `${int(v)} rows/s`;
const SEARCH_GOAL = `goal ≤ ${GOALS.searchP95Ms} ms`;
const EXPORT_GOAL = `goal ≥ ${int(GOALS.exportRowsPerSecond)} rows/s`;

/** The goal, on the slowest search's p95 and the export rate of each run (null: not measured). */
function auditGoal(worst: number[] | null, exports: number[] | null): Goal {
  return {
    name: `audit search and export over ${int(AUDIT_ROWS)} rows: slowest search p95 ≤ ${GOALS.searchP95Ms} ms, export ≥ ${int(GOALS.exportRowsPerSecond)} rows/s`,
    clauses: [
      clause(`slowest search p95 ≤ ${GOALS.searchP95Ms} ms`, worst, '<=', GOALS.searchP95Ms, ms),
      clause(
        `export ≥ ${int(GOALS.exportRowsPerSecond)} rows/s`,
        exports,
        '>=',
        GOALS.exportRowsPerSecond,
        rowsPerS,
      ),
    ],
  };
}

/**
 * `npm run bench -- audit`: audit search and export over BENCH_AUDIT_ROWS rows (10 million
 * unless set) on PostgreSQL (bench/server/audit-search.ts), each beside its goal and the same
 * statements written by hand in the same run (the yardstick). The rows are loaded once; the
 * searches and the export are measured RUNS times over them. Without PostgreSQL the section
 * says so and its goal reads "not measured".
 */
export async function benchAudit(): Promise<BenchSection> {
  if (!PG_URL) return auditSection(null);
  console.log(`  loading ${AUDIT_ROWS.toLocaleString('en')} audit rows into PostgreSQL…`);
  return auditSection(await benchAuditSearch());
}

/** The section from the runs' figures; null: not measured (no PostgreSQL). Pure. */
export function auditSection(f: AuditBenchFigures | null): BenchSection {
  const title = 'Audit search and export over years of entries';
  if (!f) {
    const why =
      'Not measured: set BENCH_DATABASE_URL (or KEYHOLDER_TEST_DATABASE_URL) to a PostgreSQL.';
    const table = figureTable([
      {
        measure: `audit search and export on PostgreSQL: not measured (no PostgreSQL)`,
        yardstick: `the same statements by hand; absolute: search ${SEARCH_GOAL}, export ${EXPORT_GOAL}`,
        values: [],
        show: ms,
      },
    ]);
    return {
      title,
      body: `${table}\n\n${why}`,
      lines: [why],
      goals: [auditGoal(null, null)],
    };
  }
  const worst = f.runs.map((r) => Math.max(...r.searches.map((s) => s.api.p95)));
  const exports = f.runs.map((r) => r.exportPerSecond);
  const rows: FigureRow[] = f.runs[0]!.searches.flatMap((s, k) => [
    {
      measure: `search "${s.name}": p95 through the API (${SEARCH_RUNS} pages)`,
      yardstick: `the same page and count by hand (next row); absolute: ${SEARCH_GOAL}`,
      values: f.runs.map((r) => r.searches[k]!.api.p95),
      show: ms,
    },
    {
      measure: `— by hand, p95 (the yardstick above; plan: ${[...new Set(f.runs.map((r) => r.searches[k]!.plan))].join(' / ')})`,
      yardstick: 'is the yardstick of the search',
      values: f.runs.map((r) => r.searches[k]!.raw.p95),
      show: ms,
    },
  ]);
  rows.push(
    {
      measure: 'slowest search p95',
      yardstick: `absolute: ${SEARCH_GOAL}`,
      values: worst,
      show: ms,
    },
    {
      measure: `export (CSV, the last 7 days of every store, ${int(f.runs[0]!.exportRows)} rows) through the API`,
      yardstick: `raw keyset read of the same rows (next row); absolute: ${EXPORT_GOAL}`,
      values: exports,
      show: rowsPerS,
    },
    {
      measure: '— raw keyset read (the yardstick above)',
      yardstick: 'is the yardstick of the export',
      values: f.runs.map((r) => r.rawExportPerSecond),
      show: rowsPerS,
    },
  );
  const context = f.runs[0]!.searches.map(
    (s, k) =>
      `| ${s.name} | ${f.runs.map((r) => ms(r.searches[k]!.api.p50)).join(', ')} | ${s.plan} |`,
  );
  const partial =
    f.rows < 10_000_000
      ? ` A smaller run (BENCH_AUDIT_ROWS) than the 10 million the section is meant for.`
      : '';
  const body = [
    figureTable(rows),
    '',
    `${f.rows.toLocaleString('en')} audit rows on PostgreSQL, over ${f.months} monthly partitions (500 stores, 1,000 PCs, 10,000 people), loaded in SQL in ${f.loadSeconds.toFixed(0)} s, once; then ${f.runs.length} runs over them. Each search is a page of 25 by keyset with its total counted up to 10,000, as the admin area asks for it (GET /api/v1/audit through the whole app), ${SEARCH_RUNS} pages a run varying the store, PC or person; "by hand" is the same page and count written by hand and run on the same pool; "plan" names the indexes PostgreSQL's plan of the page uses.${partial}`,
    '',
    'Context from the same run:',
    '',
    '| search | p50 of each run | plan |',
    '| --- | --- | --- |',
    ...context,
    '',
    `Slowest search p95: ${ms(median(worst))} (median of the runs; ${SEARCH_GOAL}).`,
    '',
    `Export (CSV, the last 7 days of every store, ${int(f.runs[0]!.exportRows)} rows): ${int(median(exports))} rows/s through the API (median of the runs); raw keyset read of the same rows ${int(median(f.runs.map((r) => r.rawExportPerSecond)))} rows/s (${EXPORT_GOAL}).`,
  ].join('\n');
  return {
    title,
    body,
    lines: [
      `${f.rows.toLocaleString('en')} rows; slowest search p95 ${worst.map(ms).join(', ')}`,
      `export ${exports.map(int).join(', ')} rows/s (raw ${f.runs.map((r) => int(r.rawExportPerSecond)).join(', ')})`,
    ],
    goals: [auditGoal(worst, exports)],
  };
}
