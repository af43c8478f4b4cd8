/**
 * The audit table over the years (`npm run bench -- audit`, PostgreSQL only): N audit rows
 * loaded straight into the partitioned table in SQL (generate_series, a million per statement),
 * spread over AUDIT_MONTHS months, 500 stores, 1,000 PCs and 10,000 people; then the admin
 * area's typical searches through the API (GET /api/v1/audit, a page of 25 by keyset with its
 * capped total), each beside the same two statements written by hand and run on the same pool,
 * and an export (CSV, the last 7 days of every store) in rows per second beside a hand-written
 * keyset read of the same rows.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../backend-sync/db/schema';
import { ensureAuditPartitions, monthOf } from '../../backend-sync/reporting/audit-partitions';
import { RUNS, summarize, type Summary } from '../stats';
import { startServer } from './bench-server';

/** Rows loaded: BENCH_AUDIT_ROWS (10 million unless set; 200,000 is a quick check). */
export const AUDIT_ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? 10_000_000);
/** Timed runs of each search, after WARM_UP untimed ones. */
export const SEARCH_RUNS = Number(process.env.BENCH_AUDIT_SEARCH_RUNS ?? 40);
const WARM_UP = 5;
export const AUDIT_MONTHS = 24;
const STORES = 500;
const DEVICES = 1000;
const PEOPLE = 10_000;
const PAGE = 25;
const LOAD_CHUNK = 1_000_000;

export interface SearchFigure {
  name: string;
  api: Summary;
  raw: Summary;
  /** The indexes the hand-written page query's plan uses; "seq scan" if it reads a whole table. */
  plan: string;
}

/** One run of every search and of the export, over the rows loaded once. */
export interface AuditRun {
  searches: SearchFigure[];
  exportRows: number;
  exportPerSecond: number;
  rawExportPerSecond: number;
}

export interface AuditBenchFigures {
  rows: number;
  months: number;
  loadSeconds: number;
  /** RUNS runs (BENCH_RUNS), each every search and the export beside their hand-written SQL. */
  runs: AuditRun[];
}

interface Search {
  name: string;
  /** Query string of the API request (i: which run, to vary the store, person…). */
  query(i: number): string;
  /** The WHERE clause of the hand-written statements, in SQL. */
  where(i: number): string;
}

const storeId = (i: number) => `00000000-0000-4000-8000-${String(i % STORES).padStart(12, '0')}`;
const deviceId = (i: number) => `00000000-0000-4000-9000-${String(i % DEVICES).padStart(12, '0')}`;
const personId = (i: number) => `00000000-0000-4000-a000-${String(i % PEOPLE).padStart(12, '0')}`;

export async function benchAuditSearch(rows = AUDIT_ROWS): Promise<AuditBenchFigures> {
  const server = await startServer('postgres');
  try {
    const { db } = server.database;
    const now = Date.now();
    const start = monthOf(now, -(AUDIT_MONTHS - 1)).start;
    const loadSeconds = await loadAuditRows(db, rows, start, now);
    const week = now - 7 * 86_400_000;
    const searches: Search[] = [
      { name: 'every store, first page', query: () => '', where: () => 'true' },
      {
        name: 'one store',
        query: (i) => `store=${storeId(i)}`,
        where: (i) => `store_id = '${storeId(i)}'`,
      },
      {
        name: 'one store, last 7 days',
        query: (i) => `store=${storeId(i)}&from=${week}`,
        where: (i) => `store_id = '${storeId(i)}' and at >= ${week}`,
      },
      {
        name: 'one PC',
        query: (i) => `device=${deviceId(i)}`,
        where: (i) => `device_id = '${deviceId(i)}'`,
      },
      {
        name: 'one person (actor or target)',
        query: (i) => `person=${personId(i)}`,
        where: (i) => `(actor_id = '${personId(i)}' or target_id = '${personId(i)}')`,
      },
      {
        name: 'failed sign-ins',
        query: () => 'action=auth.sign_in&outcome=failure',
        where: () => `action = 'auth.sign_in' and outcome = 'failure'`,
      },
      {
        name: 'lockouts (rare)',
        query: () => 'action=auth.lockout',
        where: () => `action = 'auth.lockout'`,
      },
    ];
    const { accessToken } = await server.signIn();
    const auth = { authorization: `Bearer ${accessToken}` };
    const runs: AuditRun[] = [];
    for (let run = 0; run < RUNS; run++) {
      console.log(`    run ${run + 1} of ${RUNS}…`);
      runs.push(await measureRun(server, auth, searches, { start: week, end: now }));
    }
    return { rows, months: AUDIT_MONTHS, loadSeconds, runs };
  } finally {
    await server.close();
  }
}

async function measureRun(
  server: Awaited<ReturnType<typeof startServer>>,
  auth: Record<string, string>,
  searches: Search[],
  lastWeek: { start: number; end: number },
): Promise<AuditRun> {
  const { db } = server.database;
  const figures: SearchFigure[] = [];
  for (const s of searches) {
    const api: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < WARM_UP + SEARCH_RUNS; i++) {
      const t0 = performance.now();
      const r = await server.app.inject({
        method: 'GET',
        url: `/api/v1/audit?limit=${PAGE}&${s.query(i)}`,
        headers: auth,
      });
      const t1 = performance.now();
      if (r.statusCode !== 200) throw new Error(`${s.name}: ${r.statusCode} ${r.body}`);
      await Promise.all([
        sql.raw(pageSql(s.where(i))).execute(db),
        sql.raw(countSql(s.where(i))).execute(db),
      ]);
      const t2 = performance.now();
      if (i >= WARM_UP) {
        api.push(t1 - t0);
        raw.push(t2 - t1);
      }
    }
    figures.push({
      name: s.name,
      api: summarize(api),
      raw: summarize(raw),
      plan: await planOf(db, pageSql(s.where(1))),
    });
    console.log(
      `    ${s.name}: p95 ${figures.at(-1)!.api.p95.toFixed(1)} ms (raw ${figures.at(-1)!.raw.p95.toFixed(1)} ms) — ${figures.at(-1)!.plan}`,
    );
  }
  const exported = await timeExport(server.app, auth, lastWeek);
  const rawExport = await timeRawExport(db, lastWeek);
  return {
    searches: figures,
    exportRows: exported.rows,
    exportPerSecond: exported.rows / exported.seconds,
    rawExportPerSecond: rawExport.rows / rawExport.seconds,
  };
}

/**
 * N rows in generate_series chunks: row g is PC g mod 1,000 (of store g mod 500), its seq
 * g div 1,000 + 1, at a time rising with g over the months; a mix of sign-ins (a tenth failed),
 * locks, sign-outs and rare lockouts; hashes and MACs of the real width.
 */
export async function loadAuditRows(
  db: Kysely<DB>,
  rows: number,
  start: number,
  now: number,
): Promise<number> {
  const t0 = performance.now();
  for (let m = 0; m < AUDIT_MONTHS; m++)
    await ensureAuditPartitions(db, 'postgres', monthOf(start, m).start);
  await sql
    .raw(
      `insert into stores (id, name, brand, created_at, updated_at)
    select '00000000-0000-4000-8000-' || lpad(s::text, 12, '0'), 'Store ' || s, '', 0, 0
    from generate_series(0, ${STORES - 1}) s`,
    )
    .execute(db);
  const spacing = (now - start) / rows;
  for (let from = 0; from < rows; from += LOAD_CHUNK) {
    const to = Math.min(rows, from + LOAD_CHUNK) - 1;
    await sql
      .raw(
        `insert into audit_events
      select '00000000-0000-4000-9000-' || lpad((g % ${DEVICES})::text, 12, '0'),
        g / ${DEVICES} + 1,
        '00000000-0000-4000-8000-' || lpad((g % ${STORES})::text, 12, '0'),
        ${start} + (g * ${spacing})::bigint,
        '00000000-0000-4000-a000-' || lpad(((g / 7) % ${PEOPLE})::text, 12, '0'),
        'Crew ' || ((g / 7) % ${PEOPLE}),
        case when g % 1000 = 999 then 'auth.lockout' when g % 20 < 12 then 'auth.sign_in'
          when g % 20 < 15 then 'auth.session_lock' else 'auth.sign_out' end,
        '00000000-0000-4000-a000-' || lpad(((g / 7) % ${PEOPLE})::text, 12, '0'),
        'Crew ' || ((g / 7) % ${PEOPLE}),
        case when g % 20 = 3 or g % 1000 = 999 then 'failure' else 'success' end,
        '{"method":"password"}',
        md5(g::text) || md5((g + 1)::text), md5((g + 1)::text) || md5(g::text),
        md5((g + 2)::text) || md5((g + 3)::text),
        ${start} + (g * ${spacing})::bigint + 60000
      from generate_series(${from}, ${to}) g`,
      )
      .execute(db);
    console.log(`    loaded ${(to + 1).toLocaleString('en')} of ${rows.toLocaleString('en')} rows`);
  }
  await sql`analyze audit_events`.execute(db);
  return (performance.now() - t0) / 1000;
}

const COLUMNS = `e.store_id, s.name as store_name, e.device_id, e.seq, e.at, e.actor_id, e.actor_name,
  e.action, e.target_id, e.target_name, e.outcome, e.details, e.received_at`;
const pageSql = (where: string) => `select ${COLUMNS} from audit_events e
  left join stores s on s.id = e.store_id where ${where}
  order by e.at desc, e.device_id desc, e.seq desc limit ${PAGE + 1}`;
const countSql = (where: string) =>
  `select count(*) from (select 1 from audit_events e where ${where} limit 10001) m`;

/**
 * The indexes a plan reads, short (audit_events_y2026m12_store_id_at_device_id_seq_idx is
 * "store_id_at_device_id_seq"), and "seq scan" when it reads a partition of more than 10,000
 * rows whole (the empty months ahead, DEFAULT and a few days of this month are read whole by
 * any plan, as they should be).
 */
async function planOf(db: Kysely<DB>, query: string): Promise<string> {
  const { rows } = await sql.raw<{ 'QUERY PLAN': string }>(`explain ${query}`).execute(db);
  const text = rows.map((r) => r['QUERY PLAN']).join('\n');
  const indexes = new Set(
    [...text.matchAll(/Index (?:Only )?Scan (?:Backward )?(?:using|on) (\w+)/g)].map((m) =>
      m[1]!.replace(/^audit_events_(y\d{4}m\d{2}|default)_/, '').replace(/_idx\d*$/, ''),
    ),
  );
  const scanned = [...text.matchAll(/Seq Scan on (audit_events_\w+)/g)].map((m) => m[1]!);
  const { rows: large } = await sql<{ n: string }>`select count(*) as n from pg_class
    where relname = any(${scanned}) and relnamespace = current_schema()::regnamespace
      and reltuples > 10000`.execute(db);
  const whole = Number(large[0]!.n) > 0 ? [`seq scan of ${large[0]!.n} large partitions`] : [];
  return [...whole, ...indexes].join(', ');
}

async function timeExport(
  app: Awaited<ReturnType<typeof startServer>>['app'],
  auth: Record<string, string>,
  range: { start: number; end: number },
): Promise<{ rows: number; seconds: number }> {
  const t0 = performance.now();
  const r = await app.inject({
    method: 'GET',
    url: `/api/v1/audit/export?format=csv&from=${range.start}&to=${range.end}`,
    headers: auth,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.statusCode !== 200) throw new Error(`export: ${r.statusCode}`);
  return { rows: r.body.split('\r\n').length - 2, seconds };
}

async function timeRawExport(
  db: Kysely<DB>,
  range: { start: number; end: number },
): Promise<{ rows: number; seconds: number }> {
  const t0 = performance.now();
  let rows = 0;
  let after = '';
  for (;;) {
    const { rows: batch } = await sql
      .raw<{ at: number; device_id: string; seq: number }>(
        `select ${COLUMNS} from audit_events e left join stores s on s.id = e.store_id
       where e.at >= ${range.start} and e.at < ${range.end} ${after}
       order by e.at, e.device_id, e.seq limit 1000`,
      )
      .execute(db);
    rows += batch.length;
    if (batch.length < 1000) break;
    const t = batch[batch.length - 1]!;
    after = `and (e.at, e.device_id, e.seq) > (${t.at}, '${t.device_id}', ${t.seq})`;
  }
  return { rows, seconds: (performance.now() - t0) / 1000 };
}
