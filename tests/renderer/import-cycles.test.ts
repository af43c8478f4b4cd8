// No renderer file imports, through any chain, a file that imports it back. Shared prop types
// live in their own modules (renderer/features/shell/shell.types.ts and the like) so that a
// child never imports its parent component. Type-only and lazy imports count: a loop of types
// still ties the files together for a reader.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

// `import … from '…'`, `export … from '…'`, `import '…'` and `import('…')`.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm;

/** The relative specifiers a source text imports (packages and common/ paths included). */
function importsOf(text: string): string[] {
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...withoutComments.matchAll(SPECIFIER)].map((m) => m[2] as string);
}

function resolveImport(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Every cycle's files (strongly connected components of more than one file, or a self-import). */
function findCycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node))
      cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

describe('renderer imports', () => {
  it('finds the relative imports of every form', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from '../b/b';",
      'import {',
      '  c,',
      "} from './c';",
      "export { d } from './d';",
      "import './e.css';",
      "const F = lazy(() => import('./f'));",
      "import React from 'react';",
      "// import { g } from './g';",
      "/* import { h } from './h'; */",
    ].join('\n');
    expect(importsOf(text)).toEqual(['./a', '../b/b', './c', './d', './e.css', './f']);
  });

  it('finds a loop, however long, and only loops', () => {
    const graph = new Map([
      ['app', ['shell', 'types']],
      ['shell', ['home', 'types']],
      ['home', ['types', 'app']],
      ['types', []],
      ['self', ['self']],
      ['leaf', ['types']],
    ]);
    expect(findCycles(graph)).toEqual([['app', 'home', 'shell'], ['self']]);
    graph.set('home', ['types']);
    expect(findCycles(graph)).toEqual([['self']]);
  });

  it('has no import cycle among renderer files', () => {
    const files = sourceFiles(join(root, 'renderer'));
    expect(files.length).toBeGreaterThan(50);
    const graph = new Map<string, string[]>();
    for (const file of files) {
      const targets = importsOf(readFileSync(file, 'utf8'))
        .map((specifier) => resolveImport(file, specifier))
        .filter((target): target is string => target !== null && files.includes(target));
      graph.set(file, targets);
    }
    const cycles = findCycles(graph).map((c) => c.map((f) => relative(root, f)));
    expect(cycles).toEqual([]);
  });
});
