import { BrowserWindow, screen, type WebPreferences } from 'electron';
import { APP_ENTRY_URL } from './security';

/**
 * The security-relevant webPreferences of every Keyholder window. Each is Electron's secure
 * default today, and each is spelled out anyway so an upgrade that changes a default, or a
 * careless edit, cannot weaken a window silently (tests/electron asserts them one by one).
 */
export const WEB_PREFERENCES = Object.freeze({
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  spellcheck: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
} as const satisfies WebPreferences);

export interface MainWindowOptions {
  /** Absolute path of the bundled preload (dist/preload/preload.cjs). */
  preload: string;
  /** DevTools only in development builds; a packaged app cannot open them. */
  devTools: boolean;
  /** Where a failed page load is reported (main's log). */
  log?: (message: string, detail?: unknown) => void;
}

/** The full webPreferences of the main window: the fixed settings plus preload and devTools. */
export function mainWindowPreferences(options: MainWindowOptions): WebPreferences {
  return { ...WEB_PREFERENCES, preload: options.preload, devTools: options.devTools };
}

/**
 * The main window: fits the screen's work area (store PCs are often 1024×768), shown once the
 * first paint is ready, loading the UI from app://keyholder (never file://, never a remote URL).
 */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const area = screen.getPrimaryDisplay().workAreaSize;
  const win = new BrowserWindow({
    title: 'Keyholder',
    width: Math.min(1280, area.width),
    height: Math.min(820, area.height),
    minWidth: 800,
    minHeight: 600,
    show: false,
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    webPreferences: mainWindowPreferences(options),
  });
  win.once('ready-to-show', () => win.show());
  win.loadURL(APP_ENTRY_URL).catch((error: unknown) => options.log?.('window load failed', error));
  return win;
}
