import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  INSTALL_HINT,
  KEYCHAIN_STATE_ENV,
  KEYRING_MODE_ENV,
  REPO_ROOT,
  missingKeyringTools,
  runProbe,
  startKeyringSandbox,
  type ProbeResult,
} from '../../support/keyring-sandbox';

/**
 * Playwright global setup: the browser tests need the real keychain (the core keeps its
 * database key there), so this gives the workers a working Secret Service, the same way the
 * unit tests' harness does (tests/support/keyring.global-setup.ts):
 *
 * - KEYHOLDER_TEST_KEYRING=session: use the session's keyring if a probe proves it works;
 * - otherwise a PRIVATE D-Bus + gnome-keyring in a temp dir (never the developer's keyring).
 *
 * Unlike the unit tests there is no "skip" mode: every browser test signs in, and signing in
 * needs the encrypted store, so without a keychain the run fails with one clear message.
 * It also builds the renderer when dist/renderer is missing (`vite build` normally runs first).
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  ensureRendererBuilt();
  const saved = {
    bus: process.env.DBUS_SESSION_BUS_ADDRESS,
    state: process.env[KEYCHAIN_STATE_ENV],
  };
  const restore = () => {
    restoreEnv('DBUS_SESSION_BUS_ADDRESS', saved.bus);
    restoreEnv(KEYCHAIN_STATE_ENV, saved.state);
  };

  const problems: string[] = [];
  if (process.env[KEYRING_MODE_ENV] === 'session') {
    const probe = await runProbe('roundtrip', { env: process.env, timeoutMs: 10_000 });
    if (probe.ok) {
      process.env[KEYCHAIN_STATE_ENV] = 'ready';
      return async () => restore();
    }
    problems.push(`${KEYRING_MODE_ENV}=session, but that keyring failed: ${explain(probe)}`);
  }

  const missing = missingKeyringTools();
  if (missing.length > 0) {
    throw new Error(
      `The browser tests need a keychain; not found on PATH: ${missing.join(', ')}.\n` +
        `Install: ${INSTALL_HINT}`,
    );
  }
  const sandbox = await startKeyringSandbox('unlocked');
  try {
    const probe = await runProbe('roundtrip', { env: sandbox.clientEnv(), timeoutMs: 10_000 });
    if (!probe.ok) throw new Error(explain(probe));
  } catch (error) {
    await sandbox.stop();
    problems.push(`private gnome-keyring failed: ${(error as Error).message}`);
    throw new Error(`No working keychain for the browser tests:\n  - ${problems.join('\n  - ')}`, {
      cause: error,
    });
  }
  if (problems.length > 0) console.warn(`[keyring] ${problems.join('; ')}; using a private one.`);
  // Workers are started after global setup and inherit this environment.
  process.env.DBUS_SESSION_BUS_ADDRESS = sandbox.busAddress;
  process.env[KEYCHAIN_STATE_ENV] = 'ready';
  const killOnExit = () => sandbox.pids().forEach((pid) => tryKill(pid));
  process.once('exit', killOnExit);
  return async () => {
    process.off('exit', killOnExit);
    restore();
    await sandbox.stop();
  };
}

function ensureRendererBuilt(): void {
  if (existsSync(join(REPO_ROOT, 'dist/renderer/index.html'))) return;
  console.log('[e2e] dist/renderer is missing: running `vite build` first.');
  const vite = join(REPO_ROOT, 'node_modules/vite/bin/vite.js');
  const result = spawnSync(process.execPath, [vite, 'build'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('vite build failed; see the output above.');
}

function explain(probe: ProbeResult): string {
  const error = probe.error;
  if (!error) return `unexpected result (${probe.exit})`;
  return [error.reason, error.cause ?? error.message].filter(Boolean).join(': ');
}

function restoreEnv(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
