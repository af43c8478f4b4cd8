// Packaging cannot run here (no Electron binary), so its inputs are checked instead:
// - the afterPack hook's fuse configuration, and the hook itself run against a file that holds
//   a fuse wire laid out exactly as in an Electron binary (sentinel, version, length, states);
// - the electron-builder config, validated by electron-builder's own schema validator;
// - the esbuild bundles of main and preload (built in memory by the real build options).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import * as fuses from '@electron/fuses';
import { buildOptions, MAIN_EXTERNALS } from '../../build/build-electron';

const require = createRequire(import.meta.url);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

type FuseConfig = Record<string | number, unknown>;
interface AfterPackContext {
  appOutDir: string;
  electronPlatformName: string;
  packager: { executableName?: string; appInfo?: { productFilename: string } };
}
const hook = require('../../build/after-pack.cjs') as {
  afterPack: (context: AfterPackContext) => Promise<void>;
  default: unknown;
  fuseConfig: (f: typeof fuses, platform: string) => FuseConfig;
  electronBinaryPath: (context: AfterPackContext) => string;
  KEYHOLDER_FUSES: Record<string, boolean>;
};
const builderConfig = require('../../build/electron-builder.config.cjs') as Record<string, unknown>;

const { FuseV1Options, FuseVersion } = fuses;
const EXPECTED: Record<keyof typeof FuseV1Options, boolean> = {
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  GrantFileProtocolExtraPrivileges: false,
  WasmTrapHandlers: true,
};

describe('fuses (build/after-pack.cjs)', () => {
  it.each(['linux', 'win32', 'darwin', 'mas'])('sets every fuse explicitly for %s', (platform) => {
    const config = hook.fuseConfig(fuses, platform);
    expect(config.version).toBe(FuseVersion.V1);
    expect(config.strictlyRequireAllFuses).toBe(true);
    for (const [name, value] of Object.entries(EXPECTED)) {
      expect(config[FuseV1Options[name as keyof typeof FuseV1Options]], name).toBe(value);
    }
    const fuseKeys = Object.keys(config).filter((k) => /^\d+$/.test(k));
    const known = Object.values(FuseV1Options).filter((v) => typeof v === 'number');
    expect(fuseKeys.map(Number).sort()).toEqual([...known].sort());
    expect(config.resetAdHocDarwinSignature).toBe(platform === 'darwin' || platform === 'mas');
  });

  it('the security fuses in particular', () => {
    const config = hook.fuseConfig(fuses, 'linux');
    expect(config[FuseV1Options.RunAsNode]).toBe(false);
    expect(config[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(config[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(config[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(config[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(config[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(config[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
  });

  it('finds the Electron executable where electron-builder puts it', () => {
    const packager = { executableName: 'keyholder', appInfo: { productFilename: 'Keyholder' } };
    const at = (electronPlatformName: string) =>
      hook.electronBinaryPath({ appOutDir: '/out', electronPlatformName, packager });
    expect(at('linux')).toBe(join('/out', 'keyholder'));
    expect(at('win32')).toBe(join('/out', 'Keyholder.exe'));
    expect(at('darwin')).toBe(join('/out', 'Keyholder.app'));
    expect(at('mas')).toBe(join('/out', 'Keyholder.app'));
  });

  describe('afterPack on a file with a real fuse wire layout', () => {
    const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'; // Electron's fuse sentinel
    let dir: string;
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    /** Filler, sentinel, wire version 1, length 9, Electron 45's default states, filler. */
    function fakeBinary(path: string) {
      const defaults = '101100011'; // RunAsNode on, cookies off, NODE_OPTIONS on, inspect on, …
      writeFileSync(
        path,
        Buffer.concat([
          Buffer.alloc(4096, 0xaa),
          Buffer.from(SENTINEL),
          Buffer.from([1, defaults.length]),
          Buffer.from(defaults),
          Buffer.alloc(4096, 0xbb),
        ]),
      );
    }

    it('flips the wire to the Keyholder values and verifies them', async () => {
      dir = mkdtempSync(join(tmpdir(), 'keyholder-fuses-'));
      const binary = join(dir, 'keyholder');
      fakeBinary(binary);
      await hook.afterPack({
        appOutDir: dir,
        electronPlatformName: 'linux',
        packager: { executableName: 'keyholder' },
      });
      const wire = await fuses.getCurrentFuseWire(binary);
      for (const [name, value] of Object.entries(EXPECTED)) {
        const state = wire[FuseV1Options[name as keyof typeof FuseV1Options]];
        expect(state, name).toBe(value ? fuses.FuseState.ENABLE : fuses.FuseState.DISABLE);
      }
      // Nothing around the wire was touched.
      const bytes = readFileSync(binary);
      expect(bytes.subarray(0, 4096).every((b) => b === 0xaa)).toBe(true);
      expect(bytes.subarray(bytes.length - 4096).every((b) => b === 0xbb)).toBe(true);
    });

    it('fails the build when the binary has a fuse Keyholder has not decided on', async () => {
      dir = mkdtempSync(join(tmpdir(), 'keyholder-fuses-'));
      const binary = join(dir, 'keyholder');
      const tenFuses = '1011000110'; // a future Electron with one more fuse
      writeFileSync(
        binary,
        Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, 10]), Buffer.from(tenFuses)]),
      );
      await expect(
        hook.afterPack({
          appOutDir: dir,
          electronPlatformName: 'linux',
          packager: { executableName: 'keyholder' },
        }),
      ).rejects.toThrow(/strictlyRequireAllFuses/);
    });
  });

  it('is what electron-builder calls after packing', () => {
    expect(builderConfig.afterPack).toBe('./build/after-pack.cjs');
    expect(hook.default).toBe(hook.afterPack);
    // Not also electron-builder's own fuse step (one place decides the fuses).
    expect(builderConfig.electronFuses).toBeUndefined();
  });
});

describe('electron-builder config', () => {
  it("passes electron-builder's own schema validation", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration: (config: unknown, logger: unknown) => Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as {
      DebugLogger: new (enabled: boolean) => unknown;
    };
    await expect(
      validateConfiguration(structuredClone(builderConfig), new DebugLogger(false)),
    ).resolves.toBeUndefined();
  });

  it('packs the bundles and the built UI only: no sources, tests or browser shell', () => {
    expect(builderConfig.appId).toBe('com.keyholder.desktop');
    expect(builderConfig.productName).toBe('Keyholder');
    expect(builderConfig.asar).toBe(true);
    const files = builderConfig.files as string[];
    const included = files.filter((f) => !f.startsWith('!'));
    expect(included.sort()).toEqual(
      ['dist/main/**', 'dist/preload/**', 'dist/renderer/**', 'package.json'].sort(),
    );
    for (const pattern of included) {
      expect(pattern).not.toMatch(/electron\/|shell|tests?\/|common\/|renderer\/(?!\*)|src/);
    }
    expect((builderConfig.extraMetadata as { main: string }).main).toBe(buildOptions.main.outfile);
  });

  it('targets Linux, macOS and Windows', () => {
    expect(builderConfig.linux).toMatchObject({ target: expect.arrayContaining(['AppImage']) });
    expect(builderConfig.mac).toMatchObject({ hardenedRuntime: true });
    expect(builderConfig.win).toMatchObject({ target: ['nsis'], verifyUpdateCodeSignature: true });
  });

  it('macOS entitlements allow JIT and nothing that weakens the hardened runtime', () => {
    const plist = readFileSync(join(repoRoot, 'build/entitlements.mac.plist'), 'utf8');
    expect(plist).toContain('com.apple.security.cs.allow-jit');
    for (const weak of [
      'allow-unsigned-executable-memory',
      'disable-library-validation',
      'allow-dyld-environment-variables',
      'disable-executable-page-protection',
      'get-task-allow',
    ]) {
      expect(plist.replace(/<!--[\s\S]*?-->/g, '')).not.toContain(weak);
    }
  });
});

describe('esbuild bundles (build/build-electron.ts)', () => {
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

  async function bundle(options: esbuild.BuildOptions) {
    const result = await esbuild.build({ ...options, write: false, logLevel: 'silent' });
    expect(result.errors).toEqual([]);
    const text = result.outputFiles[0]!.text;
    const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!);
    return { text, required: [...new Set(required)] };
  }

  it('preload: CommonJS, requires electron only, no zod, tiny', async () => {
    expect(buildOptions.preload.format).toBe('cjs');
    const { text, required } = await bundle(buildOptions.preload);
    expect(required).toEqual(['electron']);
    expect(text).not.toMatch(/zod|ZodType|safeParse/);
    expect(text).not.toMatch(/module\.exports/); // nothing but the side effect
    expect(Buffer.byteLength(text)).toBeLessThan(8 * 1024);
  });

  it('main: CommonJS, requires only Node built-ins and the declared externals', async () => {
    expect(buildOptions.main.format).toBe('cjs');
    const { text, required } = await bundle(buildOptions.main);
    const unexpected = required.filter(
      (r) => !builtins.has(r) && !(MAIN_EXTERNALS as readonly string[]).includes(r),
    );
    expect(unexpected).toEqual([]);
    // Native modules stay external (loaded from the unpacked node_modules at runtime).
    for (const native of ['keytar', 'better-sqlite3-multiple-ciphers', '@node-rs/argon2']) {
      expect(required).toContain(native);
    }
    // The browser shell is never part of the desktop build.
    expect(text).not.toContain('startBrowserShell');
    expect(text).not.toContain('x-keyholder-token');
    // No dynamic import() left: externals load through require (asar-friendly). JSDoc types
    // in bundled dependencies (`@type {import('./get')}`) are comments, not imports.
    expect(text).not.toMatch(/(?<![{\w])import\(\s*["'`]/);
  });
});
