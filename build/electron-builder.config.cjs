// electron-builder configuration for the Keyholder desktop app.
// Used as: electron-builder --config build/electron-builder.config.cjs [--linux|--mac|--win]
// after `npm run build:renderer && npm run build:electron` (dist/renderer, dist/main, dist/preload).
// tests/electron/packaging.test.ts validates it against electron-builder's own schema.

/** @type {import('app-builder-lib').Configuration} */
const config = {
  appId: 'com.keyholder.desktop',
  productName: 'Keyholder',
  copyright: 'Copyright © Keyholder',
  directories: {
    output: 'out/desktop',
    buildResources: 'build',
  },

  // Only the bundles and the built UI. Sources, tests, docs, the browser shell (electron/shell)
  // and backend-sync never enter the package; production node_modules are added by
  // electron-builder itself (main needs only the native modules and electron-updater from them,
  // everything else is bundled into dist/main/main.cjs).
  files: ['dist/main/**', 'dist/preload/**', 'dist/renderer/**', 'package.json', '!**/*.map'],
  // package.json has no "main" (the repo's own code is ESM); the packaged app starts the bundle.
  extraMetadata: { main: 'dist/main/main.cjs' },

  // One archive; native modules (.node) are unpacked next to it automatically (smartUnpack).
  // The asar is integrity-checked at start (fuse below + hash embedded by electron-builder).
  asar: true,

  // Electron fuses are flipped by this hook, before code signing (see after-pack.cjs).
  afterPack: './build/after-pack.cjs',

  // Updates: a static feed served over https; electron-updater verifies the sha512 from the feed
  // and, on Windows and macOS, the code signature of the downloaded version.
  publish: [{ provider: 'generic', url: 'https://updates.keyholder.example/desktop/${os}' }],

  linux: {
    target: ['AppImage', 'deb'],
    category: 'Office',
    executableName: 'keyholder',
    synopsis: 'Offline staff sign-in for store PCs',
    // deb needs a maintainer; package.json has no author.
    maintainer: 'Keyholder <support@keyholder.example>',
    vendor: 'Keyholder',
  },
  deb: {
    // The keychain: libsecret is in electron-builder's default depends; a Secret Service
    // provider is needed to run at all (Keyholder refuses to start without a keychain).
    recommends: ['gnome-keyring'],
  },

  mac: {
    target: ['dmg', 'zip'], // zip: what electron-updater installs from on macOS
    category: 'public.app-category.business',
    hardenedRuntime: true,
    entitlements: 'build/entitlements.mac.plist',
    entitlementsInherit: 'build/entitlements.mac.plist',
  },

  win: {
    target: ['nsis'],
    // electron-updater refuses an update whose Authenticode signer differs from this name.
    // Set it to the subject CN of the signing certificate.
    signtoolOptions: { publisherName: ['Keyholder'] },
    verifyUpdateCodeSignature: true,
  },
  nsis: {
    oneClick: false,
    perMachine: true,
    allowElevation: true,
    allowToChangeInstallationDirectory: false,
    deleteAppDataOnUninstall: false, // the store's data and audit log outlive a reinstall
  },
};

module.exports = config;
