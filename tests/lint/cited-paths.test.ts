// The repository explains itself: every repo path a comment or document cites exists, every
// "invariant N" a comment cites is one of docs/ARCHITECTURE.md's numbered invariants, and every
// document named by its file name (SECURITY.md, …) is in the repository.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const TEXT = /\.(ts|tsx|js|cjs|mjs|md|json|ya?ml)$/;
/** Generated or vendored text, and this test's own examples of bad citations. */
const SKIP = new Set(['package-lock.json', 'docs/openapi.json', 'docs/PERFORMANCE.md']);
/** Files that name paths which are not files: the lint tests lint virtual files by path. */
const VIRTUAL_PATHS = new Set([
  'tests/lint/layer-rules.test.ts',
  'tests/lint/route-services.test.ts',
]);
/** Module specifiers that look like repo paths (packages' own subpaths). */
const SPECIFIERS = new Set(['electron/package.json', 'electron/renderer', 'electron/main']);

function trackedFiles(): string[] {
  const git = spawnSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' });
  if (git.status === 0 && git.stdout) return git.stdout.split('\0').filter(Boolean);
  // Not a git checkout (an unpacked archive): every file outside what git would ignore.
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (['node_modules', 'dist', '.git', 'test-results', 'playwright-report'].includes(name))
        continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(root, full));
    }
  };
  walk(root);
  return out;
}

const files = trackedFiles().filter((f) => TEXT.test(f) && !SKIP.has(f));
const read = (f: string) => readFileSync(join(root, f), 'utf8');

// A path into one of the repository's top folders, not part of a longer path or package name.
const CITED =
  /(?<![\w./@-])((?:common|electron|renderer|backend-sync|tests|bench|build|docs|scripts|\.ci)\/[\w./[\]-]*\w)(\*?)/g;

function resolves(path: string, glob: boolean): boolean {
  if (glob) {
    const slash = path.lastIndexOf('/');
    const dir = join(root, path.slice(0, slash));
    const prefix = path.slice(slash + 1);
    return existsSync(dir) && readdirSync(dir).some((name) => name.startsWith(prefix));
  }
  return ['', '.ts', '.tsx', '.js', '.cjs', '.md'].some((ext) =>
    existsSync(join(root, path + ext)),
  );
}

describe('citations in code and documents', () => {
  it('every cited repository path exists', () => {
    const missing: string[] = [];
    for (const file of files) {
      if (VIRTUAL_PATHS.has(file)) continue;
      for (const m of read(file).matchAll(CITED)) {
        const path = (m[1] as string).replace(/\.$/, '');
        if (SPECIFIERS.has(path) || path.includes('<')) continue;
        if (!resolves(path, m[2] === '*')) missing.push(`${file} cites ${path}${m[2]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every "invariant N" cited is numbered in docs/ARCHITECTURE.md', () => {
    const architecture = read('docs/ARCHITECTURE.md');
    const section = architecture.split(/^## /m).find((s) => s.startsWith('Invariants')) ?? '';
    const numbered = new Set([...section.matchAll(/^(\d+)\. \*\*/gm)].map((m) => Number(m[1])));
    expect(numbered.size).toBeGreaterThanOrEqual(10);
    const wrong: string[] = [];
    for (const file of files) {
      for (const m of read(file).matchAll(/\binvariants? (\d+)\b/gi)) {
        if (!numbered.has(Number(m[1]))) wrong.push(`${file} cites invariant ${m[1]}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('every document cited by its file name is in the repository', () => {
    const docs = new Set(
      trackedFiles()
        .filter((f) => f.endsWith('.md'))
        .map((f) => f.split('/').pop()),
    );
    const missing: string[] = [];
    for (const file of files) {
      for (const m of read(file).matchAll(/(?<![\w/.-])([A-Z][A-Z0-9-]+\.md)\b/g)) {
        if (!docs.has(m[1])) missing.push(`${file} cites ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
