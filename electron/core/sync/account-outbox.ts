import { syncedAccountSchema } from '../../../common/sync/protocol';
import { recordedAccountFields } from '../../../common/sync/signed-records';
import type { AccountRepository, AccountRow } from '../accounts/account-repository';
import type { Db } from '../db/database';
import { NO_PASSWORD } from '../integrity/store-integrity.service';
import { SyncStateRepository } from './sync-state';

/**
 * Queues a password change made on this PC for the sync server. Call inside the transaction
 * that changes the password, so the change and its outbox row commit together (invariant 8).
 * Accounts that exist only on this PC (server version 0), and PCs not connected, queue nothing.
 */
export function queuePasswordChange(
  db: Db,
  account: Pick<AccountRow, 'id' | 'serverVersion'>,
  kind: 'password_changed' | 'password_reset',
  patch: {
    passwordHash: string;
    passwordChangedAt: number;
    mustChangePassword: boolean;
    /** A manager's temporary password: when it stops working (sent so every PC agrees). */
    tempPasswordExpiresAt?: number | null;
  },
): void {
  if (account.serverVersion === 0) return;
  if (!db.prepare('SELECT 1 FROM sync_state WHERE id = 1').get()) return;
  new SyncStateRepository(db).enqueue({
    accountId: account.id,
    kind,
    passwordHash: patch.passwordHash,
    changedAt: patch.passwordChangedAt,
    mustChangePassword: patch.mustChangePassword,
    baseVersion: account.serverVersion,
    ...(kind === 'password_reset' ? { temporaryUntil: patch.tempPasswordExpiresAt ?? null } : {}),
  });
}

/**
 * The server did not take a password changed here (superseded or refused) and nothing else
 * waits for it: the account's password becomes its signed record's again, so the row agrees
 * with the record it holds (a newer record, if any, comes with the next pull).
 */
export function revertToRecord(accounts: AccountRepository, accountId: string): void {
  const account = accounts.byId(accountId);
  if (!account?.signedRecord) return;
  const record = syncedAccountSchema.safeParse(JSON.parse(account.signedRecord));
  if (!record.success) return;
  const fields = recordedAccountFields(record.data, NO_PASSWORD);
  accounts.update(accountId, {
    passwordHash: fields.passwordHash,
    passwordChangedAt: fields.passwordChangedAt,
    mustChangePassword: fields.mustChangePassword,
    tempPasswordExpiresAt: fields.tempPasswordExpiresAt,
  });
}
