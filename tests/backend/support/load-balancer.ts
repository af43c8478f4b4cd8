import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { freePort } from './server-instances';

/** The example configuration docs/OPERATIONS.md shows, and the one the tests and bench run. */
const EXAMPLE = resolve(import.meta.dirname, '../../../docs/examples/haproxy.cfg');

/** The haproxy binary (Debian package `haproxy`, installed in sbin), or null when missing. */
export function findHaproxy(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs.filter(Boolean)) {
    const candidate = join(dir, 'haproxy');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there
    }
  }
  return null;
}

export type ServerState = 'UP' | 'DOWN' | 'DRAIN' | 'MAINT' | string;

export interface LoadBalancer {
  url: string;
  /** Each instance's state as HAProxy sees it (its health checks on /ready), by server name. */
  states(): Promise<Record<string, ServerState>>;
  /** Waits until HAProxy reports `name` in `state` (`UP` once it passed `rise` checks). */
  waitFor(name: string, state: ServerState): Promise<void>;
  /** A command on HAProxy's admin socket (`set server keyholder_sync/sync1 state drain`). */
  command(text: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * HAProxy started with docs/examples/haproxy.cfg in front of instances on loopback: only its
 * addresses change (the `bind` line, the `server` lines in order, the admin socket's path), so
 * the tests run the configuration the operations guide shows.
 */
export async function startLoadBalancer(
  haproxy: string,
  servers: Array<{ port: number }>,
): Promise<LoadBalancer> {
  const dir = mkdtempSync(join(tmpdir(), 'keyholder-haproxy-'));
  const port = await freePort();
  const socket = join(dir, 'admin.sock');
  let next = 0;
  const config = readFileSync(EXAMPLE, 'utf8')
    .replace(/^(\s*)bind .*$/m, `$1bind 127.0.0.1:${port}`)
    .replace(/^(\s*stats socket )\S+/m, `$1${socket}`)
    .replace(/^(\s*server \S+ )\S+$/gm, (_, head: string) => {
      const server = servers[next++];
      if (!server) throw new Error('docs/examples/haproxy.cfg has more servers than instances');
      return `${head}127.0.0.1:${server.port}`;
    });
  if (next !== servers.length)
    throw new Error(`the example has ${next} servers, not ${servers.length}`);
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);

  // -db: stay in the foreground, so the process is this child and ends with it.
  const child = spawn(haproxy, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let running = true;
  void exited.then(() => (running = false));

  const command = (text: string) =>
    new Promise<string>((resolveAnswer, reject) => {
      const conn = connect(socket);
      let answer = '';
      conn.on('data', (c) => (answer += c.toString()));
      conn.on('end', () => resolveAnswer(answer));
      conn.on('error', reject);
      conn.end(`${text}\n`);
    });
  const states = async () => {
    const [header = '', ...rows] = (await command('show stat')).trim().split('\n');
    const columns = header.replace(/^# /, '').split(',');
    const [px, sv, st] = ['pxname', 'svname', 'status'].map((c) => columns.indexOf(c));
    const out: Record<string, ServerState> = {};
    for (const row of rows.map((r) => r.split(','))) {
      if (row[px!] === 'keyholder_sync' && !['FRONTEND', 'BACKEND'].includes(row[sv!]!))
        out[row[sv!]!] = row[st!]!.split(' ')[0]!;
    }
    return out;
  };
  const close = async () => {
    if (running) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };

  // Up once it answers on its socket.
  for (let tries = 0; ; tries++) {
    if (!running) {
      await close();
      throw new Error(`haproxy exited:\n${output}`);
    }
    if (
      await states().then(
        () => true,
        () => false,
      )
    )
      break;
    if (tries > 100) {
      await close();
      throw new Error(`haproxy did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    states,
    command,
    async waitFor(name, state) {
      for (let tries = 0; (await states())[name] !== state; tries++) {
        if (tries > 600)
          throw new Error(`${name} never ${state}: ${JSON.stringify(await states())}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close,
  };
}
