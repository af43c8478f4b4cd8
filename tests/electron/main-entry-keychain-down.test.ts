// Keychain or nothing (invariant 3), at the app's front door: with the keychain unreachable,
// electron/main/main.ts shows the clear keychain message and quits. No window, no IPC, no
// files: nothing is stored anywhere else. The keychain failure is real (keytar against a D-Bus
// address with nothing behind it); only `electron` is a fake (the one allowed mock).
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FakeElectron } from './fake-electron';

vi.mock('electron', async () => {
  const { createFakeElectron } = await import('./fake-electron');
  const { mkdtempSync: mkdtemp } = await import('node:fs');
  const { tmpdir: tmp } = await import('node:os');
  const { join: joinPath } = await import('node:path');
  return createFakeElectron({ appData: mkdtemp(joinPath(tmp(), 'keyholder-appdata-')) });
});

describe('main.ts when the keychain is unreachable', () => {
  let electron: FakeElectron;
  let base: string;
  let dataDir: string;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'keyholder-main-down-'));
    dataDir = join(base, 'profile'); // does not exist yet: main must not create it
    process.env.KEYHOLDER_DATA_DIR = dataDir;
    // A session bus address whose socket does not exist ("Could not connect").
    process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${join(base, 'no-bus')}`;
    electron = (await import('electron')) as unknown as FakeElectron;
    await import('../../electron/main/main');
    electron.fake.fireReady();
    await vi.waitFor(() => expect(electron.fake.calls).toContain('app.exit 1'), {
      timeout: 30_000,
      interval: 50,
    });
  });

  afterAll(() => {
    rmSync(base, { recursive: true, force: true });
    delete process.env.KEYHOLDER_DATA_DIR;
  });

  it('says clearly that the keychain is unavailable, and quits with an error code', () => {
    expect(electron.fake.errorBoxes).toHaveLength(1);
    const { title, message } = electron.fake.errorBoxes[0]!;
    expect(title).toMatch(/keychain/i);
    expect(message).toMatch(/system keychain is unavailable/i);
    expect(message).toMatch(/will not open or create its local store/i);
    // Written for a store manager: no D-Bus paths or library text.
    expect(message).not.toMatch(/unix:path|org\.freedesktop|Could not connect/);
    expect(electron.fake.calls.at(-1)).toBe('app.exit 1');
  });

  it('opens no window and answers no IPC', () => {
    expect(electron.fake.windows).toHaveLength(0);
    expect(electron.ipcMain.handlers.size).toBe(0);
  });

  it('writes nothing: no store, no profile, no fallback file', () => {
    if (existsSync(dataDir)) expect(readdirSync(dataDir)).toEqual([]);
    expect(readdirSync(base)).toEqual([]);
  });
});
