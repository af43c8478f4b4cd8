/**
 * The sync server in a child process (bench/sync-server.ts), so its memory and CPU are its own:
 * start and stop it on SQLite or a throw-away PostgreSQL schema, read its RSS and CPU from /proc,
 * PostgreSQL's own CPU, and the admin routes the benchmark uses (enrollment codes, device list).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { Agent as HttpAgent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import axios from 'axios';
import type { Dialect } from '../../backend-sync/db/dialect';
import { adminQuery } from '../../tests/backend/support/server-instances';
import { PG_URL, PROFILE_DIR, ROOT } from './settings';

export interface ServerProcess {
  url: string;
  adminToken: string;
  stores: Array<{ id: string; name: string }>;
  pid: number;
  /** From /proc/<pid>/status, in MB (10^6 bytes): resident now and the high-water mark of its whole life. */
  memory(): { rss: number; hwm: number };
  /** CPU time (user + system) the server process has used, in ms. */
  cpuMs(): number;
  /** MB of heap the server still uses after a full garbage collection (SIGUSR2). */
  heapAfterGc(): Promise<number>;
  close(): Promise<void>;
}

export async function startServer(
  dialect: Dialect,
  stores: number,
  peoplePerStore: number,
): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyholder-bench-sync-'));
  const schema = dialect === 'postgres' ? `kh_bench_${randomBytes(5).toString('hex')}` : undefined;
  if (schema) await adminQuery(`CREATE SCHEMA ${schema}`, PG_URL!);
  const args = {
    dataDir,
    stores,
    peoplePerStore,
    ...(schema ? { databaseUrl: PG_URL, schema } : {}),
  };
  const child: ChildProcess = spawn(
    process.execPath,
    [
      // BENCH_SYNC_SERVER_PROFILE=DIR writes a V8 CPU profile of the server there (where its
      // time goes; open it in Chrome DevTools).
      ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []),
      '--expose-gc',
      '--import',
      'tsx',
      'bench/sync-server.ts',
      JSON.stringify(args),
    ],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolveLine, reject) => {
    lines.once('line', resolveLine);
    void exited.then((code) => reject(new Error(`sync server exited with ${code}`)));
  });
  const ready = JSON.parse(first) as Pick<ServerProcess, 'url' | 'adminToken' | 'stores'>;
  const pid = child.pid!;
  const ticks = 100; // USER_HZ on Linux
  return {
    ...ready,
    pid,
    memory() {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
      return { rss: (kb('VmRSS') * 1024) / 1e6, hwm: (kb('VmHWM') * 1024) / 1e6 };
    },
    async heapAfterGc() {
      const line = new Promise<string>((r) => lines.once('line', r));
      child.kill('SIGUSR2');
      return (JSON.parse(await line) as { heapUsedAfterGc: number }).heapUsedAfterGc / 1e6;
    },
    cpuMs() {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
    },
    async close() {
      child.stdin!.end();
      await exited;
      if (schema) await adminQuery(`DROP SCHEMA ${schema} CASCADE`, PG_URL!);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * CPU time (user + system, ms) of every PostgreSQL process on this machine: the server's pooled
 * connections live through a fleet run, so the difference over a burst is what PostgreSQL spent
 * on it (plus anything else using the same PostgreSQL at that moment).
 */
export function postgresCpuMs(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm !== 'postgres') continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks * 10; // USER_HZ = 100
}

/** An enrollment code from the real admin route. */
export async function issueCode(server: ServerProcess, storeId: string, agent: HttpAgent) {
  const r = await axios.post<{ code: string }>(
    `${server.url}/api/v1/stores/${storeId}/enrollment-codes`,
    {},
    { headers: { authorization: `Bearer ${server.adminToken}` }, httpAgent: agent },
  );
  if (r.status !== 201) throw new Error(`enrollment code: ${r.status}`);
  return r.data.code;
}

/** Changes a person through the admin route (`PATCH /api/v1/users/:id`). */
export async function patchPerson(
  server: ServerProcess,
  id: string,
  body: { displayName: string },
  agent: HttpAgent,
) {
  const r = await axios.patch(`${server.url}/api/v1/users/${id}`, body, {
    headers: { authorization: `Bearer ${server.adminToken}` },
    httpAgent: agent,
  });
  if (r.status !== 200) throw new Error(`change person: ${r.status}`);
}

export async function listDevices(server: ServerProcess, storeId: string) {
  const r = await axios.get<{
    devices: Array<{ id: string; acknowledgedSeq: number; pendingEvents: number }>;
  }>(`${server.url}/api/v1/stores/${storeId}/devices`, {
    headers: { authorization: `Bearer ${server.adminToken}` },
  });
  return r.data.devices;
}

/** Runs `fn` over `items`, `limit` at a time. */
export async function pool<T>(
  items: T[],
  limit: number,
  fn: (item: T, i: number) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}
