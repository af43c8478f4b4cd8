import type { Migration } from './migration';

/**
 * 007 — the three tables every sign-in writes, keyed by text, stored clustered on that key
 * (WITHOUT ROWID). FROZEN once released.
 *
 * With a TEXT PRIMARY KEY a rowid table keeps the row in one b-tree and the key in a second
 * (its automatic index), so each write touched two pages, and each page is one more encrypted
 * WAL frame in a durable commit. Clustered, each write touches one: the password step's count
 * and its taking back write two frames fewer, the code step two fewer (the session and the
 * sealed time and audit head). Rows, columns and constraints are unchanged; no other table
 * refers to these three.
 */
export const migration007: Migration = {
  id: 7,
  name: '007-clustered-hot-tables',
  up: `
    CREATE TABLE sign_in_failures_new (
      username TEXT PRIMARY KEY,
      failures INTEGER NOT NULL,
      last_failure_at INTEGER NOT NULL,
      locked_until INTEGER,
      locked_by_admin_only INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    INSERT INTO sign_in_failures_new SELECT username, failures, last_failure_at, locked_until,
      locked_by_admin_only FROM sign_in_failures;
    DROP TABLE sign_in_failures;
    ALTER TABLE sign_in_failures_new RENAME TO sign_in_failures;

    CREATE TABLE sessions_new (
      id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      started_at INTEGER NOT NULL,
      ended_at INTEGER,
      end_reason TEXT
    ) WITHOUT ROWID;
    INSERT INTO sessions_new SELECT id, account_id, started_at, ended_at, end_reason FROM sessions;
    DROP TABLE sessions;
    ALTER TABLE sessions_new RENAME TO sessions;
    CREATE INDEX sessions_account ON sessions(account_id, started_at);

    CREATE TABLE sealed_state_new (
      name TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      mac TEXT NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO sealed_state_new SELECT name, value, mac FROM sealed_state;
    DROP TABLE sealed_state;
    ALTER TABLE sealed_state_new RENAME TO sealed_state;
  `,
};
