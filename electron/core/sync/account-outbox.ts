import type { AccountRow } from '../accounts/account-repository';
import type { Db } from '../db/database';
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
