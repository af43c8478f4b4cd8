import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { buildApp } from '../backend-sync/app';
import { loadConfig } from '../backend-sync/config';
import { openServerDatabase } from '../backend-sync/db/database';

export const OPENAPI_FILE = resolve(import.meta.dirname, '../docs/openapi.json');

/**
 * The sync server's OpenAPI document as the app generates it now: the app is built on a
 * throw-away SQLite folder (nothing listens, no environment is read), and the JSON is
 * formatted with the repository's Prettier settings, so the committed file passes
 * `prettier --check` and the same code always gives the same bytes.
 */
export async function renderOpenApi(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyholder-openapi-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const database = await openServerDatabase(config);
  try {
    const app = await buildApp({ config, database, logger: false });
    try {
      await app.ready();
      const json = JSON.stringify(app.swagger());
      const options = await resolveConfig(OPENAPI_FILE);
      return await format(json, { ...options, filepath: OPENAPI_FILE });
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** `npm run openapi`: writes docs/openapi.json. */
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  renderOpenApi().then(
    (text) => {
      writeFileSync(OPENAPI_FILE, text);
      console.log(`wrote ${OPENAPI_FILE}`);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
