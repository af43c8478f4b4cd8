import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { KeytarSecretStore } from '../core/keychain/keytar-secret-store';
import { openKeyholder } from '../core/keyholder';
import { defaultDataDir } from './app-data';
import { startBrowserShell } from './browser-shell';
import { shellStartupMessage } from './startup-message';

/**
 * `npm start`: the desktop app when an Electron binary is installed; otherwise the same app in
 * the browser shell on 127.0.0.1, with its store in the usual app-data folder.
 */
async function main(): Promise<void> {
  if (electronAvailable()) {
    console.log('Electron is installed: `npm run start:electron` opens the desktop window.');
    console.log('Starting Keyholder in the browser shell.');
  } else {
    console.log('No Electron binary here: starting Keyholder in the browser shell.');
  }
  const dataDir = defaultDataDir();
  const keyholder = await openKeyholder({ dataDir, secrets: new KeytarSecretStore() });
  const port = Number(process.env.KEYHOLDER_PORT ?? 0);
  const shell = await startBrowserShell({
    keyholder,
    staticDir: resolve(import.meta.dirname, '../../dist/renderer'),
    port: Number.isInteger(port) && port >= 0 && port < 65536 ? port : 0,
    log: (message, error) => console.error(message, error),
  });
  // Background sync (does nothing until this PC is connected to a sync server).
  keyholder.sync.start();
  console.log(`Store: ${dataDir}`);
  console.log(`Open Keyholder at: ${shell.url}`);
  const stop = () => {
    void shell.close().then(() => {
      keyholder.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/**
 * Whether an Electron binary is installed, without `require('electron')`: loading that package
 * without its binary tries to download it.
 */
function electronAvailable(): boolean {
  try {
    const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    return existsSync(join(dir, 'path.txt'));
  } catch {
    return false;
  }
}

main().catch((error: unknown) => {
  const { text, known } = shellStartupMessage(error);
  if (known) console.error(text);
  else console.error(text, error);
  process.exit(1);
});
