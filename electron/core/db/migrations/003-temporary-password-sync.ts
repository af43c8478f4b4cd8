import type { Migration } from './migration';

/**
 * 003 — a temporary password's end travels with it. FROZEN once released.
 *
 * `account_outbox.temporary_until`: when a manager's temporary password (a `password_reset`)
 * stops working, sent with the change so the server and the other PCs of the person's stores
 * end it at the same time as this PC (see common/sync/protocol.ts). Null for the owner's own
 * password changes, and for rows queued before this migration (the server then applies its
 * limit, an hour after the change).
 */
export const migration003: Migration = {
  id: 3,
  name: '003-temporary-password-sync',
  up: `ALTER TABLE account_outbox ADD COLUMN temporary_until INTEGER;`,
};
