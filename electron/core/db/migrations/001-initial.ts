import type { Migration } from './migration';

/**
 * 001 — the first schema. FROZEN: once released, never edit this file; add a new migration.
 *
 * Conventions: times are integer milliseconds of *trusted* time (see time/trusted-time.ts);
 * ids are random UUIDs; usernames are stored normalised (common/identity/username.ts) so that
 * every variant of a name hits one row and one lockout counter.
 */
export const migration001: Migration = {
  id: 1,
  name: '001-initial',
  up: `
    CREATE TABLE device (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      device_id TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      store_name TEXT NOT NULL DEFAULT '',
      brand_name TEXT NOT NULL DEFAULT '',
      mode TEXT NOT NULL DEFAULT 'standalone' CHECK (mode IN ('standalone', 'enrolled')),
      server_url TEXT,
      last_sync_at INTEGER,
      sign_ins_since_sync INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE policy (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      version INTEGER NOT NULL,
      document TEXT NOT NULL,
      updated_at INTEGER NOT NULL,
      updated_by TEXT
    );

    CREATE TABLE accounts (
      id TEXT PRIMARY KEY,
      username TEXT NOT NULL UNIQUE,
      display_name TEXT NOT NULL,
      email TEXT NOT NULL DEFAULT '',
      role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'viewer')),
      status TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
      password_hash TEXT NOT NULL,
      password_changed_at INTEGER NOT NULL,
      must_change_password INTEGER NOT NULL DEFAULT 0,
      temp_password_expires_at INTEGER,
      totp_secret TEXT,
      totp_enabled_at INTEGER,
      totp_last_step INTEGER NOT NULL DEFAULT 0,
      totp_pending_secret TEXT,
      totp_pending_at INTEGER,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      last_sign_in_at INTEGER
    );

    CREATE TABLE password_history (
      account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      password_hash TEXT NOT NULL,
      changed_at INTEGER NOT NULL
    );
    CREATE INDEX password_history_account ON password_history(account_id, changed_at);

    CREATE TABLE recovery_codes (
      id INTEGER PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      code_hash TEXT NOT NULL,
      used_at INTEGER
    );
    CREATE INDEX recovery_codes_account ON recovery_codes(account_id);

    -- Keyed by the normalised username, not the account id, so unknown names are throttled
    -- and locked exactly like real ones (no enumeration through behaviour).
    CREATE TABLE sign_in_failures (
      username TEXT PRIMARY KEY,
      failures INTEGER NOT NULL,
      last_failure_at INTEGER NOT NULL,
      locked_until INTEGER,
      locked_by_admin_only INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE sessions (
      id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      started_at INTEGER NOT NULL,
      ended_at INTEGER,
      end_reason TEXT
    );
    CREATE INDEX sessions_account ON sessions(account_id, started_at);

    CREATE TABLE audit_log (
      seq INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      device_id TEXT NOT NULL,
      actor_id TEXT,
      actor_name TEXT,
      action TEXT NOT NULL,
      target_id TEXT,
      target_name TEXT,
      outcome TEXT NOT NULL,
      details TEXT NOT NULL,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL,
      mac TEXT NOT NULL
    );
    CREATE INDEX audit_log_action ON audit_log(action, at);
    CREATE INDEX audit_log_actor ON audit_log(actor_id, at);
    CREATE INDEX audit_log_target ON audit_log(target_id, at);

    -- Append-only by construction: the app never updates or deletes audit rows. These triggers
    -- stop accidents; the hash chain + MAC + sealed head catch deliberate edits.
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;

    -- Sealed values (MAC with a keychain key): the audit head and the trusted-time high-water mark.
    CREATE TABLE sealed_state (
      name TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      mac TEXT NOT NULL
    );
  `,
};
