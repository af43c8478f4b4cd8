import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithKeychain } from '../../support/keyring';
import {
  lockLoginCollection,
  missingKeyringTools,
  runProbe,
  startKeyringSandbox,
  type KeyringSandbox,
  type KeyringState,
  type ProbeResult,
} from '../../support/keyring-sandbox';

/**
 * Each failure mode of the keychain (no bus, a dead bus, no Secret Service, a locked or missing
 * login keyring), produced for real: a fresh Node process runs
 * KeytarSecretStore in a deliberately broken environment (a child, because libsecret caches its
 * bus connection per process) and must come back with the typed error and a clean message.
 */

/** The typed error, the store-manager message without internals, and the real libsecret text. */
function expectKeychainError(result: ProbeResult, reason: string, rawCause: RegExp) {
  expect(result.ok, JSON.stringify(result)).toBe(false);
  expect(result.error).toMatchObject({
    name: 'KeychainUnavailable',
    code: 'keychain_unavailable',
    reason,
  });
  const message = result.error?.message ?? '';
  expect(message).toMatch(/^The system keychain is unavailable\. Keyholder keeps its keys only/);
  expect(message).not.toMatch(/\/org\/freedesktop|unix:path|\$DISPLAY|\.service files|\n\s+at /);
  expect(result.error?.cause).toMatch(rawCause);
}

const hasTools = missingKeyringTools().length === 0;

describeWithKeychain('keychain failure modes (real libsecret, child processes)', () => {
  // An empty XDG_RUNTIME_DIR: GLib would otherwise find the developer's $XDG_RUNTIME_DIR/bus.
  let scratch: string;
  const bare = () => ({
    PATH: process.env.PATH ?? '',
    HOME: scratch,
    XDG_RUNTIME_DIR: scratch,
    LC_ALL: 'C',
  });

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'keyholder-nobus-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  async function inSandbox<T>(state: KeyringState, fn: (s: KeyringSandbox) => Promise<T>) {
    const sandbox = await startKeyringSandbox(state);
    try {
      return await fn(sandbox);
    } finally {
      await sandbox.stop();
    }
  }

  it('no D-Bus at all (no bus address, no $DISPLAY) → no-dbus', async () => {
    const result = await runProbe('set', { env: bare() });
    expectKeychainError(result, 'no-dbus', /^Cannot autolaunch D-Bus without X11 \$DISPLAY$/);
    expect(result.error?.message).toMatch(/Sign in to the desktop/);
  });

  it('a bus address that leads nowhere → dbus-unreachable', async () => {
    const env = { ...bare(), DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
    const result = await runProbe('get', { env });
    expectKeychainError(
      result,
      'dbus-unreachable',
      /^Could not connect: No such file or directory$/,
    );
  });

  it.runIf(hasTools)('a bus without a Secret Service → no-secret-service', async () => {
    await inSandbox('none', async (sandbox) => {
      const result = await runProbe('set', { env: sandbox.clientEnv() });
      expectKeychainError(
        result,
        'no-secret-service',
        /^The name org\.freedesktop\.secrets was not provided by any \.service files$/,
      );
      expect(result.error?.message).toMatch(/install .*gnome-keyring/);
    });
  });

  it.runIf(hasTools)('a fresh HOME, gnome-keyring never unlocked → no-login-keyring', async () => {
    const collection =
      /^Object does not exist at path .\/org\/freedesktop\/secrets\/collection\/login.$/;
    await inSandbox('no-login', async (sandbox) => {
      const write = await runProbe('set', { env: sandbox.clientEnv() });
      expectKeychainError(write, 'no-login-keyring', collection);
      // keytar alone reads this as "no item"; the store's miss check turns it into the error.
      const read = await runProbe('get', { env: sandbox.clientEnv() });
      expectKeychainError(read, 'no-login-keyring', collection);
    });
  });

  it.runIf(hasTools)('a locked login keyring → keyring-locked, for writes AND reads', async () => {
    await inSandbox('unlocked', async (sandbox) => {
      // Store a key while unlocked, then lock the keyring under it.
      const opts = { env: sandbox.clientEnv(), profile: 'locked-case', value: 'k' };
      expect((await runProbe('set', opts)).ok).toBe(true);
      await lockLoginCollection(sandbox.clientEnv());

      const write = await runProbe('set', opts);
      expectKeychainError(
        write,
        'keyring-locked',
        /^Cannot create an item in a locked collection$/,
      );
      expect(write.error?.message).toMatch(/Sign in to the desktop/);
      // libsecret reads a locked keyring as empty; the store must not report "no key".
      const read = await runProbe('get', opts);
      expectKeychainError(read, 'keyring-locked', /locked collection/);
      const remove = await runProbe('delete', opts);
      expectKeychainError(remove, 'keyring-locked', /locked collection/);
    });
  });

  it.runIf(hasTools)('a keychain daemon that never answers → timeout (unknown)', async () => {
    await inSandbox('unlocked', async (sandbox) => {
      // SIGSTOP: the daemon keeps its bus name but answers nothing, like one stuck on a prompt.
      process.kill(sandbox.keyring!.pid!, 'SIGSTOP');
      const started = Date.now();
      const result = await runProbe('get', { env: sandbox.clientEnv(), timeoutMs: 1000 });
      expect(Date.now() - started).toBeLessThan(10_000); // not D-Bus's 25 s
      expect(result.ok).toBe(false);
      expect(result.error).toMatchObject({ name: 'KeychainUnavailable', reason: 'unknown' });
      expect(result.error?.message).toMatch(/did not answer within 1 second\./);
    });
  });
});
