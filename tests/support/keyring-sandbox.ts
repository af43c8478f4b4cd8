import { spawn, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Private D-Bus + gnome-keyring sandboxes for tests: the test keyring harness
 * (keyring.global-setup.ts) and the failure-mode tests build on this. Plain Node, no vitest
 * import, because the global setup runs in vitest's main process.
 *
 * Everything a sandbox starts lives under one scratch directory (HOME, XDG dirs, bus socket,
 * logs), and the bus is a private one with NO service directories: nothing can be auto-started
 * on it, and the developer's real session bus and keyring are never contacted.
 */

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROBE_SCRIPT = join(REPO_ROOT, 'tests/support/keyring-probe.ts');

/** What the harness tells the test workers (env, so native libsecret in the workers sees it). */
export const KEYCHAIN_STATE_ENV = 'KEYHOLDER_TEST_KEYCHAIN'; // 'ready' | 'unavailable'
export const KEYRING_MODE_ENV = 'KEYHOLDER_TEST_KEYRING'; // set by CI: 'session'

export const INSTALL_HINT = 'sudo apt-get install gnome-keyring dbus libsecret-1-dev';

export const KEYRING_TOOLS = ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon'] as const;

export function missingKeyringTools(): string[] {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  return KEYRING_TOOLS.filter((tool) => !dirs.some((dir) => isExecutable(join(dir, tool))));
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export type KeyringState =
  | 'none' // a bus with no Secret Service on it
  | 'no-login' // gnome-keyring started without --unlock in a fresh HOME: no login collection
  | 'unlocked' // gnome-keyring with an unlocked login collection (what tests normally use)
  | 'locked'; // the login collection created, then locked over D-Bus

export interface KeyringSandbox {
  readonly dir: string;
  readonly busAddress: string;
  /** The gnome-keyring-daemon process, when the state has one. */
  readonly keyring: ChildProcess | undefined;
  /** A minimal environment for a keytar client of this sandbox (no inherited bus, no DISPLAY). */
  clientEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** Pids to kill synchronously if the process exits without stop(). */
  pids(): number[];
  stop(): Promise<void>;
}

export async function startKeyringSandbox(state: KeyringState): Promise<KeyringSandbox> {
  // Short path: a unix socket path must stay under ~108 bytes.
  const dir = mkdtempSync(join(tmpdir(), 'keyholder-keyring-'));
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const child of children.reverse()) await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const home = join(dir, 'home');
    const runtime = join(dir, 'run');
    mkdirSync(home, { mode: 0o700 });
    mkdirSync(runtime, { mode: 0o700 });

    const bus = await startBus(dir);
    children.push(bus.child);
    const baseEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      XDG_DATA_HOME: join(home, '.local/share'),
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_CACHE_HOME: join(home, '.cache'),
      XDG_RUNTIME_DIR: runtime,
      DBUS_SESSION_BUS_ADDRESS: bus.address,
      LC_ALL: 'C',
    };

    let keyring: ChildProcess | undefined;
    if (state !== 'none') {
      keyring = await startGnomeKeyring(dir, baseEnv, state !== 'no-login');
      children.push(keyring);
      if (state === 'locked') await lockLoginCollection(baseEnv);
    }

    return {
      dir,
      busAddress: bus.address,
      keyring,
      clientEnv: (extra = {}) => ({ ...baseEnv, ...extra }),
      pids: () =>
        children.flatMap((c) => (c.pid !== undefined && c.exitCode === null ? [c.pid] : [])),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startBus(dir: string): Promise<{ address: string; child: ChildProcess }> {
  const config = join(dir, 'bus.conf');
  // The session.conf policy (allow everything, it is our own bus) minus its service
  // directories, so D-Bus cannot activate the system's gnome-keyring behind our back.
  writeFileSync(
    config,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${join(dir, 'bus')}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
  );
  const log = join(dir, 'dbus-daemon.log');
  const logFd = openSync(log, 'a');
  // --nofork: the daemon stays our child (same process group, so Ctrl-C reaches it too).
  const child = spawn(
    'dbus-daemon',
    [`--config-file=${config}`, '--nofork', '--nopidfile', '--print-address=1'],
    { stdio: ['ignore', 'pipe', logFd], env: { PATH: process.env.PATH ?? '' } },
  );
  closeSync(logFd);
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail('no address after 5 s'), 5000);
    function fail(why: string) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`dbus-daemon did not start (${why}): ${readLog(log)}`));
    }
    child.once('error', (err) => fail(err.message));
    child.once('exit', (code) => fail(`exited with ${code}`));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(line.trim());
      }
    });
  });
  return { address, child: unrefChild(child) };
}

async function startGnomeKeyring(
  dir: string,
  env: NodeJS.ProcessEnv,
  unlock: boolean,
): Promise<ChildProcess> {
  const log = join(dir, 'gnome-keyring.log');
  const logFd = openSync(log, 'a');
  const args = ['--foreground', '--components=secrets', ...(unlock ? ['--unlock'] : [])];
  const child = spawn('gnome-keyring-daemon', args, {
    stdio: [unlock ? 'pipe' : 'ignore', logFd, logFd],
    env,
  });
  closeSync(logFd);
  // --unlock reads the login keyring's password from stdin up to EOF; the fresh HOME means the
  // login keyring is created with this password and left unlocked.
  child.stdin?.end('keyholder-test');
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
  child.once('error', (err) => (exited = err.message));
  const deadline = Date.now() + 10_000;
  while (!(await nameHasOwner(env, 'org.freedesktop.secrets'))) {
    if (exited !== undefined || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `gnome-keyring-daemon did not start (${exited ?? 'no Secret Service after 10 s'}): ${readLog(log)}`,
      );
    }
    await sleep(20);
  }
  return unrefChild(child);
}

async function nameHasOwner(env: NodeJS.ProcessEnv, name: string): Promise<boolean> {
  const reply = await run(
    'dbus-send',
    [
      '--session',
      '--print-reply=literal',
      '--reply-timeout=2000',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner',
      `string:${name}`,
    ],
    env,
  );
  return reply.code === 0 && /boolean true/.test(reply.stdout);
}

/** Locks the login collection through the Secret Service API, as a screen lock would. */
export async function lockLoginCollection(env: NodeJS.ProcessEnv): Promise<void> {
  const collection = '/org/freedesktop/secrets/collection/login';
  const reply = await run(
    'dbus-send',
    [
      '--session',
      '--print-reply',
      '--reply-timeout=5000',
      '--dest=org.freedesktop.secrets',
      '/org/freedesktop/secrets',
      'org.freedesktop.Secret.Service.Lock',
      `array:objpath:${collection}`,
    ],
    env,
  );
  // The reply lists the objects it locked without a prompt; the collection must be among them.
  if (reply.code !== 0 || !reply.stdout.includes(collection)) {
    throw new Error(`could not lock the login keyring: ${reply.stderr || reply.stdout}`);
  }
}

export interface ProbeResult {
  ok: boolean;
  value?: unknown;
  error?: { name: string; code?: string; reason?: string; message: string; cause?: string };
  /** How the probe process ended, for diagnostics. */
  exit: string;
  stderr: string;
}

export interface ProbeOptions {
  env: NodeJS.ProcessEnv;
  service?: string;
  timeoutMs?: number;
  value?: string;
  profile?: string;
}

/**
 * Runs one keychain operation through KeytarSecretStore in a fresh Node process. Out of process
 * on purpose: libsecret caches its D-Bus connection per process, so a broken environment can
 * only be tested in a process that never had a good one (and vice versa).
 */
export async function runProbe(
  op: 'roundtrip' | 'get' | 'set' | 'delete',
  options: ProbeOptions,
): Promise<ProbeResult> {
  const args = ['--import', 'tsx', PROBE_SCRIPT, op];
  if (options.service) args.push('--service', options.service);
  if (options.timeoutMs) args.push('--timeout', String(options.timeoutMs));
  if (options.value !== undefined) args.push('--value', options.value);
  if (options.profile) args.push('--profile', options.profile);
  const result = await run(process.execPath, args, options.env, 30_000);
  const line = result.stdout.trim().split('\n').pop() ?? '';
  const exit = result.signal ? `signal ${result.signal}` : `code ${result.code}`;
  try {
    return {
      ...(JSON.parse(line) as Omit<ProbeResult, 'exit' | 'stderr'>),
      exit,
      stderr: result.stderr,
    };
  } catch {
    return {
      ok: false,
      error: { name: 'ProbeFailed', message: `no result (${exit}): ${result.stderr.slice(-2000)}` },
      exit,
      stderr: result.stderr,
    };
  }
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 10_000,
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: stderr + err.message });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** SIGTERM, then SIGKILL after 2 s; resolves once the process is gone. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(child.pid, 'SIGCONT'); // a test may have stopped it (SIGSTOP)
    child.kill('SIGTERM');
  } catch {
    return; // already gone
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await gone;
  clearTimeout(timer);
}

// The harness keeps its daemons for the whole run; they must not hold vitest's event loop open.
function unrefChild(child: ChildProcess): ChildProcess {
  child.stdout?.removeAllListeners('data');
  child.stdout?.resume(); // drain, never block the daemon on a full pipe
  (child.stdout as { unref?: () => void } | null)?.unref?.();
  child.unref();
  return child;
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().slice(-2000) || '(no output)';
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
