import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  app,
  type BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  session,
  shell,
  type MessageBoxOptions,
} from 'electron';
import { createApiHandlers } from '../core/api/api-handlers';
import { KeytarSecretStore } from '../core/keychain/keytar-secret-store';
import { openKeyholder, type Keyholder } from '../core/keyholder';
import { registerContract, WindowContexts } from './ipc';
import { createMainLog } from './log';
import { appMenuTemplate } from './menu';
import { handleAppProtocol, registerAppScheme } from './protocol';
import {
  hardenSession,
  hardenWebContents,
  HELP_URL,
  isAllowedExternalUrl,
  isSyncServerPageUrl,
} from './security';
import { startupFailure } from './startup-error';
import { startUpdater, type Ask, type RunningUpdater } from './updater';
import { createMainWindow } from './window';

/**
 * Electron entry point (bundled to dist/main/main.cjs). Thin on purpose: it wires Electron's
 * lifecycle to the core and to the security modules next to it; every decision lives in a
 * module that is tested without Electron.
 */

const PRODUCT_NAME = 'Keyholder';
// dist/main/main.cjs → dist/; the same layout inside the asar and in a development run.
const DIST_DIR = join(__dirname, '..');
const PRELOAD = join(DIST_DIR, 'preload', 'preload.cjs');
const RENDERER_DIR = join(DIST_DIR, 'renderer');

const log = createMainLog();
const devTools = !app.isPackaged;

// --- Before `ready` ------------------------------------------------------------------------
app.enableSandbox(); // every renderer sandboxed, whatever a window's options say
registerAppScheme(protocol);
if (!app.isPackaged) {
  // `electron dist/main/main.cjs` has no productName: use the packaged app's profile folder
  // (the browser shell's too), or KEYHOLDER_DATA_DIR for a throw-away development store.
  app.setName(PRODUCT_NAME);
  app.setPath(
    'userData',
    process.env.KEYHOLDER_DATA_DIR || join(app.getPath('appData'), PRODUCT_NAME),
  );
}

if (!app.requestSingleInstanceLock()) {
  // Another Keyholder owns the store and the keychain items; it gets focus (second-instance).
  app.quit();
} else {
  start();
}

function start(): void {
  let mainWindow: BrowserWindow | null = null;
  let keyholder: Keyholder | null = null;
  let updater: RunningUpdater | null = null;

  const openExternal = (url: string) => shell.openExternal(url);

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  // Every webContents, whoever creates it: no navigation away, no new windows, no <webview>.
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, { openExternal, log: (m, d) => log.warn(m, d) });
  });

  // Closing the window ends Keyholder on every platform (the store is closed cleanly).
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    updater?.stop();
    keyholder?.close();
    keyholder = null;
  });

  const fail = (error: unknown) => {
    log.error('startup failed', error);
    const { title, message } = startupFailure(error);
    dialog.showErrorBox(title, message);
    app.exit(1);
  };

  app
    .whenReady()
    .then(async () => {
      // The window's session only: electron-updater uses its own partition for its downloads.
      hardenSession(session.defaultSession, (m, d) => log.warn(m, d));
      handleAppProtocol(protocol, RENDERER_DIR, (m, d) => log.error(m, d));
      if (!existsSync(PRELOAD)) log.error(`preload missing: ${PRELOAD}`);

      // Keychain or nothing: any failure here stops the app with a clear message.
      try {
        keyholder = await openKeyholder({
          dataDir: app.getPath('userData'),
          secrets: new KeytarSecretStore(),
        });
      } catch (error) {
        fail(error);
        return;
      }

      // Background sync (does nothing until this PC is connected to a sync server).
      keyholder.sync.start();
      const contexts = new WindowContexts();
      registerContract(ipcMain, {
        // "Forgot password?": a page of the connected sync server, its URL built in core.
        handlers: createApiHandlers(keyholder, {
          openExternal: async (url) => {
            if (!isSyncServerPageUrl(url)) throw new Error('not a sync server account page');
            await openExternal(url);
          },
        }),
        contextFor: contexts.contextFor,
        onError: (channel, error) => log.error(`ipc ${channel} failed`, error),
        onRefused: (channel, url) =>
          log.warn(`ipc ${channel} refused: untrusted sender`, url ?? '(no frame)'),
      });

      Menu.setApplicationMenu(
        Menu.buildFromTemplate(
          appMenuTemplate({
            platform: process.platform,
            devTools,
            openHelp: () => {
              if (isAllowedExternalUrl(HELP_URL)) void openExternal(HELP_URL);
            },
          }),
        ),
      );

      mainWindow = createMainWindow({ preload: PRELOAD, devTools, log: (m, d) => log.error(m, d) });
      mainWindow.on('closed', () => {
        mainWindow = null;
      });
      mainWindow.webContents.on('render-process-gone', (_event, details) => {
        log.error(`renderer process gone: ${details.reason}`);
      });

      const ask: Ask = async (question) => {
        const options: MessageBoxOptions = {
          type: 'question',
          defaultId: 0,
          noLink: true,
          ...question,
        };
        const { response } =
          mainWindow && !mainWindow.isDestroyed()
            ? await dialog.showMessageBox(mainWindow, options)
            : await dialog.showMessageBox(options);
        return response;
      };
      if (app.isPackaged) {
        const { autoUpdater } = await import('electron-updater');
        updater = startUpdater({
          updater: autoUpdater,
          isPackaged: true,
          ask,
          log: {
            info: (m) => log.info(m),
            warn: (m) => log.warn(m),
            error: (m) => log.error(m),
          },
        });
      } else {
        log.info('updates: disabled (development build)');
      }
    })
    .catch(fail);
}
