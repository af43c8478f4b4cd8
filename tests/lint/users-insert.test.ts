// One place writes a users row from nothing: backend-sync/people/users.repository.ts. The
// server's services call it, and tests and benchmarks go through their one factory
// (tests/backend/support/user-factory.ts), which calls it too; a second copy of the insert
// would drift from the row the server writes (its columns, its change number).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const THE_INSERT = 'backend-sync/people/users.repository.ts';
// Kysely's builder, or SQL text; the table name alone, not `users_…` or `user_stores`.
const USERS_INSERT = /insertInto\(\s*['"]users['"]|insert\s+into\s+"?users"?[\s(]/i;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

it('only the users repository inserts a users row', () => {
  const writers = ['backend-sync', 'tests', 'bench', 'electron', 'scripts']
    .flatMap(sources)
    .filter((file) => file !== 'tests/lint/users-insert.test.ts')
    .filter((file) => USERS_INSERT.test(readFileSync(join(root, file), 'utf8')));
  expect(writers).toEqual([THE_INSERT]);
});
