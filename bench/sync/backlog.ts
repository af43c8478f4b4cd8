/**
 * Part 1 of the sync benchmark, a week offline: one real PC (the whole core from openKeyholder)
 * appends a backlog of BACKLOG entries and syncNow() sends it until nothing is pending; BACKLOG_RUNS
 * PCs one after another, each of its own store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dialect } from '../../backend-sync/db/dialect';
import { openKeyholder } from '../../electron/core/keyholder';
import type { Clock } from '../../electron/core/time/clock';
import { MemorySecretStore } from '../../tests/support/memory-secret-store';
import { issueCode, listDevices, postgresCpuMs, startServer } from './server-process';
import { BACKLOG, BACKLOG_RUNS } from './settings';
import { auditEvent } from './store-pc-audit';

/** Wall clock and monotonic time that flow, plus an offset the benchmark moves forward. */
class FlowingClock implements Clock {
  offset = 0;
  nowMs(): number {
    return Date.now() + this.offset;
  }
  monotonicMs(): number {
    return performance.now() + this.offset;
  }
}

export interface BacklogRun {
  ms: number;
  entries: number;
  pending: number;
  serverPending: number;
  serverCpuMs: number;
  clientCpuMs: number;
  /** PostgreSQL's own processes (0 for SQLite). */
  postgresCpuMs: number;
}

export async function benchBacklog(dialect: Dialect): Promise<BacklogRun[]> {
  // One store per run: each run is a PC of its own store, so the repeats are independent. (PCs
  // of one store whose simulated weeks overlap would record the same people's TOTP codes at the
  // same steps, and the server would rightly flag thousands of codes used on two PCs.)
  const server = await startServer(dialect, BACKLOG_RUNS, 15);
  const agent = new HttpAgent({ keepAlive: true });
  const runs: BacklogRun[] = [];
  try {
    for (let run = 0; run < BACKLOG_RUNS; run++) {
      const store = server.stores[run]!;
      const dir = mkdtempSync(join(tmpdir(), 'keyholder-bench-pc-'));
      const clock = new FlowingClock();
      const kh = await openKeyholder({
        dataDir: dir,
        secrets: new MemorySecretStore(),
        clock,
        // Runs are started by the benchmark only.
        sync: { timers: { set: () => null, clear: () => undefined } },
      });
      try {
        const connected = await kh.sync.connect(null, {
          serverUrl: server.url,
          code: await issueCode(server, store.id, agent),
          deviceName: `Backlog till ${run + 1}`,
        });
        if (connected.lastError) throw new Error(`connect: ${JSON.stringify(connected.lastError)}`);
        const people = (
          kh.db.prepare('SELECT id, username FROM accounts ORDER BY username').all() as Array<{
            id: string;
            username: string;
          }>
        ).map((a) => ({ id: a.id, name: a.username }));
        if (people.length === 0) throw new Error('the first sync brought no accounts');
        // A week offline: one entry every 30 s of the PC's clock, ~7 days for 20,000.
        const append = kh.db.transaction((from: number, to: number) => {
          for (let i = from; i < to; i++) {
            clock.offset += 30_000;
            kh.audit.append(auditEvent(i, people, kh.time.now()));
          }
        });
        for (let i = 0; i < BACKLOG; i += 1_000) append(i, Math.min(BACKLOG, i + 1_000));
        const before = kh.sync.status().pendingEntries;
        if (before < BACKLOG) throw new Error(`expected ${BACKLOG} pending, got ${before}`);

        const cpu0 = server.cpuMs();
        const pg0 = dialect === 'postgres' ? postgresCpuMs() : 0;
        const client0 = process.cpuUsage();
        const t0 = performance.now();
        const status = await kh.sync.syncNow();
        const ms = performance.now() - t0;
        const clientCpu = process.cpuUsage(client0);
        const serverCpuMs = server.cpuMs() - cpu0;
        const pgCpuMs = dialect === 'postgres' ? postgresCpuMs() - pg0 : 0;
        if (status.lastError) throw new Error(`sync: ${status.lastError.message}`);
        const mine = (await listDevices(server, store.id)).find((d) => d.id === kh.deviceId);
        runs.push({
          ms,
          entries: before,
          pending: status.pendingEntries,
          serverPending: mine?.pendingEvents ?? -1,
          serverCpuMs,
          clientCpuMs: (clientCpu.user + clientCpu.system) / 1000,
          postgresCpuMs: pgCpuMs,
        });
      } finally {
        kh.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    agent.destroy();
    await server.close();
  }
  return runs;
}
