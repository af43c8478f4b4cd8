// What a newcomer sees when `npm start` (the browser shell) or `npm run server` cannot run:
// an old Node.js refused in words before the native modules load (on Node 20 the SQLite driver
// crashes with a bare segmentation fault), and a Linux box with no desktop keychain pointed at
// README's "Running on a Linux server or in a container".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keychainUnavailable } from '../../electron/core/keychain/keychain-errors';
import { HEADLESS_LINUX_HINT, shellStartupMessage } from '../../electron/shell/startup-message';

const root = resolve(import.meta.dirname, '../..');
const checkNode = join(root, 'scripts/check-node.cjs');
const scratch = mkdtempSync(join(tmpdir(), 'keyholder-headless-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the version check as if this Node reported `version`. */
function checkAs(version: string) {
  const script =
    `Object.defineProperty(process.versions, 'node', { value: ${JSON.stringify(version)} });` +
    `require(${JSON.stringify(checkNode)});`;
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
}

describe('the Node.js version check before npm start, npm run server and npm test', () => {
  it('is wired in front of every command that loads the native modules', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      engines: { node: string };
    };
    for (const name of ['prestart', 'preserver', 'prestart:server', 'pretest']) {
      expect(pkg.scripts[name], name).toBe('node scripts/check-node.cjs');
    }
    expect(pkg.engines.node).toBe('>=22.12');
  });

  it.each(['20.20.2', '18.19.0', '22.11.0', 'v16.0.0'])('refuses Node.js %s in words', (v) => {
    const run = checkAs(v);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`Keyholder needs Node.js 22.12 or newer; this is Node.js ${v}.`);
    expect(run.stderr).toContain('Install Node.js 22');
    expect(run.stderr).toContain('npm ci');
  });

  it.each(['22.12.0', '22.23.5', '23.0.0', '24.1.2', '100.0.0'])('lets Node.js %s through', (v) => {
    const run = checkAs(v);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('lets the Node.js running these tests through', () => {
    expect(spawnSync(process.execPath, [checkNode]).status).toBe(0);
  });
});

describe('starting the browser shell with no desktop keychain', () => {
  it('adds the headless-Linux pointer only on Linux, only for a missing desktop session', () => {
    const noBus = keychainUnavailable('no-dbus');
    expect(shellStartupMessage(noBus, 'linux').text).toContain(HEADLESS_LINUX_HINT);
    expect(shellStartupMessage(keychainUnavailable('no-secret-service'), 'linux').text).toContain(
      HEADLESS_LINUX_HINT,
    );
    expect(shellStartupMessage(keychainUnavailable('no-login-keyring'), 'linux').text).toContain(
      HEADLESS_LINUX_HINT,
    );
    expect(shellStartupMessage(noBus, 'darwin').text).not.toContain(HEADLESS_LINUX_HINT);
    // A locked keyring is the desktop's own business: its message says how to unlock it.
    const locked = shellStartupMessage(keychainUnavailable('keyring-locked'), 'linux').text;
    expect(locked).not.toContain(HEADLESS_LINUX_HINT);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(
      '## Running on a Linux server or in a container',
    );
  });

  it.runIf(process.platform === 'linux')(
    'npm start outside a desktop session exits 1 with the keychain message and the pointer, writing no store',
    () => {
      const dataDir = join(scratch, 'store');
      const runtime = mkdtempSync(join(scratch, 'run-'));
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: scratch,
        // No session bus anywhere GLib looks: no address, no X display to autolaunch one, and a
        // runtime directory with no `bus` socket in it.
        XDG_RUNTIME_DIR: runtime,
        KEYHOLDER_DATA_DIR: dataDir,
      };
      const tsx = join(root, 'node_modules/.bin/tsx');
      const run = spawnSync(tsx, [join(root, 'electron/shell/start.ts')], {
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('Keyholder cannot start: The system keychain is unavailable.');
      expect(run.stderr).toContain(HEADLESS_LINUX_HINT);
      expect(run.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace for a known problem
      expect(spawnSync('ls', [dataDir]).stdout.toString()).not.toContain('keyholder');
    },
  );
});
