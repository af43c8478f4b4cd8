import { createHash } from 'node:crypto';
import type {
  AuthorizedChangeFields,
  ChangeAuthorization,
  Credential,
} from '../../../common/identity/credential';
import {
  MAX_ACCOUNT_CHANGES,
  syncedAccountSchema,
  type AccountChange,
} from '../../../common/sync/protocol';
import { recordedAccountFields } from '../../../common/sync/signed-records';
import type { AccountRepository, AccountRow } from '../accounts/account-repository';
import type { AuditLog } from '../audit/audit-log';
import type { Db } from '../db/database';
import { NO_PASSWORD } from '../integrity/store-integrity.service';
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
  /** The new password's credential key (null: none could be made). */
  credential: Credential | null,
  /**
   * Signs the change as its maker (CredentialsService.authorize); undefined only for an account
   * whose password predates credential keys (the server then takes it unverified, once).
   */
  authorize: (storeId: string, change: AuthorizedChangeFields) => ChangeAuthorization | undefined,
): void {
  if (account.serverVersion === 0) return;
  // Connected: waits for the server. Standalone with a store key: an owner's change is held
  // until an admin or manager signs the account's next record (StandaloneAuthority.write).
  const state = db.prepare('SELECT store_id FROM sync_state WHERE id = 1').get() as
    { store_id: string } | undefined;
  const standalone = state
    ? undefined
    : (db
        .prepare(
          'SELECT d.device_id AS store_id FROM device d JOIN store_anchor a ON a.id = 1 WHERE d.id = 1',
        )
        .get() as { store_id: string } | undefined);
  if (!state && !(standalone && kind === 'password_changed')) return;
  const storeId = (state ?? standalone)!.store_id;
  const fields: AuthorizedChangeFields = {
    accountId: account.id,
    kind,
    passwordHash: patch.passwordHash,
    credential,
    changedAt: patch.passwordChangedAt,
    mustChangePassword: patch.mustChangePassword,
    temporaryUntil: kind === 'password_reset' ? (patch.tempPasswordExpiresAt ?? null) : null,
  };
  const authorization = authorize(storeId, fields);
  new SyncStateRepository(db).enqueue({
    accountId: account.id,
    kind,
    passwordHash: patch.passwordHash,
    changedAt: patch.passwordChangedAt,
    mustChangePassword: patch.mustChangePassword,
    baseVersion: account.serverVersion,
    ...(kind === 'password_reset' ? { temporaryUntil: fields.temporaryUntil } : {}),
    credential,
    ...(authorization ? { authorization } : {}),
  });
}

/**
 * Step 2 of a sync run: sends the queued changes in batches, and records per change what the
 * server made of it, in one transaction per batch: an applied change stays in the outbox
 * (marked with the server's version) until the signed record that carries it arrives, since it
 * backs the password set here (integrity); a change the server did not take leaves the outbox,
 * and the password goes back to the signed record's. Each answer is audited. Returns whether the
 * server applied any change (its records are then newer than this PC's).
 */
export async function pushAccountChanges(
  d: { db: Db; accounts: AccountRepository; audit: AuditLog },
  repo: SyncStateRepository,
  http: SyncHttp,
): Promise<boolean> {
  let applied = false;
  for (;;) {
    const rows = repo.outbox(MAX_ACCOUNT_CHANGES);
    if (rows.length === 0) return applied;
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
          repo.markApplied(row.id, result.version);
          applied = true;
        } else {
          repo.removeFromOutbox([row.id]);
        }
        auditAccountChange(d.audit, account, row.kind, result?.outcome, row.changedAt);
      }
      for (const id of new Set(rows.map((r) => r.accountId))) {
        if (!repo.hasOutbox(id)) revertToRecord(d.accounts, id);
      }
    })();
  }
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

/** The server's answer to one change, in the chain (`sync.account_change`). */
export function auditAccountChange(
  audit: AuditLog,
  account: Pick<AccountRow, 'id' | 'username'> | null,
  kind: AccountChange['kind'],
  outcome: 'applied' | 'superseded' | 'refused' | undefined,
  changedAt: number,
): void {
  audit.append({
    action: 'sync.account_change',
    target: account ? { id: account.id, name: account.username } : null,
    outcome: outcome === 'applied' ? 'success' : outcome === 'superseded' ? 'failure' : 'denied',
    details: { kind, result: outcome ?? 'missing', changedAt },
  });
}
