/**
 * A stand-in for the `electron` module, enough for electron/main/main.ts to run its whole
 * startup: app lifecycle, protocol, session, ipcMain, windows, menu, dialogs. Every call is
 * recorded in `calls` (in order) so tests can check what main did and when. Used only through
 * `vi.mock('electron', () => createFakeElectron())`: the Electron binary cannot run here.
 */
import { vi } from 'vitest';
import { FakeEmitter, FakeIpcMain } from './fakes';

export interface FakeElectronOptions {
  gotLock?: boolean;
  appData: string;
}

export function createFakeElectron(options: FakeElectronOptions) {
  const calls: string[] = [];
  const paths = new Map<string, string>([['appData', options.appData]]);
  const appEvents = new FakeEmitter();
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((r) => (resolveReady = r));

  const app = {
    isPackaged: false,
    enableSandbox: vi.fn(() => calls.push('app.enableSandbox')),
    setName: vi.fn((name: string) => calls.push(`app.setName ${name}`)),
    setPath: vi.fn((name: string, path: string) => {
      calls.push(`app.setPath ${name}`);
      paths.set(name, path);
    }),
    getPath: vi.fn((name: string) => {
      const path = paths.get(name);
      if (!path) throw new Error(`no fake path for ${name}`);
      return path;
    }),
    requestSingleInstanceLock: vi.fn(() => {
      calls.push('app.requestSingleInstanceLock');
      return options.gotLock ?? true;
    }),
    quit: vi.fn(() => calls.push('app.quit')),
    exit: vi.fn((code?: number) => calls.push(`app.exit ${code}`)),
    on: vi.fn((event: string, listener: (...args: never[]) => unknown) => {
      appEvents.on(event, listener);
      return app;
    }),
    whenReady: vi.fn(() => {
      calls.push('app.whenReady');
      return ready;
    }),
  };

  const sessionEvents = new FakeEmitter();
  const defaultSession = {
    setPermissionRequestHandler: vi.fn(() => calls.push('session.setPermissionRequestHandler')),
    setPermissionCheckHandler: vi.fn(() => calls.push('session.setPermissionCheckHandler')),
    setDevicePermissionHandler: vi.fn(),
    setDisplayMediaRequestHandler: vi.fn(),
    webRequest: { onBeforeRequest: vi.fn(() => calls.push('session.onBeforeRequest')) },
    on: sessionEvents.on.bind(sessionEvents),
  };

  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  const protocol = {
    registerSchemesAsPrivileged: vi.fn(() => calls.push('protocol.registerSchemesAsPrivileged')),
    handle: vi.fn((scheme: string, handler: (request: Request) => Promise<Response>) => {
      calls.push(`protocol.handle ${scheme}`);
      protocolHandlers.set(scheme, handler);
    }),
  };

  const windows: FakeBrowserWindow[] = [];
  class FakeBrowserWindow extends FakeEmitter {
    readonly webContents = new FakeEmitter();
    readonly loaded: string[] = [];
    constructor(readonly options: Record<string, unknown>) {
      super();
      calls.push('new BrowserWindow');
      windows.push(this);
    }
    once(event: string, listener: (...args: never[]) => unknown) {
      return this.on(event, listener);
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    show() {}
    isMinimized() {
      return false;
    }
    restore() {}
    focus = vi.fn();
    isDestroyed() {
      return false;
    }
  }

  const ipcMain = new FakeIpcMain();
  const originalHandle = ipcMain.handle.bind(ipcMain);
  let firstHandle = true;
  ipcMain.handle = (channel, handler) => {
    if (firstHandle) calls.push('ipcMain.handle');
    firstHandle = false;
    originalHandle(channel, handler);
  };

  const menus: unknown[] = [];
  // Recorded here as well as on the vi.fn()s: vitest clears mock call history between tests,
  // and startup happens once, in beforeAll.
  const errorBoxes: Array<{ title: string; message: string }> = [];
  const Menu = {
    buildFromTemplate: vi.fn((template: unknown) => template),
    setApplicationMenu: vi.fn((menu: unknown) => {
      calls.push('Menu.setApplicationMenu');
      menus.push(menu);
    }),
  };
  const dialog = {
    showErrorBox: vi.fn((title: string, message: string) => {
      calls.push(`dialog.showErrorBox ${title}`);
      errorBoxes.push({ title, message });
    }),
    showMessageBox: vi.fn(async () => ({ response: 1 })),
  };
  const shell = { openExternal: vi.fn(async () => {}) };
  const screen = { getPrimaryDisplay: () => ({ workAreaSize: { width: 1280, height: 800 } }) };

  return {
    // The module's exports, as main.ts imports them.
    app,
    protocol,
    session: { defaultSession },
    ipcMain,
    BrowserWindow: FakeBrowserWindow,
    Menu,
    dialog,
    shell,
    screen,
    // Test handles.
    fake: {
      calls,
      appEvents,
      windows,
      menus,
      errorBoxes,
      protocolHandlers,
      fireReady: () => resolveReady(),
    },
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
