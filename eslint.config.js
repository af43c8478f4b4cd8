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
function layer(files, { paths = [], patterns = [] }) {
  const globs = patterns.flatMap((p) =>
    typeof p === 'string' && p.endsWith('/**') ? [p, p.slice(0, -3)] : [p],
  );
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: paths.map((name) => ({ name, message })),
          patterns: globs.map((p) =>
            typeof p === 'string' ? { group: [p], message } : { ...p, message },
          ),
        },
      ],
    },
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
      'tests/lint/fixtures/**',
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
  }),
  // electron/main and preload: core + common only.
  layer(['electron/main/**/*.ts', 'electron/preload/**/*.ts'], {
    patterns: ['**/renderer/**', '**/backend-sync/**'],
  }),
  // renderer/: the typed API and common/ only.
  layer(['renderer/**/*.{ts,tsx}'], {
    paths: [...nodeBuiltins, ...notElectron],
    patterns: [electronSubpaths, '**/electron/**', '**/backend-sync/**', 'node:*'],
  }),
  // backend-sync/: common/ only.
  layer(['backend-sync/**/*.ts'], {
    paths: [...notElectron],
    patterns: [electronSubpaths, '**/electron/**', '**/renderer/**'],
  }),
  // The statement runner (backend-sync/db/statement-runner.ts) takes the connection itself: called
  // inside a Kysely transaction's callback it waits for ever on SQLite (the transaction holds
  // the one connection) and runs outside the transaction on PostgreSQL.
  {
    files: ['backend-sync/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: STATEMENT_RUNNER_IN_TRANSACTION,
          message:
            'The statement runner must not be called inside a transaction: it deadlocks on SQLite and runs outside the transaction on PostgreSQL. Use the transaction (trx.executeQuery) instead.',
        },
      ],
    },
  },
);
