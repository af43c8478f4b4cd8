import type { AppUpdater, UpdateDownloadedEvent, UpdateInfo } from 'electron-updater';

/** How often a running app looks for an update (store PCs run all day, often offline). */
export const UPDATE_CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;
/** First check a little after start, not while the keychain and store are opening. */
export const FIRST_CHECK_DELAY_MS = 60 * 1000;

export interface UpdaterLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}

/** A question for the person at the PC; resolves to the index of the chosen button. */
export type Ask = (question: {
  message: string;
  detail: string;
  buttons: string[];
  cancelId: number;
}) => Promise<number>;

export interface UpdaterOptions {
  /** electron-updater's `autoUpdater` (main imports it; tests pass a fake). */
  updater: AppUpdater;
  /** `app.isPackaged`: a development run never looks for updates. */
  isPackaged: boolean;
  ask: Ask;
  log: UpdaterLog;
  intervalMs?: number;
  firstCheckDelayMs?: number;
  timers?: {
    setTimeout: (fn: () => void, ms: number) => unknown;
    setInterval: (fn: () => void, ms: number) => unknown;
    clear: (handle: unknown) => void;
  };
}

export interface RunningUpdater {
  /** Looks for an update now (also used by the schedule). Never throws. */
  check(): Promise<void>;
  stop(): void;
}

/**
 * Updates with consent. Nothing is downloaded or installed unless the person at the PC says so:
 * `autoDownload` and `autoInstallOnAppQuit` are off; an available update asks "Download?", a
 * downloaded one asks "Restart now / when I quit / later". Checks run on a schedule and fail
 * quietly (logged) when offline. Downgrades, pre-releases and unsigned web installers are off.
 * Integrity comes from electron-updater's checks: sha512 of the file from the update feed, and
 * on Windows/macOS the code signature of the new version (publisher must match).
 * Returns null (and does nothing) when the app is not packaged.
 */
export function startUpdater(options: UpdaterOptions): RunningUpdater | null {
  const { updater, log, ask } = options;
  if (!options.isPackaged) {
    log.info('updates: disabled (development build)');
    return null;
  }
  const timers = options.timers ?? {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    setInterval: (fn, ms) => setInterval(fn, ms),
    clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };

  updater.logger = log;
  updater.autoDownload = false;
  updater.autoInstallOnAppQuit = false;
  updater.allowDowngrade = false;
  updater.allowPrerelease = false;
  updater.disableWebInstaller = true;

  // Ask once per version per run: "Later" is not asked again every four hours.
  const declined = new Set<string>();
  let busy = false;

  updater.on('update-available', (info: UpdateInfo) => {
    if (declined.has(info.version) || busy) return;
    busy = true;
    void ask({
      message: `Keyholder ${info.version} is available.`,
      detail:
        'Download it now? Keyholder keeps working while it downloads; nothing is installed ' +
        'until you agree.',
      buttons: ['Download', 'Not now'],
      cancelId: 1,
    })
      .then(async (choice) => {
        if (choice !== 0) {
          declined.add(info.version);
          log.info(`updates: download of ${info.version} declined`);
          return;
        }
        log.info(`updates: downloading ${info.version}`);
        await updater.downloadUpdate();
      })
      .catch((error: unknown) => log.error(`updates: download failed: ${describe(error)}`))
      .finally(() => {
        busy = false;
      });
  });

  updater.on('update-downloaded', (event: UpdateDownloadedEvent) => {
    void ask({
      message: `Keyholder ${event.version} is ready to install.`,
      detail:
        'Restart now to install it (anyone signed in is signed out), or install it the next ' +
        'time Keyholder is closed.',
      buttons: ['Restart and install', 'Install when Keyholder closes', 'Not now'],
      cancelId: 2,
    })
      .then((choice) => {
        if (choice === 0) {
          log.info(`updates: installing ${event.version} now`);
          updater.quitAndInstall();
        } else if (choice === 1) {
          log.info(`updates: ${event.version} will install when Keyholder closes`);
          updater.autoInstallOnAppQuit = true;
        } else {
          declined.add(event.version);
          log.info(`updates: install of ${event.version} postponed`);
        }
      })
      .catch((error: unknown) => log.error(`updates: ${describe(error)}`));
  });

  updater.on('error', (error: Error) => log.warn(`updates: ${describe(error)}`));

  const check = async () => {
    try {
      await updater.checkForUpdates();
    } catch (error) {
      // Offline is normal in a store: log and try again at the next interval.
      log.warn(`updates: check failed: ${describe(error)}`);
    }
  };

  const first = timers.setTimeout(
    () => void check(),
    options.firstCheckDelayMs ?? FIRST_CHECK_DELAY_MS,
  );
  const every = timers.setInterval(
    () => void check(),
    options.intervalMs ?? UPDATE_CHECK_INTERVAL_MS,
  );
  return {
    check,
    stop: () => {
      timers.clear(first);
      timers.clear(every);
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
