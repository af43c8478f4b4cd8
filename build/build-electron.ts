/**
 * Bundles Electron's main process and preload with esbuild (`tsx build/build-electron.ts`):
 *   electron/main/main.ts       → dist/main/main.cjs
 *   electron/preload/preload.ts → dist/preload/preload.cjs
 * CommonJS for both: the sandboxed preload must be one self-contained CJS script (it can
 * require nothing but `electron`), and main stays CJS next to the package's "type": "module".
 * External at runtime: electron itself, the native modules (loaded from node_modules, unpacked
 * from the asar by electron-builder) and electron-updater. Everything else (core, common,
 * zod, otplib, qrcode, …) is bundled, so the app does not depend on their files at runtime.
 * `--watch` rebuilds on change.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

export const MAIN_EXTERNALS = [
  'electron',
  'electron-updater',
  'keytar',
  'better-sqlite3-multiple-ciphers',
  '@node-rs/argon2',
] as const;

const common: esbuild.BuildOptions = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'info',
  define: { 'process.env.NODE_ENV': '"production"' },
};

export const buildOptions: Record<'main' | 'preload', esbuild.BuildOptions> = {
  main: {
    ...common,
    entryPoints: ['electron/main/main.ts'],
    outfile: 'dist/main/main.cjs',
    external: [...MAIN_EXTERNALS],
    // `import('keytar')` / `import('electron-updater')` become lazy `require` calls: CommonJS
    // loading is what Electron's asar support and the unpacked native modules are built for.
    supported: { 'dynamic-import': false },
  },
  preload: {
    ...common,
    entryPoints: ['electron/preload/preload.ts'],
    outfile: 'dist/preload/preload.cjs',
    // A sandboxed preload gets a `require` that knows only electron (and a few of its parts).
    external: ['electron'],
    target: 'es2022',
  },
};

async function main(): Promise<void> {
  const watch = process.argv.includes('--watch');
  rmSync(`${root}/dist/main`, { recursive: true, force: true });
  rmSync(`${root}/dist/preload`, { recursive: true, force: true });
  if (watch) {
    for (const options of Object.values(buildOptions)) {
      const ctx = await esbuild.context(options);
      await ctx.watch();
    }
    return;
  }
  await Promise.all(Object.values(buildOptions).map((options) => esbuild.build(options)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
