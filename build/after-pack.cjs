// electron-builder afterPack hook: flips Keyholder's Electron fuses in the packaged binary.
// afterPack runs after the app is copied and before code signing, which is where fuses must be
// flipped (flipping changes the binary, so it has to happen before the signature is made).
// Every fuse is set explicitly (strictlyRequireAllFuses): an Electron upgrade that adds a fuse
// fails the build until someone decides its value here. After flipping, the wire is read back
// and compared, so a silently ignored fuse fails the build too.
'use strict';

// electron-builder loads hooks with require(): this file is CommonJS on purpose.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const path = require('node:path');

/**
 * The fuse values of a Keyholder build, by @electron/fuses' FuseV1Options name.
 * Why each one:
 * - RunAsNode off: ELECTRON_RUN_AS_NODE cannot turn the signed binary into a plain Node.
 * - EnableCookieEncryption on: Chromium's cookie store is encrypted with an OS-keychain key.
 * - EnableNodeOptionsEnvironmentVariable off: NODE_OPTIONS cannot inject --require code.
 * - EnableNodeCliInspectArguments off: --inspect/--inspect-brk cannot attach a debugger to main.
 * - EnableEmbeddedAsarIntegrityValidation on: app.asar must match the hash electron-builder
 *   embeds (macOS Info.plist, Windows resources; Linux has no embedded integrity).
 * - OnlyLoadAppFromAsar on: no app/ folder or loose files next to the asar are ever loaded.
 * - LoadBrowserProcessSpecificV8Snapshot off: no custom snapshot (Electron's default).
 * - GrantFileProtocolExtraPrivileges off: file:// gets no extra powers (the UI is on app://).
 * - WasmTrapHandlers on: Electron's default (V8's faster, safe WebAssembly bounds checks).
 */
const KEYHOLDER_FUSES = Object.freeze({
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  GrantFileProtocolExtraPrivileges: false,
  WasmTrapHandlers: true,
});

/**
 * The @electron/fuses config for a platform. `fuses` is the imported @electron/fuses module
 * (passed in because it is ESM-only and this hook is CommonJS).
 * @param {typeof import('@electron/fuses')} fuses
 * @param {string} electronPlatformName 'darwin' | 'mas' | 'win32' | 'linux'
 */
function fuseConfig(fuses, electronPlatformName) {
  const { FuseVersion, FuseV1Options } = fuses;
  /** @type {Record<string | number, unknown>} */
  const config = {
    version: FuseVersion.V1,
    strictlyRequireAllFuses: true,
    // Flipping invalidates the ad-hoc signature of an unsigned arm64 build; re-sign it ad hoc.
    // A real identity signs afterwards anyway.
    resetAdHocDarwinSignature: electronPlatformName === 'darwin' || electronPlatformName === 'mas',
  };
  for (const [name, value] of Object.entries(KEYHOLDER_FUSES)) {
    const index = FuseV1Options[/** @type {keyof typeof FuseV1Options} */ (name)];
    if (typeof index !== 'number') throw new Error(`@electron/fuses has no fuse named ${name}`);
    config[index] = value;
  }
  // Every fuse this @electron/fuses version knows must be decided above.
  for (const [name, index] of Object.entries(FuseV1Options)) {
    if (typeof index === 'number' && !(index in config)) {
      throw new Error(
        `Keyholder does not set the fuse ${name}: decide its value in after-pack.cjs`,
      );
    }
  }
  return /** @type {import('@electron/fuses').FuseConfig} */ (config);
}

/**
 * The Electron executable inside the packaged app (what electron-builder's own fuse step uses).
 * @param {{ appOutDir: string, electronPlatformName: string, packager: any }} context
 */
function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
    case 'win32':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    default:
      return path.join(appOutDir, packager.executableName);
  }
}

/** The byte each fuse must read back as ('1' enabled, '0' disabled). */
function expectedWire(fuses, config) {
  const { FuseV1Options } = fuses;
  const wire = {};
  for (const index of Object.values(FuseV1Options)) {
    if (typeof index === 'number') wire[index] = config[index] ? 0x31 : 0x30;
  }
  return wire;
}

/** @param {{ appOutDir: string, electronPlatformName: string, packager: any }} context */
async function afterPack(context) {
  const fuses = await import('@electron/fuses');
  const config = fuseConfig(fuses, context.electronPlatformName);
  const binary = electronBinaryPath(context);
  await fuses.flipFuses(binary, config);

  const current = await fuses.getCurrentFuseWire(binary);
  const expected = expectedWire(fuses, config);
  for (const [index, byte] of Object.entries(expected)) {
    if (current[index] !== byte) {
      throw new Error(
        `Fuse ${fuses.FuseV1Options[index]} reads ${String(current[index])} after flipping, ` +
          `expected ${byte} (${binary})`,
      );
    }
  }
  console.log(`  • Electron fuses set  binary=${binary}`);
}

module.exports = { afterPack, default: afterPack, fuseConfig, electronBinaryPath, KEYHOLDER_FUSES };
