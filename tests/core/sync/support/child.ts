import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * A Node child process running a TypeScript entry with tsx, spoken to by lines: it writes
 * status lines on stdout, the parent writes commands on its stdin. Every child is registered
 * so `killAllChildren` (afterAll) and the parent's exit hook SIGKILL whatever is still alive,
 * even when a test fails half-way; each child also exits by itself when its stdin closes (the
 * parent died).
 */
export class Child {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly waiters: { test: (line: string) => boolean; resolve: (l: string) => void }[] =
    [];
  private partial = '';

  private constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    LIVE.add(this);
    proc.stdout!.setEncoding('utf8');
    proc.stdout!.on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop()!;
      for (const line of parts) this.onLine(line);
    });
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (chunk: string) => {
      // Keep the end: enough to explain a crash.
      this.stderr = (this.stderr + chunk).slice(-8_000);
    });
    proc.stdin!.on('error', () => undefined); // writing to a killed child
    this.exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        LIVE.delete(this);
        resolve({ code, signal });
      });
    });
  }

  /** `node --import tsx <script>` from the repository root, with `env` added. */
  static spawn(name: string, script: string, env: Record<string, string>): Child {
    const proc = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: process.cwd(),
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new Child(name, proc);
  }

  get alive(): boolean {
    return this.exitInfo === null;
  }

  send(line: string): void {
    this.proc.stdin!.write(`${line}\n`);
  }

  /** The first line (already seen or still to come) that `test` accepts. */
  waitFor(test: string | ((line: string) => boolean), timeoutMs = 60_000): Promise<string> {
    const accept = typeof test === 'string' ? (l: string) => l === test : test;
    const seen = this.lines.find(accept);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`${this.name}: no line "${String(test)}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        test: accept,
        resolve: (l: string) => {
          clearTimeout(timer);
          resolve(l);
        },
      };
      this.waiters.push(waiter);
      void this.exited.then(() => {
        if (!this.waiters.includes(waiter)) return;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        clearTimeout(timer);
        reject(
          new Error(
            `${this.name} exited (${JSON.stringify(this.exitInfo)}) before "${String(test)}":\n${this.stderr}`,
          ),
        );
      });
    });
  }

  /** kill -9, and wait until the OS has reaped it (its sockets and locks are gone then). */
  async kill9(): Promise<void> {
    if (this.alive) this.proc.kill('SIGKILL');
    await this.exited;
  }

  private onLine(line: string): void {
    this.lines.push(line);
    for (const waiter of [...this.waiters]) {
      if (waiter.test(line)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  }
}

const LIVE = new Set<Child>();

/** SIGKILLs every child this test file started that is still running, and waits for them. */
export async function killAllChildren(): Promise<void> {
  await Promise.all([...LIVE].map((c) => c.kill9()));
}

process.once('exit', () => {
  for (const child of LIVE) {
    try {
      child.proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** A loopback port nobody listens on right now (the server is restarted on it every time). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every few milliseconds until it is true (or fails after `timeoutMs`). */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}
