import { readFileSync } from 'node:fs';

/**
 * The server's version: package.json's, for the OpenAPI document and error reports. The
 * package's own package.json is one folder up from the sources (backend-sync/) and two from the
 * built server (dist/server/, build/build-server.ts).
 */
function packageVersion(): string {
  for (const path of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'keyholder' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // Not there (or not ours): the next candidate.
    }
  }
  throw new Error("Keyholder's package.json was not found beside the server.");
}

export const SERVER_VERSION: string = packageVersion();
