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
import { fleetReport, notMeasured, type FleetRun, type Sync } from './fleet/report';
import { INTERVAL_MS, PCS, RESTART_ROUND, ROUNDS } from './fleet/settings';
import { RUNS, type BenchSection } from './stats';
import { pool } from './sync/server-process';
import { DEVICES_PER_STORE, PEOPLE_PER_STORE, PG_URL } from './sync/settings';
import { chain } from './sync/store-pc-audit';

/**
 * `npm run bench -- fleet`: a fleet of store PCs syncing on their timers through HAProxy (the
 * configuration of docs/examples/haproxy.cfg) to two sync server instances (real
 * `npm run server` processes) on one PostgreSQL database, while one instance is restarted as
 * docs/OPERATIONS.md's rolling restart does it (drained on the balancer, SIGTERM, started,
 * back in rotation). The PCs are enrolled once; each of the RUNS runs is ROUNDS intervals with
 * its own restart. Without haproxy or a PostgreSQL URL (BENCH_DATABASE_URL or
 * KEYHOLDER_TEST_DATABASE_URL) the section says so and its goal reads "not measured".
 *
 * Time is compressed: a real PC syncs every 5 minutes; here every BENCH_FLEET_INTERVAL_MS
 * (30 s by default, 10× faster), so the instances see that many times the real fleet's request
 * rate. Each PC starts at a random moment of the first interval (a fleet's timers are not in
 * step), then syncs once an interval for BENCH_FLEET_ROUNDS intervals, the way a core's run
 * does: pull, then 2–6 new audit entries in one upload, each request retried as the core
 * retries it (4 attempts with backoff, honouring Retry-After). A sync's latency includes its
 * retries; an error is a sync that still failed after them.
 */
export async function benchFleetBehindBalancer(): Promise<BenchSection> {
  const haproxy = findHaproxy();
  if (!haproxy || !PG_URL) {
    const why = `needs ${haproxy ? '' : 'haproxy (Debian package `haproxy`)'}${!haproxy && !PG_URL ? ' and ' : ''}${PG_URL ? '' : 'BENCH_DATABASE_URL (a PostgreSQL URL)'}`;
    console.warn(`  not measured: ${why}`);
    return notMeasured(why);
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
      // The answers of the current run (each PC's interceptor counts into it).
      let answers = new Map<number, number>();
      for (const pc of pcs) {
        pc.client.interceptors.response.use((r) => {
          answers.set(r.status, (answers.get(r.status) ?? 0) + 1);
          return r;
        });
      }
      const runs: FleetRun[] = [];
      for (let run = 0; run < RUNS; run++) {
        console.log(
          `  run ${run + 1} of ${RUNS}: ${PCS} PCs, ${ROUNDS} intervals of ${INTERVAL_MS / 1000} s…`,
        );
        answers = new Map();
        const { wallMs, syncs, restart } = await measureRun(pcs, async () => {
          const sync2 = group.instances[1]!;
          await lb.command(`set server keyholder_sync/${sync2.name} state drain`);
          await sync2.stop();
          await sync2.start();
          await lb.command(`set server keyholder_sync/${sync2.name} state ready`);
          await lb.waitFor(sync2.name, 'UP');
        });
        const stored = await storedCounts(group.database, pcs);
        runs.push({ wallMs, syncs, restart, answers, stored });
      }
      return fleetReport({ cores, load, setupMs, runs });
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

/** One run: every PC syncs once an interval for ROUNDS intervals; `restart` at RESTART_ROUND. */
async function measureRun(
  pcs: SimPc[],
  restartOne: () => Promise<void>,
): Promise<Pick<FleetRun, 'wallMs' | 'syncs' | 'restart'>> {
  const t0 = performance.now();
  const syncs: Sync[] = [];
  const restart = { from: 0, to: 0 };
  const restarting = (async () => {
    await sleepUntil(t0 + RESTART_ROUND * INTERVAL_MS);
    restart.from = performance.now() - t0;
    await restartOne();
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
  return { wallMs: performance.now() - t0, syncs, restart };
}

function sleepUntil(at: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, at - performance.now())));
}
