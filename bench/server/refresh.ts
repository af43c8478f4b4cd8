/**
 * Part 2 of the server benchmark: refresh-token rotations per second over HTTP (autocannon in a
 * child process, bench/load-client.ts) against a hello-world route on the same server, and the
 * one-row commit rate of the same disk.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3-multiple-ciphers';
import type { Config } from '../../backend-sync/config';
import { startServer } from './bench-server';
import { CONNECTIONS, LOAD_SECONDS, ROOT, SQLITE_SYNCHRONOUS } from './settings';

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
  hello: LoadFigures;
  refresh: LoadFigures;
  liveChains: number;
  chains: number;
  rotatedOnServer: number;
  revokedFamilies: number;
}

export async function benchRefresh(
  rateLimitStore: Config['RATE_LIMIT_STORE'] = 'memory',
): Promise<RefreshFigures> {
  const server = await startServer('sqlite', undefined, rateLimitStore);
  try {
    // One session per chain, a few more than connections (see bench/load-client.ts).
    const chains = CONNECTIONS + 6;
    const tokens: string[] = [];
    for (let i = 0; i < chains; i++) tokens.push((await server.signIn()).refreshToken);
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = server.app.server.address() as AddressInfo;
    const result = await runLoadClient({
      url: `http://127.0.0.1:${port}`,
      connections: CONNECTIONS,
      seconds: LOAD_SECONDS,
      tokens,
    });
    const db = server.database.db;
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
    return {
      ...result,
      commitsPerSecond: commitRate(server.dataDir, SQLITE_SYNCHRONOUS),
      fullCommitsPerSecond: commitRate(server.dataDir, 'full'),
      chains,
      rotatedOnServer: Number(rotated.n),
      revokedFamilies: Number(revoked.n),
    };
  } finally {
    await server.close();
  }
}

/** One-row transactions on a scratch database beside the server's, in WAL mode, for 1 s. */
function commitRate(dataDir: string, synchronous: Config['SQLITE_SYNCHRONOUS']): number {
  const probe = new Sqlite(join(dataDir, `commit-probe-${synchronous}.db`));
  try {
    probe.pragma('journal_mode = WAL');
    probe.pragma(`synchronous = ${synchronous.toUpperCase()}`);
    probe.exec('create table t (k integer primary key, v text not null)');
    const insert = probe.prepare('insert into t (v) values (?)');
    const commit = probe.transaction((v: string) => insert.run(v));
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < 1000) {
      commit(randomUUID());
      n += 1;
    }
    return (n * 1000) / (performance.now() - start);
  } finally {
    probe.close();
  }
}

type LoadResult = Pick<RefreshFigures, 'hello' | 'refresh' | 'liveChains'>;

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
