// The small main-process modules: the startup error box, the menu, the updater's consent rules.
import type { MenuItemConstructorOptions } from 'electron';
import type { AppUpdater } from 'electron-updater';
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { KeyholderError, StoreError } from '../../electron/core/errors';
import { keychainUnavailable } from '../../electron/core/keychain/keychain-errors';
import { appMenuTemplate } from '../../electron/main/menu';
import { startupFailure } from '../../electron/main/startup-error';
import { startUpdater, type Ask } from '../../electron/main/updater';

describe('startupFailure', () => {
  it('shows the keychain message a store manager can act on', () => {
    const error = keychainUnavailable('keyring-locked');
    const box = startupFailure(error);
    expect(box.title).toMatch(/keychain/i);
    expect(box.message).toBe(error.message);
    expect(box.message).toMatch(/keychain is locked/i);
  });

  it('shows the store message', () => {
    const box = startupFailure(new StoreError('store_corrupt', 'The local store is damaged.'));
    expect(box).toEqual({
      title: 'Keyholder cannot open its local store',
      message: 'The local store is damaged.',
    });
  });

  it('never shows internals of an unexpected error', () => {
    const box = startupFailure(new Error('SQLITE_NOTADB: file is not a database at /home/x.db'));
    expect(box.message).not.toMatch(/SQLITE|\/home/);
    expect(box.message).toMatch(/unexpected problem/);
    expect(startupFailure('boom').message).toMatch(/unexpected problem/);
    expect(startupFailure(new KeyholderError('internal', 'Readable.')).message).toBe('Readable.');
  });
});

describe('appMenuTemplate', () => {
  function roles(template: MenuItemConstructorOptions[]): string[] {
    return template.flatMap((item) => [
      ...(item.role ? [item.role] : []),
      ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
    ]);
  }
  const openHelp = () => {};

  it.each(['linux', 'win32', 'darwin'] as const)(
    'has no DevTools or reload in production on %s',
    (platform) => {
      const found = roles(appMenuTemplate({ platform, devTools: false, openHelp }));
      for (const role of ['toggleDevTools', 'reload', 'forceReload', 'viewMenu', 'appMenu']) {
        expect(found).not.toContain(role);
      }
      expect(found).toEqual(expect.arrayContaining(['copy', 'paste', 'selectAll']));
    },
  );

  it('has DevTools in development', () => {
    const found = roles(appMenuTemplate({ platform: 'linux', devTools: true, openHelp }));
    expect(found).toContain('toggleDevTools');
  });

  it('Help opens the help page through the given function', () => {
    const spy = vi.fn();
    const template = appMenuTemplate({ platform: 'linux', devTools: false, openHelp: spy });
    const help = template.find((i) => i.label === 'Help')!;
    const item = (help.submenu as MenuItemConstructorOptions[])[0]!;
    (item.click as () => void)();
    expect(spy).toHaveBeenCalledTimes(1);
  });
});

describe('startUpdater', () => {
  class FakeUpdater extends EventEmitter {
    autoDownload = true;
    autoInstallOnAppQuit = true;
    allowDowngrade = true;
    allowPrerelease = true;
    disableWebInstaller = false;
    logger: unknown = null;
    checkForUpdates = vi.fn(async () => null);
    downloadUpdate = vi.fn(async () => []);
    quitAndInstall = vi.fn();
  }
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const manualTimers = () => {
    const scheduled: Array<{ fn: () => void; ms: number; kind: string }> = [];
    return {
      scheduled,
      timers: {
        setTimeout: (fn: () => void, ms: number) => scheduled.push({ fn, ms, kind: 'timeout' }),
        setInterval: (fn: () => void, ms: number) => scheduled.push({ fn, ms, kind: 'interval' }),
        clear: vi.fn(),
      },
    };
  };
  const flush = () => new Promise((r) => setTimeout(r, 0));

  function start(answers: number[]) {
    const updater = new FakeUpdater();
    const ask = vi.fn<Ask>(async () => answers.shift() ?? 99);
    const { scheduled, timers } = manualTimers();
    const running = startUpdater({
      updater: updater as unknown as AppUpdater,
      isPackaged: true,
      ask,
      log,
      timers,
    });
    return { updater, ask, scheduled, running, timers };
  }

  it('does nothing in a development build', () => {
    const updater = new FakeUpdater();
    const result = startUpdater({
      updater: updater as unknown as AppUpdater,
      isPackaged: false,
      ask: vi.fn(),
      log,
    });
    expect(result).toBeNull();
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
    expect(updater.listenerCount('update-available')).toBe(0);
  });

  it('never downloads or installs on its own', () => {
    const { updater } = start([]);
    expect(updater.autoDownload).toBe(false);
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(updater.allowDowngrade).toBe(false);
    expect(updater.allowPrerelease).toBe(false);
    expect(updater.disableWebInstaller).toBe(true);
    expect(updater.logger).toBe(log);
  });

  it('checks on a schedule and survives being offline', async () => {
    const { updater, scheduled, running, timers } = start([]);
    expect(scheduled.map((s) => s.kind).sort()).toEqual(['interval', 'timeout']);
    updater.checkForUpdates.mockRejectedValueOnce(new Error('net::ERR_INTERNET_DISCONNECTED'));
    for (const s of scheduled) s.fn();
    await flush();
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
    expect(log.warn).toHaveBeenCalledWith(expect.stringMatching(/ERR_INTERNET_DISCONNECTED/));
    running!.stop();
    expect(timers.clear).toHaveBeenCalledTimes(2);
  });

  it('downloads only after "Download", and does not ask again after "Not now"', async () => {
    const declined = start([1]);
    declined.updater.emit('update-available', { version: '1.2.0' });
    await flush();
    expect(declined.ask).toHaveBeenCalledTimes(1);
    expect(declined.updater.downloadUpdate).not.toHaveBeenCalled();
    declined.updater.emit('update-available', { version: '1.2.0' });
    await flush();
    expect(declined.ask).toHaveBeenCalledTimes(1);

    const accepted = start([0]);
    accepted.updater.emit('update-available', { version: '1.2.0' });
    await flush();
    expect(accepted.updater.downloadUpdate).toHaveBeenCalledTimes(1);
  });

  it('installs only with consent: now, at quit, or not at all', async () => {
    const now = start([0]);
    now.updater.emit('update-downloaded', { version: '1.2.0' });
    await flush();
    expect(now.updater.quitAndInstall).toHaveBeenCalledTimes(1);

    const atQuit = start([1]);
    atQuit.updater.emit('update-downloaded', { version: '1.2.0' });
    await flush();
    expect(atQuit.updater.quitAndInstall).not.toHaveBeenCalled();
    expect(atQuit.updater.autoInstallOnAppQuit).toBe(true);

    const later = start([2]);
    later.updater.emit('update-downloaded', { version: '1.2.0' });
    await flush();
    expect(later.updater.quitAndInstall).not.toHaveBeenCalled();
    expect(later.updater.autoInstallOnAppQuit).toBe(false);
  });
});
