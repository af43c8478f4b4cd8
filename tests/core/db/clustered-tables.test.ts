// Migration 007 rebuilds the three tables every sign-in writes as WITHOUT ROWID tables: a store
// made before it keeps every row, and each of them is then one b-tree (one page per write).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { migrate, openDatabase, type Db } from '../../../electron/core/db/database';
import { MIGRATIONS } from '../../../electron/core/db/migrations';

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const HOT = ['sign_in_failures', 'sessions', 'sealed_state'];

it('a store from before migration 007 keeps its rows, now clustered on their keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyholder-007-'));
  dirs.push(dir);
  const before = MIGRATIONS.filter((m) => m.id < 7);
  const db = openDatabase({
    file: join(dir, 'store.db'),
    hexKey: 'cd'.repeat(32),
    migrations: before,
  });
  dbs.push(db);
  db.prepare(
    `INSERT INTO accounts (id, username, display_name, role, status, password_hash, password_changed_at, created_at, updated_at)
     VALUES ('a1', 'ada', 'Ada', 'admin', 'active', 'x', 1, 1, 1)`,
  ).run();
  db.prepare("INSERT INTO sessions (id, account_id, started_at) VALUES ('s1', 'a1', 5)").run();
  db.prepare(
    "INSERT INTO sign_in_failures (username, failures, last_failure_at, locked_until) VALUES ('ada', 3, 7, 99)",
  ).run();
  db.prepare("INSERT INTO sealed_state (name, value, mac) VALUES ('time', '42', 'm')").run();
  for (const table of HOT)
    expect(db.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).get(table)).not.toMatchObject(
      { sql: expect.stringContaining('WITHOUT ROWID') },
    );

  migrate(db, MIGRATIONS);

  for (const table of HOT) {
    const { sql } = db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(table) as {
      sql: string;
    };
    expect(sql).toContain('WITHOUT ROWID');
    // No automatic index beside the table: the key is the table.
    expect(
      db
        .prepare(
          "SELECT count(*) AS n FROM sqlite_master WHERE tbl_name = ? AND name LIKE 'sqlite_autoindex%'",
        )
        .get(table),
    ).toEqual({ n: 0 });
  }
  expect(db.prepare('SELECT id, account_id, started_at, ended_at FROM sessions').all()).toEqual([
    { id: 's1', account_id: 'a1', started_at: 5, ended_at: null },
  ]);
  expect(db.prepare('SELECT * FROM sign_in_failures').all()).toEqual([
    { username: 'ada', failures: 3, last_failure_at: 7, locked_until: 99, locked_by_admin_only: 0 },
  ]);
  expect(db.prepare('SELECT * FROM sealed_state').all()).toEqual([
    { name: 'time', value: '42', mac: 'm' },
  ]);
  // The session still belongs to its account: removing the account removes it.
  db.prepare("DELETE FROM accounts WHERE id = 'a1'").run();
  expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 });
  expect(db.pragma('foreign_key_check')).toEqual([]);
});
