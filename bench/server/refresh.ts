/**
 * Part 2 of the server benchmark: refresh-token rotations per second over HTTP (autocannon in a
 * child process, bench/load-client.ts) against a bare Fastify hello-world in a process of its
 * own (bench/server/hello-server.ts) and a hello-world route on the app, and the one-row commit
 * rate of the same disk; RUNS runs on one server, alternating which phase goes first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Sqlite from 'better-sqlite3-multiple-ciphers';
import type { Config } from '../../backend-sync/config';
import { RUNS } from '../stats';
import { startServer } from './bench-server';
import { COMMIT_PROBE_MS, CONNECTIONS, LOAD_SECONDS, ROOT, SQLITE_SYNCHRONOUS } from './settings';

interface LoadFigures {
  requests: number;
  ok: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export interface RefreshFigures {
  /** Single-row commits per second on the same disk, with the server's `synchronous` setting. */
  commitsPerSecond: number;
  /** The same with `synchronous=FULL` (every commit fsynced), for comparison. */
  fullCommitsPerSecond: number;
  /** The bare Fastify hello-world in its own process: the goal's yardstick. */
  hello: LoadFigures;
  /** A hello-world route on the app (its plugins and hooks): the stack's floor. */
  appHello: LoadFigures;
  refresh: LoadFigures;
  liveChains: number;
  chains: number;
  rotatedOnServer: number;
  revokedFamilies: number;
}

/** RUNS runs against one app server and one hello-world process. */
export async function benchRefresh(
  rateLimitStore: Config['RATE_LIMIT_STORE'] = 'memory',
): Promise<RefreshFigures[]> {
  const hello = await startHelloServer();
  const server = await startServer('sqlite', undefined, rateLimitStore);
  try {
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = server.app.server.address() as AddressInfo;
    const db = server.database.db;
    const counts = async () => {
      const rotated = await db
        .selectFrom('refresh_tokens')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('used_at', 'is not', null)
        .executeTakeFirstOrThrow();
      const revoked = await db
        .selectFrom('refresh_families')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('revoked_at', 'is not', null)
        .executeTakeFirstOrThrow();
      return { rotated: Number(rotated.n), revoked: Number(revoked.n) };
    };
    const runs: RefreshFigures[] = [];
    for (let r = 0; r < RUNS; r++) {
      // One session per chain, a few more than connections (see bench/load-client.ts).
      const chains = CONNECTIONS + 6;
      const tokens: string[] = [];
      for (let i = 0; i < chains; i++) tokens.push((await server.signIn()).refreshToken);
      const before = await counts();
      const result = await runLoadClient({
        url: `http://127.0.0.1:${port}`,
        helloUrl: hello.url,
        refreshFirst: r % 2 === 1,
        connections: CONNECTIONS,
        seconds: LOAD_SECONDS,
        tokens,
      });
      const after = await counts();
      runs.push({
        ...result,
        commitsPerSecond: commitRate(server.dataDir, SQLITE_SYNCHRONOUS, r),
        fullCommitsPerSecond: commitRate(server.dataDir, 'full', r),
        chains,
        rotatedOnServer: after.rotated - before.rotated,
        revokedFamilies: after.revoked - before.revoked,
      });
    }
    return runs;
  } finally {
    await server.close();
    await hello.close();
  }
}

/** The bare Fastify hello-world (bench/server/hello-server.ts) in a child process. */
async function startHelloServer(): Promise<{ url: string; close(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/server/hello-server.ts'],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolveLine, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolveLine);
    void exited.then(() => reject(new Error('hello-world server exited')));
  });
  return {
    url,
    async close() {
      child.stdin!.end();
      await exited;
    },
  };
}

/** One-row transactions on a scratch database beside the server's, in WAL mode, for a while. */
function commitRate(
  dataDir: string,
  synchronous: Config['SQLITE_SYNCHRONOUS'],
  run: number,
): number {
  const probe = new Sqlite(join(dataDir, `commit-probe-${synchronous}-${run}.db`));
  try {
    probe.pragma('journal_mode = WAL');
    probe.pragma(`synchronous = ${synchronous.toUpperCase()}`);
    probe.exec('create table t (k integer primary key, v text not null)');
    const insert = probe.prepare('insert into t (v) values (?)');
    const commit = probe.transaction((v: string) => insert.run(v));
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < COMMIT_PROBE_MS) {
      commit(randomUUID());
      n += 1;
    }
    return (n * 1000) / (performance.now() - start);
  } finally {
    probe.close();
  }
}

type LoadResult = Pick<RefreshFigures, 'hello' | 'appHello' | 'refresh' | 'liveChains'>;

function runLoadClient(args: object): Promise<LoadResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/load-client.ts', JSON.stringify(args)],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load client exited with ${code}`));
      try {
        resolvePromise(JSON.parse(out.trim().split('\n').at(-1) ?? '{}'));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}
