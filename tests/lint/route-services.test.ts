// Proves the rule in eslint.config.js that keeps service construction out of the route files:
// services are built in factories the composition root (backend-sync/app.ts) calls once.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot });
});

/** The lines `no-restricted-syntax` flags in `body`, linted as the file `filePath`. */
async function flagged(filePath: string, body: string): Promise<number[]> {
  const source = `declare const db: any;\ndeclare const statements: any;\ndeclare const EnrollmentService: any;\ndeclare const PullService: any;\n${body}\n`;
  const [result] = await eslint.lintText(source, { filePath });
  if (!result) throw new Error('ESLint returned no result');
  expect(result.messages.filter((m) => m.fatal)).toEqual([]);
  return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.line);
}

describe('route files do not build services', () => {
  it('flags a service built in a route file', async () => {
    const lines = await flagged(
      'backend-sync/routes/x.routes.ts',
      [
        'export const enrollment = new EnrollmentService(db);',
        'export const seen = new WeakMap();',
        'export function routes() {',
        '  return new PullService(db);',
        '}',
      ].join('\n'),
    );
    expect(lines).toEqual([5, 8]);
  });

  it('still flags a statement runner called inside a transaction there', async () => {
    const lines = await flagged(
      'backend-sync/routes/x.routes.ts',
      [
        'export async function f() {',
        '  await db.transaction().execute(async () => statements.read(1));',
        '}',
      ].join('\n'),
    );
    expect(lines).toEqual([6]);
  });

  it('lets the factories outside routes/ build them', async () => {
    const lines = await flagged(
      'backend-sync/sync/x-services.ts',
      'export const enrollment = new EnrollmentService(db);',
    );
    expect(lines).toEqual([]);
  });

  it('holds for every route file in the repo', async () => {
    const results = await eslint.lintFiles(['backend-sync/routes/**/*.ts']);
    const messages = results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId === 'no-restricted-syntax')
        .map((m) => `${r.filePath}:${m.line}`),
    );
    expect(results.length).toBeGreaterThan(5);
    expect(messages).toEqual([]);
  });
});
