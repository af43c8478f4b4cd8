import { availableParallelism, loadavg } from 'node:os';
import { PasswordHasher } from '../backend-sync/auth/password-hasher';
import { newTotpSecret } from '../backend-sync/auth/totp';
import { findHaproxy, startLoadBalancer } from '../tests/backend/support/load-balancer';
import {
  setUpAdminOverHttp,
  signInOverHttp,
  startServerInstances,
} from '../tests/backend/support/server-instances';
import { enrollSimPc, syncSimPc, type SimPc } from '../tests/backend/support/simulated-pc';
import { insertTestUser } from '../tests/backend/support/user-factory';
import { percentile, type BenchSection } from './stats';
import { pool } from './sync/server-process';
import { DEVICES_PER_STORE, PEOPLE_PER_STORE, PG_URL } from './sync/settings';
import { chain } from './sync/store-pc-audit';

/**
 * `npm run bench -- fleet`: a fleet of store PCs syncing on their timers through HAProxy (the
 * configuration of docs/examples/haproxy.cfg) to two sync server instances (real
 * `npm run server` processes) on one PostgreSQL database, while one instance is restarted as
 * docs/OPERATIONS.md's rolling restart does it (drained on the balancer, SIGTERM, started,
 * back in rotation). Skipped, keeping the section as it was, without haproxy or a PostgreSQL
 * URL (BENCH_DATABASE_URL or KEYHOLDER_TEST_DATABASE_URL).
 *
 * Time is compressed: a real PC syncs every 5 minutes; here every BENCH_FLEET_INTERVAL_MS
 * (30 s by default, 10× faster), so the instances see that many times the real fleet's request
 * rate. Each PC starts at a random moment of the first interval (a fleet's timers are not in
 * step), then syncs once an interval for BENCH_FLEET_ROUNDS intervals, the way a core's run
 * does: pull, then 2–6 new audit entries in one upload, each request retried as the core
 * retries it (4 attempts with backoff, honouring Retry-After). A sync's latency includes its
 * retries; an error is a sync that still failed after them.
 */
const PCS = Number(process.env.BENCH_FLEET_PCS ?? 2_000);
const INTERVAL_MS = Number(process.env.BENCH_FLEET_INTERVAL_MS ?? 30_000);
const ROUNDS = Number(process.env.BENCH_FLEET_ROUNDS ?? 6);
const REAL_INTERVAL_MS = 5 * 60_000;
/** The instance restarts at the start of this interval. */
const RESTART_ROUND = Math.min(2, ROUNDS - 1);
const GOALS = { p99Ms: 1_000 };

interface Sync {
  startedAt: number;
  ms: number;
  error: string | null;
}

const msf = (v: number) => `${Math.round(v).toLocaleString('en-US')} ms`;
const int = (v: number) => Math.round(v).toLocaleString('en-US');

export async function benchFleetBehindBalancer(): Promise<BenchSection | null> {
  const haproxy = findHaproxy();
  if (!haproxy || !PG_URL) {
    console.warn(
      `  skipped: needs ${haproxy ? '' : 'haproxy (Debian package `haproxy`)'}${!haproxy && !PG_URL ? ' and ' : ''}${PG_URL ? '' : 'BENCH_DATABASE_URL (a PostgreSQL URL)'}`,
    );
    return null;
  }
  const cores = availableParallelism();
  const load = loadavg()[0]!;
  const group = await startServerInstances(PG_URL, 2, {
    // Every PC of a store comes from its store's address (X-Forwarded-For through the
    // balancer), but the set-up's admin requests all come from one: ceilings raised, the
    // limiter still counts every request in the database.
    RATE_LIMIT_PER_MINUTE: '100000',
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
  });
  try {
    const lb = await startLoadBalancer(haproxy, group.instances);
    try {
      for (const i of group.instances) await lb.waitFor(i.name, 'UP');
      const setupStart = performance.now();
      const pcs = await enrollFleet(group.database, lb.url);
      const setupMs = performance.now() - setupStart;
      const answers = new Map<number, number>();
      for (const pc of pcs) {
        pc.client.interceptors.response.use((r) => {
          answers.set(r.status, (answers.get(r.status) ?? 0) + 1);
          return r;
        });
      }

      console.log(`  ${PCS} PCs, ${ROUNDS} intervals of ${INTERVAL_MS / 1000} s…`);
      const t0 = performance.now();
      const syncs: Sync[] = [];
      const restart = { from: 0, to: 0 };
      const restarting = (async () => {
        await sleepUntil(t0 + RESTART_ROUND * INTERVAL_MS);
        const sync2 = group.instances[1]!;
        restart.from = performance.now() - t0;
        await lb.command(`set server keyholder_sync/${sync2.name} state drain`);
        await sync2.stop();
        await sync2.start();
        await lb.command(`set server keyholder_sync/${sync2.name} state ready`);
        await lb.waitFor(sync2.name, 'UP');
        restart.to = performance.now() - t0;
      })();
      await Promise.all([
        restarting,
        ...pcs.map(async (pc, i) => {
          const phase = Math.random() * INTERVAL_MS;
          for (let round = 0; round < ROUNDS; round++) {
            await sleepUntil(t0 + round * INTERVAL_MS + phase);
            const entries = [
              ...pc.unsent,
              ...chain(pc, pc.people, 2 + ((i + round) % 5), Date.now() - 60_000),
            ];
            const startedAt = performance.now();
            let error: string | null = null;
            await syncSimPc(pc, entries).catch((e: unknown) => {
              error = e instanceof Error ? e.message : String(e);
            });
            syncs.push({ startedAt: startedAt - t0, ms: performance.now() - startedAt, error });
          }
        }),
      ]);
      const wallMs = performance.now() - t0;
      const stored = await storedCounts(group.database, pcs);
      return report({ cores, load, setupMs, wallMs, syncs, restart, answers, stored });
    } finally {
      await lb.close();
    }
  } finally {
    await group.close();
  }
}

/** Stores of DEVICES_PER_STORE PCs, their people, an admin; every PC enrolled and pulled once. */
async function enrollFleet(
  database: Parameters<typeof setUpAdminOverHttp>[0],
  url: string,
): Promise<SimPc[]> {
  const email = 'fleet.admin@example.com';
  const { secret } = await setUpAdminOverHttp(database, url, email, '192.0.2.1');
  const { accessToken } = await signInOverHttp(url, email, secret, '192.0.2.1');
  const admin = async <T>(path: string, body: object) => {
    const r = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify(body),
    });
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
  const hash = await new PasswordHasher().hash('correct horse battery staple 42');
  const stores: Array<{ id: string; address: string }> = [];
  for (let s = 0; s < Math.ceil(PCS / DEVICES_PER_STORE); s++) {
    const name = `Store ${String(s + 1).padStart(4, '0')}`;
    const { id } = await admin<{ id: string }>('/api/v1/stores', { name, brand: 'Northwind' });
    // Its people straight into the database (one password hash for all: not what is measured).
    await database.db.transaction().execute(async (tx) => {
      for (let p = 0; p < PEOPLE_PER_STORE; p++) {
        await insertTestUser(tx, {
          username: `s${s + 1}.crew${p + 1}`,
          role: p === 0 ? 'manager' : 'viewer',
          passwordHash: hash,
          totpSecret: newTotpSecret(),
          stores: [id],
          now: Date.now(),
        });
      }
    });
    // One address per store (198.18.0.0/15, the range set aside for benchmarks).
    stores.push({ id, address: `198.18.${s >> 8}.${s & 255}` });
  }
  const pcs: SimPc[] = [];
  await pool(
    Array.from({ length: PCS }, (_, i) => i),
    8,
    async (i) => {
      const store = stores[i % stores.length]!;
      const { code } = await admin<{ code: string }>(
        `/api/v1/stores/${store.id}/enrollment-codes`,
        {},
      );
      const pc = await enrollSimPc({
        url,
        code,
        storeId: store.id,
        name: `Till ${i + 1}`,
        headers: { 'x-forwarded-for': store.address },
        // As a core retries each request (electron/core/sync/sync.service.ts).
        retry: {
          attempts: 4,
          maxWaitMs: 60_000,
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          random: Math.random,
          nowMs: () => Date.now(),
        },
      });
      if (pc.people.length !== PEOPLE_PER_STORE) throw new Error('first pull incomplete');
      pcs.push(pc);
    },
  );
  return pcs;
}

/** PCs whose entries the database does not hold exactly once each, 1..head. */
async function storedCounts(
  database: Parameters<typeof setUpAdminOverHttp>[0],
  pcs: SimPc[],
): Promise<{ wrong: number; entries: number }> {
  const rows = await database.db
    .selectFrom('audit_events')
    .select((eb) => [
      'device_id',
      eb.fn.countAll<number>().as('n'),
      eb.fn.max('seq').as('head'),
      eb.fn.count<number>('seq').distinct().as('distinct'),
    ])
    .groupBy('device_id')
    .execute();
  const byDevice = new Map(rows.map((r) => [r.device_id, r]));
  let wrong = 0;
  let entries = 0;
  for (const pc of pcs) {
    const row = byDevice.get(pc.id);
    entries += Number(row?.n ?? 0);
    const ok =
      Number(row?.n ?? 0) === pc.head.seq &&
      Number(row?.distinct ?? 0) === pc.head.seq &&
      Number(row?.head ?? 0) === pc.head.seq;
    if (!ok) wrong += 1;
  }
  return { wrong, entries };
}

function report(f: {
  cores: number;
  load: number;
  setupMs: number;
  wallMs: number;
  syncs: Sync[];
  restart: { from: number; to: number };
  answers: Map<number, number>;
  stored: { wrong: number; entries: number };
}): BenchSection {
  const sorted = (list: Sync[]) => list.map((s) => s.ms).sort((a, b) => a - b);
  const all = sorted(f.syncs);
  // Syncs that started while the instance was out of rotation or coming back.
  const during = sorted(
    f.syncs.filter((s) => s.startedAt >= f.restart.from && s.startedAt <= f.restart.to),
  );
  const errors = f.syncs.filter((s) => s.error !== null);
  const requests = [...f.answers.values()].reduce((a, b) => a + b, 0);
  const fiveXx = [...f.answers].filter(([status]) => status >= 500);
  const q = (list: number[], p: number) => msf(percentile(list, p));
  const compression = REAL_INTERVAL_MS / INTERVAL_MS;
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  const p99 = percentile(all, 99);
  const lines = [
    `fleet: ${int(PCS)} PCs, ${f.syncs.length} syncs in ${msf(f.wallMs)}: p50 ${q(all, 50)}, p95 ${q(all, 95)}, p99 ${q(all, 99)}, max ${q(all, 100)} (goal p99 ≤ 1 s); ${errors.length} errors${errors.length ? ` (${[...new Set(errors.map((e) => e.error))].slice(0, 3).join('; ')})` : ''}`,
    `fleet: restart of sync2 from ${msf(f.restart.from)} to ${msf(f.restart.to)}; ${during.length} syncs started meanwhile: p99 ${q(during, 99)}, max ${q(during, 100)}`,
    `fleet: ${int(requests)} answers, 5xx: ${fiveXx.map(([s, n]) => `${n} × ${s}`).join(', ') || 'none'}; ${int(f.stored.entries)} entries stored, ${f.stored.wrong} PCs not stored exactly once up to their head; set-up ${msf(f.setupMs)}`,
  ];
  const body = [
    `${int(PCS)} simulated store PCs (${DEVICES_PER_STORE} per store, ${PEOPLE_PER_STORE} people per store) sync through HAProxy (docs/examples/haproxy.cfg) to two sync server instances on one PostgreSQL database, while one instance is restarted (drained, stopped, started, back in rotation). **Time is compressed ${compression}×**: a PC syncs every ${INTERVAL_MS / 1000} s instead of every 5 minutes, so the instances see ${compression} times the request rate of a real fleet of this size. ${f.cores} CPU cores shared by both instances, PostgreSQL, HAProxy and the load generator (1-minute load average ${f.load.toFixed(1)} at the start).`,
    '',
    '| measure | figure | goal | |',
    '|---|---|---|---|',
    `| sync latency p50 / p95 / p99, ${f.syncs.length} syncs (${ROUNDS} intervals) | ${q(all, 50)} / ${q(all, 95)} / **${q(all, 99)}** | p99 ≤ 1 s | ${verdict(p99 <= GOALS.p99Ms)} |`,
    `| — syncs that failed after the PC's retries | ${errors.length} | 0 | ${verdict(errors.length === 0)} |`,
    `| — PCs whose entries are not stored exactly once, 1 to their head | ${f.stored.wrong} of ${int(PCS)} (${int(f.stored.entries)} entries) | 0 | ${verdict(f.stored.wrong === 0)} |`,
    '',
    'Context from the same run:',
    '',
    '| measure | figure |',
    '|---|---|',
    `| restart of one instance (drain → SIGTERM → start → UP on HAProxy) | from ${msf(f.restart.from)} to ${msf(f.restart.to)} into the run |`,
    `| syncs started during the restart: count, p99, max | ${during.length}, ${q(during, 99)}, ${q(during, 100)} |`,
    `| answers the PCs got; 5xx among them | ${int(requests)}; ${fiveXx.map(([s, n]) => `${n} × ${s}`).join(', ') || 'none'} |`,
    `| set-up (stores, people, enrollment and first pull of every PC through the balancer) | ${msf(f.setupMs)} |`,
    '',
    "**How it is measured** (`bench/fleet.bench.ts`): the instances are `npm run server` processes (`tests/backend/support/server-instances.ts`: one schema, one `SIGNING_KEY`, `RATE_LIMIT_STORE=database`, `TRUST_PROXY=loopback`), HAProxy runs the example configuration with only its addresses changed (`tests/backend/support/load-balancer.ts`). Each PC is the core's protocol client (`tests/backend/support/simulated-pc.ts`) with its store's address in X-Forwarded-For, starts at a random moment of the first interval and then syncs once an interval: a pull, then 2–6 new chained, MACed entries in one upload with an Idempotency-Key; each request is retried as a core retries it (4 attempts, backoff from 0.5 s, Retry-After honoured), and a sync's latency includes those retries. The rate-limit ceilings are raised (the set-up's admin requests come from one address); the limiter still counts every request in the database. At the end the database must hold every PC's entries exactly once, from 1 to its head.",
  ].join('\n');
  return { title: 'Fleet: two instances behind a load balancer', body, lines };
}

function sleepUntil(at: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, at - performance.now())));
}
