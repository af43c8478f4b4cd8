import { createHash } from 'node:crypto';
import { MAX_ACCOUNT_CHANGES } from '../../../common/sync/protocol';
import type { AccountRepository, AccountRow } from '../accounts/account-repository';
import type { AuditLog } from '../audit/audit-log';
import type { Db } from '../db/database';
import type { SyncHttp } from './sync-http';
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
 * Step 2 of a sync run: sends the queued changes in batches, and records per change what the
 * server made of it (its new version when applied, an audit entry either way) in the same
 * transaction that removes the batch from the outbox.
 */
export async function pushAccountChanges(
  d: { db: Db; accounts: AccountRepository; audit: AuditLog },
  repo: SyncStateRepository,
  http: SyncHttp,
): Promise<void> {
  for (;;) {
    const rows = repo.outbox(MAX_ACCOUNT_CHANGES);
    if (rows.length === 0) return;
    const changes = rows.map(({ id: _id, ...change }) => change);
    // Named by content: outbox ids are rowids, reused once the outbox is empty, so an id range
    // would name other changes later and the server would refuse them (422) for ever.
    const digest = createHash('sha256').update(JSON.stringify(changes)).digest('hex');
    const answer = await http.pushAccountChanges(changes, `accounts-${digest}`);
    d.db.transaction(() => {
      for (const [i, row] of rows.entries()) {
        const result = answer.results[i];
        const account = d.accounts.byId(row.accountId);
        if (result?.outcome === 'applied' && account) {
          d.db
            .prepare('UPDATE accounts SET server_version = max(server_version, ?) WHERE id = ?')
            .run(result.version, row.accountId);
        }
        d.audit.append({
          action: 'sync.account_change',
          target: account ? { id: account.id, name: account.username } : null,
          outcome:
            result?.outcome === 'applied'
              ? 'success'
              : result?.outcome === 'superseded'
                ? 'failure'
                : 'denied',
          details: {
            kind: row.kind,
            result: result?.outcome ?? 'missing',
            changedAt: row.changedAt,
          },
        });
      }
      repo.removeFromOutbox(rows.map((r) => r.id));
    })();
  }
}
