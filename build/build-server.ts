/**
 * Builds the sync server for production with esbuild (`npm run build:server`):
 *   backend-sync/main.ts                       → dist/server/main.js
 *   backend-sync/sync/entry-verifier.worker.ts → dist/server/entry-verifier.worker.js
 * so `npm run start:server` runs it on plain Node.js: no TypeScript loader (tsx is a
 * devDependency, absent from a `npm ci --omit=dev` install). ESM, like the package.
 *
 * Only the project's own code (backend-sync/, common/) is bundled. Every package stays an
 * import resolved from node_modules at runtime: the native modules must, some packages read
 * their own files (Swagger UI's assets, helmet through its plugin), and the server's
 * dependencies are then exactly package.json's "dependencies" — a test checks that every
 * package the bundle imports is one of them.
 *
 * The verification thread's file sits beside main.js, where entry-verifier.ts looks for it.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

export const SERVER_OUT_DIR = 'dist/server';

export function serverBuildOptions(outdir: string = SERVER_OUT_DIR): esbuild.BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: {
      main: 'backend-sync/main.ts',
      'entry-verifier.worker': 'backend-sync/sync/entry-verifier.worker.ts',
    },
    outdir,
    bundle: true,
    packages: 'external',
    // tsconfig maps this one to a path (for its types), which `packages` alone would bundle.
    external: ['better-sqlite3-multiple-ciphers'],
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // Stack traces in logs and error reports point at the sources (`--enable-source-maps`).
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'info',
  };
}

async function main(): Promise<void> {
  rmSync(`${root}/${SERVER_OUT_DIR}`, { recursive: true, force: true });
  await esbuild.build(serverBuildOptions());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
