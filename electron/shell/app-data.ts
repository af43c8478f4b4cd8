import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The same folder Electron's `app.getPath('userData')` gives for the product name Keyholder,
 * so `npm start` in the browser shell and the desktop app share one profile.
 * KEYHOLDER_DATA_DIR overrides it (tests, a second store PC on one machine).
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  if (env.KEYHOLDER_DATA_DIR) return env.KEYHOLDER_DATA_DIR;
  if (platform === 'win32')
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Keyholder');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Keyholder');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Keyholder');
}
