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
