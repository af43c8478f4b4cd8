import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeytarSecretStore } from '../../../electron/core/keychain/keytar-secret-store';
import { openKeyholder, type Keyholder } from '../../../electron/core/keyholder';
import type { Clock } from '../../../electron/core/time/clock';
import { startBrowserShell, type BrowserShell } from '../../../electron/shell/browser-shell';
import { REPO_ROOT } from '../../support/keyring-sandbox';

export interface KeyholderApp {
  readonly kh: Keyholder;
  readonly shell: BrowserShell;
  readonly dataDir: string;
  /** The URL Keyholder prints: the page reads its token from the fragment. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * One Keyholder as `npm start` runs it, in this worker: a fresh data folder, the real keychain
 * (its own service name, so runs never share items), the encrypted store, and the browser shell
 * serving the built renderer. `clock` replaces the system clock (to set the PC's clock back).
 */
export async function startKeyholderApp(options: { clock?: Clock } = {}): Promise<KeyholderApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyholder-e2e-'));
  const service = `Keyholder-e2e-${randomUUID()}`;
  let kh: Keyholder | undefined;
  try {
    kh = await openKeyholder({
      dataDir,
      secrets: new KeytarSecretStore({ service }),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const shell = await startBrowserShell({
      keyholder: kh,
      staticDir: join(REPO_ROOT, 'dist/renderer'),
      log: (message, error) => console.error(`[shell] ${message}`, error),
    });
    const opened = kh;
    return {
      kh: opened,
      shell,
      dataDir,
      url: shell.url,
      close: async () => {
        await shell.close();
        opened.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    kh?.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
