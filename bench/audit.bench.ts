import { AUDIT_ROWS, benchAuditSearch, SEARCH_RUNS } from './server/audit-search';
import { PG_URL } from './server/settings';
import { ms, type BenchSection } from './stats';

/** Goals: a search page as the admin area asks for it, and the export's pace. */
const GOALS = { searchP95Ms: 200, exportRowsPerSecond: 20_000 };

/**
 * `npm run bench -- audit`: audit search and export over BENCH_AUDIT_ROWS rows (10 million
 * unless set) on PostgreSQL (bench/server/audit-search.ts), each beside its goal and the same
 * statements written by hand in the same run.
 */
export async function benchAudit(): Promise<BenchSection> {
  const title = 'Audit search and export over years of entries';
  if (!PG_URL) {
    const body =
      'Skipped: set BENCH_DATABASE_URL (or KEYHOLDER_TEST_DATABASE_URL) to a PostgreSQL.';
    return { title, body, lines: [body] };
  }
  console.log(`  loading ${AUDIT_ROWS.toLocaleString('en')} audit rows into PostgreSQL…`);
  const f = await benchAuditSearch();
  const worst = Math.max(...f.searches.map((s) => s.api.p95));
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  const rows = f.searches.map(
    (s) => `| ${s.name} | ${ms(s.api.p50)} | ${ms(s.api.p95)} | ${ms(s.raw.p95)} | ${s.plan} |`,
  );
  const partial =
    f.rows < 10_000_000
      ? ` A smaller run (BENCH_AUDIT_ROWS) than the 10 million the section is meant for.`
      : '';
  const body = [
    `${f.rows.toLocaleString('en')} audit rows on PostgreSQL, over ${f.months} monthly partitions (500 stores, 1,000 PCs, 10,000 people), loaded in SQL in ${f.loadSeconds.toFixed(0)} s. Each search is a page of 25 by keyset with its total counted up to 10,000, as the admin area asks for it (GET /api/v1/audit through the whole app), ${SEARCH_RUNS} runs varying the store, PC or person; "raw" is the same page and count written by hand and run on the same pool; "plan" names the indexes PostgreSQL's plan of the page uses.${partial}`,
    '',
    '| search | p50 | p95 | raw p95 | plan |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Slowest search p95: ${ms(worst)} (goal ≤ ${GOALS.searchP95Ms} ms: ${verdict(worst <= GOALS.searchP95Ms)}).`,
    '',
    `Export (CSV, the last 7 days of every store, ${f.exportRows.toLocaleString('en')} rows): ${Math.round(f.exportPerSecond).toLocaleString('en')} rows/s through the API; raw keyset read of the same rows ${Math.round(f.rawExportPerSecond).toLocaleString('en')} rows/s (goal ≥ ${GOALS.exportRowsPerSecond.toLocaleString('en')} rows/s: ${verdict(f.exportPerSecond >= GOALS.exportRowsPerSecond)}).`,
  ].join('\n');
  return {
    title,
    body,
    lines: [
      `${f.rows.toLocaleString('en')} rows; slowest search p95 ${ms(worst)}`,
      `export ${Math.round(f.exportPerSecond)} rows/s (raw ${Math.round(f.rawExportPerSecond)})`,
    ],
  };
}
