import type { Migration } from './migration';

/**
 * 002 — the sync engine's bookkeeping (electron/core/sync). FROZEN once released.
 *
 * - `accounts.server_version`: the highest server change sequence applied to the account;
 *   0 for an account created on this PC (standalone). Pulls never move it down.
 * - `accounts.totp_origin`: where the TOTP secret came from. A secret the server sent is
 *   cleared when the server clears it (an admin reset 2FA); one enrolled on this PC stays.
 * - `sync_state`: one row once the PC is connected: the pinned server key, the pull cursor,
 *   the signed policy version held and the audit seq the server acknowledged.
 * - `account_outbox`: password changes made here, waiting for the server; a row is deleted in
 *   the same transaction that records the server's answer, so a crash re-sends it (the server's
 *   idempotency keys and "latest change wins" make a re-send harmless).
 * - `full_sync_seen`: accounts received during a full sync that spans several pages and runs;
 *   when the last page arrives, synced accounts not seen are removed.
 */
export const migration002: Migration = {
  id: 2,
  name: '002-sync',
  up: `
    ALTER TABLE accounts ADD COLUMN server_version INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE accounts ADD COLUMN totp_origin TEXT NOT NULL DEFAULT 'local'
      CHECK (totp_origin IN ('local', 'server'));

    CREATE TABLE sync_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      server_url TEXT NOT NULL,
      store_id TEXT NOT NULL,
      server_public_key TEXT NOT NULL,
      cursor INTEGER NOT NULL DEFAULT 0,
      policy_version INTEGER NOT NULL DEFAULT 0,
      acknowledged_seq INTEGER NOT NULL DEFAULT 0,
      full_sync_pending INTEGER NOT NULL DEFAULT 1,
      connected_at INTEGER NOT NULL,
      last_attempt_at INTEGER,
      last_success_at INTEGER,
      last_error_code TEXT,
      last_error_message TEXT
    );

    CREATE TABLE account_outbox (
      id INTEGER PRIMARY KEY,
      account_id TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('password_changed', 'password_reset')),
      password_hash TEXT NOT NULL,
      changed_at INTEGER NOT NULL,
      must_change_password INTEGER NOT NULL,
      base_version INTEGER NOT NULL
    );
    CREATE INDEX account_outbox_account ON account_outbox(account_id);

    CREATE TABLE full_sync_seen (account_id TEXT PRIMARY KEY);
  `,
};
