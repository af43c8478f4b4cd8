import type { Migration } from './migration';

/**
 * 006 — authenticators enrolled on a connected PC, waiting for the sync server
 * (sync/totp-outbox.ts). FROZEN once released.
 *
 * `totp_outbox`: the secret, when it was enrolled (trusted time), the account version the PC had,
 * and the owner's signature (common/identity/credential.ts). A row leaves when the server has
 * answered; once taken, the secret comes back in the person's signed record.
 */
export const migration006: Migration = {
  id: 6,
  name: '006-totp-outbox',
  up: `
    CREATE TABLE totp_outbox (
      id INTEGER PRIMARY KEY,
      account_id TEXT NOT NULL,
      totp_secret TEXT NOT NULL,
      changed_at INTEGER NOT NULL,
      base_version INTEGER NOT NULL,
      authorization TEXT
    );
    CREATE INDEX totp_outbox_account ON totp_outbox(account_id);
  `,
};
