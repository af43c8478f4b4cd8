// Runs before `npm start`, `npm run server`, `npm run start:server` and `npm test` (npm's pre-
// scripts), on whatever Node.js the person has. Keyholder's native modules (the encrypted
// SQLite driver, keytar) are built for Node 22: on Node 20 the driver crashes the process with a
// segmentation fault and no message at all, so the version is checked first, in the plainest
// JavaScript any Node can parse, and refused in words. The minimum is package.json's `engines`.
'use strict';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS on purpose (above)
var pkg = require('../package.json');
var minimum = String(pkg.engines.node).replace(/^>=\s*/, '');

function parts(version) {
  return String(version)
    .replace(/^v/, '')
    .split('.')
    .map(function (n) {
      return parseInt(n, 10) || 0;
    });
}

function atLeast(version, wanted) {
  var have = parts(version);
  var need = parts(wanted);
  for (var i = 0; i < 3; i++) {
    if ((have[i] || 0) !== (need[i] || 0)) return (have[i] || 0) > (need[i] || 0);
  }
  return true;
}

var current = process.versions.node;
if (!atLeast(current, minimum)) {
  process.stderr.write(
    'Keyholder needs Node.js ' +
      minimum +
      ' or newer; this is Node.js ' +
      current +
      '.\n' +
      'Install Node.js 22 (https://nodejs.org/en/download, or your package manager: nvm install 22,\n' +
      'fnm install 22, or the NodeSource packages), then run `npm ci` again so the native modules\n' +
      'are built for it, and start Keyholder again.\n',
  );
  process.exit(1);
}
