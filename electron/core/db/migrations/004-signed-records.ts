import type { Migration } from './migration';

/**
 * 004 — what the sync server signed, kept beside what it decides. FROZEN once released.
 *
 * A connected PC trusts its own store no more than the server's signature lets it
 * (integrity/store-integrity.service.ts):
 * - `accounts.signed_record`: the account record as the server signed it (JSON of
 *   `syncedAccountSchema`, signature included); null for accounts made on a standalone PC. The
 *   row's own columns are what the PC uses; they must agree with this record (or with a local
 *   change waiting in the outbox) whenever the PC relies on them.
 * - `sync_state.receipt`: the last sync receipt (signed-records.ts), stored with the page that
 *   completed a pull; `receipt_accounts`: the accounts (id, version, status) it names, whose
 *   digest the receipt signs, so a record rolled back to an older signed version is noticed.
 * - `policy.signed_bundle`: the signed bundle a connected PC's policy came from.
 * - `account_outbox.applied_version`: the server applied the change at this version; the row
 *   stays, backing the local password, until a signed record at least that new arrives.
 * - `account_outbox.credential` and `.authorization` (JSON): the credential key of the new
 *   password, and who made the change, signed with their own credential key
 *   (common/identity/credential.ts): the PC and the server both check it.
 *
 * A PC connected before this version holds no signed records: its next pull starts from 0 and
 * brings them all, with the policy bundle. Until then it has no receipt and signs nobody in.
 */
export const migration004: Migration = {
  id: 4,
  name: '004-signed-records',
  up: `
    ALTER TABLE accounts ADD COLUMN signed_record TEXT;
    ALTER TABLE sync_state ADD COLUMN receipt TEXT;
    ALTER TABLE policy ADD COLUMN signed_bundle TEXT;
    ALTER TABLE account_outbox ADD COLUMN applied_version INTEGER;
    ALTER TABLE account_outbox ADD COLUMN credential TEXT;
    ALTER TABLE account_outbox ADD COLUMN authorization TEXT;
    CREATE TABLE receipt_accounts (
      account_id TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('active', 'disabled'))
    );
    UPDATE sync_state SET cursor = 0, full_sync_pending = 1, policy_version = 0,
      last_success_at = NULL;
    DELETE FROM full_sync_seen;
  `,
};
