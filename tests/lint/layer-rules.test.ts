// Proves the layer import rules in eslint.config.js do what ARCHITECTURE.md says. The files are
// virtual (lintText with a filePath inside the repo), so the real config picks its layer by path.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const RULE = 'no-restricted-imports';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot });
});

/** Lints one side-effect import (so no other rule has anything to say) as `file`. */
async function lintImport(file: string, specifier: string) {
  const [result] = await eslint.lintText(`import '${specifier}';\n`, { filePath: file });
  if (!result) throw new Error('ESLint returned no result');
  // A fatal message means a parse error or an ignored path: the rule never ran.
  expect(result.messages.filter((m) => m.fatal)).toEqual([]);
  return result.messages;
}

// [importing file, import specifier]
const forbidden: [string, string][] = [
  ['electron/core/x.ts', 'electron'],
  ['electron/core/x.ts', 'electron/main'],
  ['electron/core/x.ts', 'electron-updater'],
  ['electron/core/db/x.ts', '../../main/window'],
  ['electron/core/x.ts', '../main'],
  ['renderer/x.ts', '../electron/core/db/database'],
  ['renderer/pages/x.tsx', '../../electron/core/db/database'],
  ['renderer/x.ts', '../backend-sync/server'],
  ['renderer/x.ts', '../backend-sync'],
  ['renderer/x.ts', 'node:fs'],
  ['renderer/x.ts', 'electron'],
  ['common/x.ts', 'node:fs'],
  ['common/x.ts', 'fs'],
  ['common/x.ts', '../electron/core/x'],
  ['common/policy/x.ts', '../../electron'],
  ['common/x.ts', 'electron'],
  ['backend-sync/x.ts', '../electron/core/x'],
  ['backend-sync/x.ts', '../renderer/app'],
  ['backend-sync/x.ts', 'electron'],
  ['electron/main/x.ts', '../../renderer/app'],
  ['electron/preload/x.ts', '../../backend-sync/server'],
  // The preload runs beside the page: the contract and contextBridge only.
  ['electron/preload/x.ts', '../core/keyholder'],
  ['electron/preload/x.ts', '../main/ipc'],
  ['electron/preload/x.ts', '../shell/browser-shell'],
  ['electron/preload/x.ts', 'node:fs'],
  ['electron/preload/x.ts', 'axios'],
  // The browser shell: the core over loopback, never Electron or main.
  ['electron/shell/x.ts', 'electron'],
  ['electron/shell/x.ts', 'electron-updater'],
  ['electron/shell/x.ts', '../main/window'],
  ['electron/shell/x.ts', '../preload/api'],
  ['electron/shell/x.ts', '../../renderer/app'],
  ['electron/shell/x.ts', 'axios'],
  ['electron/main/x.ts', '../shell/browser-shell'],
  ['electron/main/x.ts', '../preload/api'],
  // Per-layer package allowlists: a package not on the list, a builtin without `node:`, and a
  // name that only starts like an allowed one.
  ['common/x.ts', 'fastify'],
  ['common/x.ts', 'keytar'],
  ['common/x.ts', 'zodiac'],
  ['electron/core/x.ts', 'fs'],
  ['electron/core/x.ts', 'fastify'],
  ['electron/core/x.ts', 'react'],
  ['electron/core/x.ts', 'axios-retry'],
  ['electron/main/x.ts', 'axios'],
  ['renderer/x.tsx', 'axios'],
  ['renderer/x.tsx', 'zod'],
  ['backend-sync/x.ts', 'keytar'],
  ['backend-sync/x.ts', 'axios'],
  ['backend-sync/x.ts', 'react'],
  ['backend-sync/x.ts', 'crypto'],
];

const allowed: [string, string][] = [
  ['electron/core/x.ts', '../../common/policy'],
  ['electron/core/x.ts', 'node:crypto'],
  ['electron/core/db/x.ts', '../accounts/account-repository'],
  ['renderer/x.ts', '../common/policy'],
  ['renderer/x.tsx', 'react'],
  ['electron/main/x.ts', 'electron'],
  ['electron/main/x.ts', '../core/x'],
  ['electron/main/x.ts', '../../common/policy'],
  ['electron/preload/x.ts', 'electron'],
  ['backend-sync/x.ts', '../common/policy'],
  ['backend-sync/x.ts', 'node:fs'],
  ['common/policy/x.ts', '../identity/username'],
  ['common/x.ts', 'zod'],
  ['common/x.ts', '@zxcvbn-ts/core'],
  ['electron/preload/x.ts', '../../common/ipc/contract'],
  ['electron/preload/x.ts', './api'],
  ['electron/shell/x.ts', '../core/keyholder'],
  ['electron/shell/x.ts', '../../common/ipc/contract'],
  ['electron/shell/x.ts', 'node:http'],
  ['electron/core/x.ts', 'better-sqlite3-multiple-ciphers'],
  ['electron/core/x.ts', 'keytar'],
  ['electron/core/x.ts', 'otplib'],
  ['electron/main/x.ts', 'electron-updater'],
  ['electron/main/x.ts', 'node:path'],
  ['renderer/x.tsx', 'react-dom/client'],
  ['backend-sync/x.ts', 'fastify'],
  ['backend-sync/x.ts', '@fastify/rate-limit'],
  ['backend-sync/x.ts', 'kysely'],
];

describe('layer import rules', () => {
  it.each(forbidden)('%s may not import %s', async (file, specifier) => {
    const messages = await lintImport(file, specifier);
    expect(messages.some((m) => m.ruleId === RULE && m.severity === 2)).toBe(true);
  });

  it.each(allowed)('%s may import %s', async (file, specifier) => {
    const messages = await lintImport(file, specifier);
    expect(messages.filter((m) => m.ruleId === RULE)).toEqual([]);
  });
});

describe("the statement runner is never called inside a transaction's callback", () => {
  const lint = async (body: string) => {
    const source = `declare const db: any;\ndeclare const d: any;\ndeclare const statements: any;\nexport async function f() {\n${body}\n}\n`;
    const [result] = await eslint.lintText(source, { filePath: 'backend-sync/x.ts' });
    if (!result) throw new Error('ESLint returned no result');
    expect(result.messages.filter((m) => m.fatal)).toEqual([]);
    return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.line);
  };

  it('flags each runner call inside the callback, however the runner is reached', async () => {
    const lines = await lint(
      [
        '  await db.transaction().execute(async (trx: any) => {',
        '    await trx.executeQuery(1);',
        '    await d.statements.guardedWrite(1, []);',
        '    if (trx) await statements.read(1);',
        '    await this.d.statements.guardedWrites([], []);',
        '  });',
      ].join('\n'),
    );
    expect(lines).toEqual([7, 8, 9]);
  });

  it('leaves calls outside a transaction alone', async () => {
    const lines = await lint(
      [
        '  await d.statements.read(1);',
        '  await statements.guardedWrite(1, []);',
        '  await db.transaction().execute(async (trx: any) => trx.executeQuery(1));',
      ].join('\n'),
    );
    expect(lines).toEqual([]);
  });
});
