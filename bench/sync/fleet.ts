/**
 * Part 2 of the sync benchmark: DEVICES simulated PCs (the core's SyncHttp client, no local
 * database) enroll, take their first pull, then sync at the same moment in BURSTS bursts, each
 * PC on a new connection and with one person of its store changed since the last burst; per-PC
 * latency, errors, and the server's RSS and CPU during each burst.
 */
import { Agent as HttpAgent } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Dialect } from '../../backend-sync/db/dialect';
import {
  closeSimPc,
  enrollSimPc,
  reconnectSimPc,
  syncSimPc,
  type SimPc,
} from '../../tests/backend/support/simulated-pc';
import {
  issueCode,
  listDevices,
  patchPerson,
  pool,
  postgresCpuMs,
  startServer,
} from './server-process';
import { BURSTS, DEVICES, DEVICES_PER_STORE, PEOPLE_PER_STORE } from './settings';
import { chain } from './store-pc-audit';

interface Burst {
  latencies: number[];
  errors: string[];
  /** PCs whose pull brought the person changed in their store since the last burst. */
  sawChange: number;
  entries: number;
  wallMs: number;
  peakRssMB: number;
  serverCpuMs: number;
  clientCpuMs: number;
  /** PostgreSQL's own processes (0 for SQLite). */
  postgresCpuMs: number;
  clientLoopP99Ms: number;
  clientLoopMaxMs: number;
}

export interface FleetFigures {
  dialect: Dialect;
  bursts: Burst[];
  idleRssMB: number;
  hwmMB: number;
  /** Heap still in use after a full collection, once every burst is done. */
  heapAfterGcMB: number;
  setupMs: number;
  unacknowledged: number;
}

/**
 * A simulated store PC is the core's own protocol client (`SyncHttp`: axios, the protocol's zod
 * schemas on every answer) with its own connection, device id, MAC key, cursor and audit chain,
 * without the rest of a core (no local database): 500 real cores would measure the load
 * generator (tests/backend/support/simulated-pc.ts, shared with the multi-instance test). One
 * sync is what a core's run sends: pull (since its cursor, with its policy version and audit
 * head), then its backlog in one `POST /audit` with an Idempotency-Key. Every request is tried
 * once, so any failure counts as an error.
 */
export async function benchFleet(dialect: Dialect): Promise<FleetFigures> {
  const stores = Math.ceil(DEVICES / DEVICES_PER_STORE);
  const server = await startServer(dialect, stores, PEOPLE_PER_STORE);
  const admin = new HttpAgent({ keepAlive: true });
  const pcs: SimPc[] = [];
  try {
    // Enroll every PC through the real routes and give it its first sync (not measured).
    const setupStart = performance.now();
    await pool(
      Array.from({ length: DEVICES }, (_, i) => i),
      8,
      async (i) => {
        const storeId = server.stores[i % stores]!.id;
        const pc = await enrollSimPc({
          url: server.url,
          code: await issueCode(server, storeId, admin),
          storeId,
          name: `Till ${i + 1}`,
        });
        if (pc.people.length !== PEOPLE_PER_STORE) throw new Error('first pull incomplete');
        pcs.push(pc);
      },
    );
    const setupMs = performance.now() - setupStart;

    const bursts: Burst[] = [];
    let idleRssMB = 0;
    for (let b = 0; b < BURSTS; b++) {
      // Not timed: one person per store changed (their display name, through the admin API),
      // so every pull has an account to send; and every PC's connection closed, so each
      // burst's PCs connect anew (the connect is inside the timed sync, as for a PC that
      // starts its sync after its keep-alive connection timed out).
      await pool(server.stores, 8, async (store, s) => {
        const pc = pcs.find((p) => p.storeId === store.id)!;
        const person = pc.people[b % pc.people.length]!;
        await patchPerson(
          server,
          person.id,
          { displayName: `Changed ${b + 1} in ${s + 1}` },
          admin,
        );
      });
      for (const pc of pcs) reconnectSimPc(pc);
      // Each PC collected 20–50 entries since its last sync (built before the clock starts).
      const backlogs = pcs.map((pc, i) => [
        ...pc.unsent,
        ...chain(pc, pc.people, 20 + ((i * 7 + b * 13) % 31), Date.now() - 3_600_000),
      ]);
      await new Promise((r) => setTimeout(r, 1_000));
      idleRssMB = Math.max(idleRssMB, server.memory().rss);
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, server.memory().rss)), 10);
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      const cpu0 = server.cpuMs();
      const pg0 = dialect === 'postgres' ? postgresCpuMs() : 0;
      const client0 = process.cpuUsage();
      const latencies: number[] = [];
      const errors: string[] = [];
      let sawChange = 0;
      const t0 = performance.now();
      await Promise.all(
        pcs.map(async (pc, i) => {
          let error: unknown = null;
          await syncSimPc(pc, backlogs[i]!).catch((e: unknown) => (error = e));
          if (pc.pulled > 0) sawChange += 1;
          // A sync that left the PC without its store's changed person is a failed sync.
          else error ??= new Error('the pull missed the changed person');
          if (error === null) latencies.push(performance.now() - t0);
          else errors.push(error instanceof Error ? error.message : String(error));
        }),
      );
      const wallMs = performance.now() - t0;
      const clientCpu = process.cpuUsage(client0);
      const serverCpuMs = server.cpuMs() - cpu0;
      const pgCpuMs = dialect === 'postgres' ? postgresCpuMs() - pg0 : 0;
      loop.disable();
      clearInterval(sampler);
      peak = Math.max(peak, server.memory().rss);
      bursts.push({
        latencies: latencies.sort((x, y) => x - y),
        errors,
        sawChange,
        entries: backlogs.reduce((n, e) => n + e.length, 0),
        wallMs,
        peakRssMB: peak,
        serverCpuMs,
        clientCpuMs: (clientCpu.user + clientCpu.system) / 1000,
        postgresCpuMs: pgCpuMs,
        clientLoopP99Ms: loop.percentile(99) / 1e6,
        clientLoopMaxMs: loop.max / 1e6,
      });
    }

    // What the server holds: every PC acknowledged up to its head.
    let unacknowledged = 0;
    const heads = new Map(pcs.map((pc) => [pc.id, pc.head.seq]));
    for (const store of server.stores) {
      for (const d of await listDevices(server, store.id)) {
        if (heads.has(d.id) && d.acknowledgedSeq !== heads.get(d.id)) unacknowledged += 1;
      }
    }
    const hwmMB = server.memory().hwm;
    return {
      dialect,
      bursts,
      idleRssMB,
      hwmMB,
      heapAfterGcMB: await server.heapAfterGc(),
      setupMs,
      unacknowledged,
    };
  } finally {
    for (const pc of pcs) closeSimPc(pc);
    admin.destroy();
    await server.close();
  }
}
