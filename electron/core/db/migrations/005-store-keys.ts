import type { Migration } from './migration';

/**
 * 005 — a standalone PC's own authority (integrity/store-keyring.ts). FROZEN once released.
 *
 * - `store_anchor`: the public half of its store key, pinned at first run (and named in the
 *   first audit entry). Every account record and the policy of a standalone PC are signed by it.
 * - `store_keys`: per admin or manager, the private key they hold (the store key, or a manager's
 *   own key the store signed), sealed to their credential's box key: only their password opens it.
 *
 * A standalone PC set up before this version has neither: its first admin to confirm their
 * password makes the store key and signs what the PC holds (StandaloneAuthority.adopt).
 */
export const migration005: Migration = {
  id: 5,
  name: '005-store-keys',
  up: `
    CREATE TABLE store_anchor (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      public_key TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE TABLE store_keys (
      account_id TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('store', 'manager')),
      sealed TEXT NOT NULL
    );
  `,
};
