// electron/main/main.ts end to end: the real entry module runs its whole startup against a
// fake `electron` module (the one allowed mock) and the REAL core with the REAL keychain
// (the test run's private gnome-keyring). It proves the wiring: sandbox and app:// scheme
// before ready, single-instance lock, hardened session, protocol, every IPC channel behind the
// sender check, the window with the fixed webPreferences, menu, no updater in development.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { CHANNELS, INVALID_REQUEST } from '../../common/ipc/contract';
import { KeytarSecretStore } from '../../electron/core/keychain/keytar-secret-store';
import { secretName, type SecretKind } from '../../electron/core/keychain/secret-store';
import { WEB_PREFERENCES } from '../../electron/main/window';
import { describeWithKeychain } from '../support/keyring';
import type { FakeElectron } from './fake-electron';
import { fakeFrame, FakeEmitter, sender } from './fakes';

vi.mock('electron', async () => {
  const { createFakeElectron } = await import('./fake-electron');
  const { mkdtempSync: mkdtemp } = await import('node:fs');
  const { tmpdir: tmp } = await import('node:os');
  const { join: joinPath } = await import('node:path');
  return createFakeElectron({ appData: mkdtemp(joinPath(tmp(), 'keyholder-appdata-')) });
});

const APP_PAGE = 'app://keyholder/index.html';

describeWithKeychain('main.ts startup with the real core and keychain', () => {
  let electron: FakeElectron;
  let dataDir: string;
  let beforeReady: string[];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'keyholder-main-'));
    process.env.KEYHOLDER_DATA_DIR = dataDir;
    electron = (await import('electron')) as unknown as FakeElectron;
    await import('../../electron/main/main');
    beforeReady = [...electron.fake.calls];
    electron.fake.fireReady();
    await vi.waitFor(() => expect(electron.fake.windows).toHaveLength(1), {
      timeout: 30_000,
      interval: 50,
    });
  });

  afterAll(async () => {
    // Remove this profile's items from the test keyring.
    const profile = join(dataDir, 'profile.json');
    if (existsSync(profile)) {
      const { id } = JSON.parse(readFileSync(profile, 'utf8')) as { id: string };
      const store = new KeytarSecretStore();
      const kinds: SecretKind[] = [
        'database-key',
        'audit-mac-key',
        'time-seal-key',
        'device-credential',
      ];
      for (const kind of kinds) await store.delete(secretName(id, kind));
    }
    rmSync(dataDir, { recursive: true, force: true });
    delete process.env.KEYHOLDER_DATA_DIR;
  });

  it('sandboxes every renderer, registers app:// and takes the instance lock before ready', () => {
    expect(beforeReady).toEqual(
      expect.arrayContaining([
        'app.enableSandbox',
        'protocol.registerSchemesAsPrivileged',
        'app.requestSingleInstanceLock',
        'app.whenReady',
      ]),
    );
    expect(beforeReady).not.toContain('new BrowserWindow');
    expect(beforeReady).not.toContain('ipcMain.handle');
    // A development run uses the profile folder it was given.
    expect(electron.app.getPath('userData')).toBe(dataDir);
  });

  it('hardens the session and serves app:// before the window exists', () => {
    const calls = electron.fake.calls;
    const windowAt = calls.indexOf('new BrowserWindow');
    for (const step of [
      'session.setPermissionRequestHandler',
      'session.setPermissionCheckHandler',
      'session.onBeforeRequest',
      'protocol.handle app',
      'ipcMain.handle',
      'Menu.setApplicationMenu',
    ]) {
      const at = calls.indexOf(step);
      expect(at, step).toBeGreaterThan(-1);
      expect(at, step).toBeLessThan(windowAt);
    }
  });

  it('opened the real encrypted store with keys in the keychain', () => {
    expect(existsSync(join(dataDir, 'keyholder.db'))).toBe(true);
    expect(existsSync(join(dataDir, 'profile.json'))).toBe(true);
    expect(electron.fake.errorBoxes).toEqual([]);
    expect(electron.fake.calls.filter((c) => c.startsWith('app.exit'))).toEqual([]);
  });

  it('registers every channel, answers our page from the core and refuses others', async () => {
    const ipc = electron.ipcMain;
    expect([...ipc.handlers.keys()].sort()).toEqual([...CHANNELS].sort());
    const page = sender(fakeFrame(APP_PAGE));
    expect(await ipc.invoke(page, 'app.state', {})).toMatchObject({
      ok: true,
      data: { needsSetup: true, session: null },
    });
    const evil = sender(fakeFrame('https://evil.example/'));
    expect(await ipc.invoke(evil, 'app.state', {})).toEqual({ ok: false, error: INVALID_REQUEST });
  });

  it('creates one window with the fixed webPreferences, loading app://keyholder', () => {
    const [win] = electron.fake.windows;
    const prefs = win!.options.webPreferences as Record<string, unknown>;
    expect(prefs).toEqual({
      ...WEB_PREFERENCES,
      preload: expect.stringMatching(/[/\\]preload[/\\]preload\.cjs$/),
      devTools: true, // development run (app.isPackaged is false)
    });
    expect(win!.loaded).toEqual([APP_PAGE]);
  });

  it('hardens every webContents created later', () => {
    const contents = Object.assign(new FakeEmitter(), { setWindowOpenHandler: vi.fn() });
    electron.fake.appEvents.emit('web-contents-created', {}, contents);
    expect(contents.setWindowOpenHandler).toHaveBeenCalledTimes(1);
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      expect(contents.listeners.get(event)?.length, event).toBe(1);
    }
  });

  it('a second launch focuses the existing window', () => {
    electron.fake.appEvents.emit('second-instance');
    expect(electron.fake.windows[0]!.focus).toHaveBeenCalledTimes(1);
  });

  it('closing the last window quits', () => {
    electron.fake.appEvents.emit('window-all-closed');
    expect(electron.fake.calls.at(-1)).toBe('app.quit');
  });

  it('quitting closes the store: later calls get the generic error, nothing leaks', async () => {
    electron.fake.appEvents.emit('will-quit');
    const result = await electron.ipcMain.invoke(sender(fakeFrame(APP_PAGE)), 'app.state', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});
