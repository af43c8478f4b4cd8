// ESLint flat config. The layer rules below are the architecture's import contract
// (see docs/ARCHITECTURE.md): they are tested in tests/lint/layer-rules.test.ts.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import prettier from 'eslint-config-prettier';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

const message = 'Layer rule: not allowed in this layer.';

// Restrict imports for a layer: `paths` are exact module names; `patterns` are gitignore-style
// globs or `{ regex }` objects. A folder glob '**/x/**' also gets its bare form '**/x', because
// `import '../backend-sync'` (the folder's index) has nothing after the folder name.
// `packages` is the layer's allowlist of npm packages: any other bare specifier (a package,
// or a Node builtin without its `node:` prefix) is refused; `builtins: true` lets `node:*` in.
// ESLint keeps one set of options per rule, so a layer's restrictions all live in one call.
function layer(files, { paths = [], patterns = [], packages, builtins = false }) {
  const globs = patterns.flatMap((p) =>
    typeof p === 'string' && p.endsWith('/**') ? [p, p.slice(0, -3)] : [p],
  );
  const restricted = globs.map((p) =>
    typeof p === 'string' ? { group: [p], message } : { ...p, message },
  );
  if (packages) restricted.push(allowlistPattern(packages, builtins));
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: paths.map((name) => ({ name, message })), patterns: restricted },
      ],
    },
  };
}

const escape = (name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Matches every bare specifier that is not one of `packages` (or a subpath of one). */
function allowlistPattern(packages, builtins) {
  const allowed = packages.map(escape);
  if (builtins) allowed.push('node:');
  const names = allowed.length ? `(?!(?:${allowed.join('|')})(?:/|$))` : '';
  const prefix = builtins ? '(?!node:)' : '';
  return {
    regex: `^(?![./])${prefix}${names}`,
    message: `Layer rule: this layer's packages are ${packages.join(', ') || 'none'}${builtins ? ' and node:* builtins' : ''} (eslint.config.js).`,
  };
}

// `paths` match exact names only, so Electron's subpath entry points (`electron/main`,
// `electron/renderer`, ...) need a regex: a literal 'electron/*' in `paths` matches nothing.
const notElectron = ['electron', 'electron-updater'];

// A call of a statement runner's method (`….statements.read(…)`, `statements.guardedWrite(…)`)
// anywhere inside the callback of `….transaction().execute(…)`.
const STATEMENT_RUNNER_IN_TRANSACTION = [
  "CallExpression[callee.property.name='execute'][callee.object.callee.property.name='transaction']",
  "CallExpression[callee.property.name=/^(read|guardedWrites?)$/]:matches([callee.object.property.name='statements'], [callee.object.name='statements'])",
].join(' ');
const runnerOutsideTransactions = {
  selector: STATEMENT_RUNNER_IN_TRANSACTION,
  message:
    'The statement runner must not be called inside a transaction: it deadlocks on SQLite and runs outside the transaction on PostgreSQL. Use the transaction (trx.executeQuery) instead.',
};
const electronSubpaths = { regex: '^electron/' };

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'out/**',
      'coverage/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  // common/: pure TypeScript, nothing of ours, nothing runtime-specific.
  layer(['common/**/*.ts'], {
    paths: [...nodeBuiltins, ...notElectron, 'react', 'react-dom'],
    patterns: [
      electronSubpaths,
      '**/electron/**',
      '**/renderer/**',
      '**/backend-sync/**',
      'node:*',
    ],
    // Pure JavaScript that runs anywhere: schemas, the strength estimator, TOTP's reference.
    packages: ['zod', '@zxcvbn-ts/core', '@zxcvbn-ts/language-common', 'otplib'],
  }),
  // electron/core: plain Node; never Electron, never the shells above it.
  layer(['electron/core/**/*.ts'], {
    paths: [...notElectron],
    patterns: [
      electronSubpaths,
      '**/main/**',
      '**/preload/**',
      '**/renderer/**',
      '**/backend-sync/**',
      '**/shell/**',
    ],
    packages: [
      'zod',
      'axios',
      'better-sqlite3-multiple-ciphers',
      '@node-rs/argon2',
      'bcryptjs',
      'otplib',
      'qrcode',
      'keytar',
    ],
    builtins: true,
  }),
  // electron/main: Electron around the core; never the preload, the browser shell or the UI.
  layer(['electron/main/**/*.ts'], {
    patterns: ['**/renderer/**', '**/backend-sync/**', '**/shell/**', '**/preload/**'],
    packages: ['electron', 'electron-updater'],
    builtins: true,
  }),
  // electron/preload: the IPC contract in common/ and contextBridge, nothing else. It runs in
  // the renderer's process: importing the core or main would put secrets' code beside the page.
  layer(['electron/preload/**/*.ts'], {
    patterns: ['**/renderer/**', '**/backend-sync/**', '**/core/**', '**/main/**', '**/shell/**'],
    packages: ['electron'],
  }),
  // electron/shell: the browser shell, the core over loopback HTTP; never Electron, never main.
  layer(['electron/shell/**/*.ts'], {
    paths: [...notElectron],
    patterns: [
      electronSubpaths,
      '**/renderer/**',
      '**/backend-sync/**',
      '**/main/**',
      '**/preload/**',
    ],
    packages: [],
    builtins: true,
  }),
  // renderer/: the typed API and common/ only.
  layer(['renderer/**/*.{ts,tsx}'], {
    paths: [...nodeBuiltins, ...notElectron],
    patterns: [electronSubpaths, '**/electron/**', '**/backend-sync/**', 'node:*'],
    packages: ['react', 'react-dom'],
  }),
  // backend-sync/: common/ only.
  layer(['backend-sync/**/*.ts'], {
    paths: [...notElectron],
    patterns: [electronSubpaths, '**/electron/**', '**/renderer/**'],
    packages: [
      'fastify',
      'fastify-type-provider-zod',
      '@fastify/cors',
      '@fastify/helmet',
      '@fastify/rate-limit',
      '@fastify/swagger',
      '@fastify/swagger-ui',
      'zod',
      'kysely',
      'pg',
      'better-sqlite3-multiple-ciphers',
      '@node-rs/argon2',
      'otplib',
      'jose',
      'nodemailer',
      'prom-client',
      'close-with-grace',
      'ajv',
      '@sentry/node',
      'qrcode',
    ],
    builtins: true,
  }),
  // The statement runner (backend-sync/db/statement-runner.ts) takes the connection itself: called
  // inside a Kysely transaction's callback it waits for ever on SQLite (the transaction holds
  // the one connection) and runs outside the transaction on PostgreSQL.
  {
    files: ['backend-sync/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', runnerOutsideTransactions] },
  },
  // Routes only map HTTP to services: the services are built in factories the composition root
  // (backend-sync/app.ts) calls once, so none is built twice. ESLint keeps one set of options
  // per rule, so the routes' block repeats the runner's restriction.
  {
    files: ['backend-sync/routes/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        runnerOutsideTransactions,
        {
          selector: 'NewExpression[callee.name=/Service$/]',
          message:
            'Routes do not build services: build it in a factory the composition root (backend-sync/app.ts) calls, and pass it to the route plugin.',
        },
      ],
    },
  },
);
