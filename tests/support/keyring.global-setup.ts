import type { TestProject } from 'vitest/node';
import type { KeyringInfo } from './keyring';
import {
  INSTALL_HINT,
  KEYCHAIN_STATE_ENV,
  KEYRING_MODE_ENV,
  missingKeyringTools,
  runProbe,
  startKeyringSandbox,
  type KeyringSandbox,
  type ProbeResult,
} from './keyring-sandbox';

/**
 * Vitest global setup: gives the test workers a real, working Secret Service, or says once and
 * clearly why keychain tests are skipped.
 *
 * 1. KEYHOLDER_TEST_KEYRING=session (CI runs the tests inside dbus-run-session with an unlocked
 *    gnome-keyring in a scratch HOME): use that session if a probe proves it works.
 * 2. Otherwise start a PRIVATE bus and gnome-keyring in a temp dir (see keyring-sandbox.ts) and
 *    point the workers at it. A developer's own session keyring is never used for tests, even
 *    when one is running: the tests write and delete items.
 * 3. Otherwise mark the keychain unavailable and print one notice. Exception: when CI asked for
 *    a session keyring, a dead keyring fails the run instead, so CI cannot silently stop
 *    testing the keychain.
 *
 * Workers are forked after global setup and copy process.env, which is how native libsecret in
 * them finds the bus (tests/core/keychain/keyring-harness.test.ts checks it).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const touched = ['DBUS_SESSION_BUS_ADDRESS', KEYCHAIN_STATE_ENV] as const;
  const saved = new Map(touched.map((key) => [key, process.env[key]]));
  const restoreEnv = () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  const provide = (info: KeyringInfo) => project.provide('keyholderKeyring', info);
  const problems: string[] = [];
  const requested = process.env[KEYRING_MODE_ENV];

  if (requested === 'session') {
    const probe = await runProbe('roundtrip', { env: process.env, timeoutMs: 10_000 });
    if (probe.ok) {
      process.env[KEYCHAIN_STATE_ENV] = 'ready';
      provide({ mode: 'session', busAddress: process.env.DBUS_SESSION_BUS_ADDRESS ?? null });
      return async () => restoreEnv();
    }
    problems.push(`${KEYRING_MODE_ENV}=session, but that keyring failed: ${explain(probe)}`);
  }

  const missing = missingKeyringTools();
  if (missing.length > 0) {
    problems.push(`not found on PATH: ${missing.join(', ')}`);
  } else {
    let sandbox: KeyringSandbox | undefined;
    try {
      sandbox = await startKeyringSandbox('unlocked');
      const probe = await runProbe('roundtrip', { env: sandbox.clientEnv(), timeoutMs: 10_000 });
      if (!probe.ok) throw new Error(explain(probe));
      // CI asked for its own session and it did not work: say so, even though tests can run.
      if (problems.length > 0)
        console.warn(`[keyring] ${problems.join('; ')}; using a private keyring.`);
      const running = sandbox;
      // Safety net: if vitest dies without calling teardown, do not leave daemons behind.
      const killOnExit = () => running.pids().forEach((pid) => tryKill(pid));
      process.once('exit', killOnExit);
      process.env.DBUS_SESSION_BUS_ADDRESS = running.busAddress;
      process.env[KEYCHAIN_STATE_ENV] = 'ready';
      provide({ mode: 'private', busAddress: running.busAddress });
      return async () => {
        process.off('exit', killOnExit);
        restoreEnv();
        await running.stop();
      };
    } catch (err) {
      await sandbox?.stop();
      problems.push(`private gnome-keyring failed: ${err instanceof Error ? err.message : err}`);
    }
  }

  if (requested === 'session') {
    throw new Error(`No working keychain for the tests.\n  - ${problems.join('\n  - ')}`);
  }
  process.env[KEYCHAIN_STATE_ENV] = 'unavailable';
  provide({ mode: 'none', busAddress: null });
  console.warn(notice(problems));
  return async () => restoreEnv();
}

function explain(probe: ProbeResult): string {
  const error = probe.error;
  if (!error) return `unexpected result (${probe.exit})`;
  return [error.reason, error.cause ?? error.message].filter(Boolean).join(': ');
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function notice(problems: string[]): string {
  const rule = '='.repeat(78);
  return [
    '',
    rule,
    ' KEYCHAIN TESTS SKIPPED: no working Secret Service (gnome-keyring) for this test run.',
    ...problems.map((p) => `   - ${p}`),
    ' Keyholder keeps its keys only in the OS keychain, so these tests matter. To run them:',
    `   Debian/Ubuntu: ${INSTALL_HINT}`,
    ' then run the tests again; a private keyring is started for the run (your own keyring',
    ' is never touched).',
    rule,
    '',
  ].join('\n');
}
