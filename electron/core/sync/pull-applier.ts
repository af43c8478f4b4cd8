import type { PullResponse, SignedPolicy, SyncedAccount } from '../../../common/sync/protocol';
import {
  recordedAccountFields,
  type HeldAccount,
  type SyncReceipt,
} from '../../../common/sync/signed-records';
import type { AccountPatch, AccountRepository, AccountRow } from '../accounts/account-repository';
import type { AuditLog } from '../audit/audit-log';
import type { SessionService } from '../auth/session.service';
import type { Db } from '../db/database';
import type { DeviceService } from '../device/device.service';
import { signInsSince } from '../device/offline-bounds';
import { accountsDigest, checkReceipt } from '../integrity/signed-state';
import { NO_PASSWORD, type StoreIntegrity } from '../integrity/store-integrity.service';
import { applyServerPolicy, type PolicyService } from '../policy/policy.service';
import { SyncError } from './sync-errors';
import type { SyncStateRepository } from './sync-state';

type EndReason = 'account_disabled' | 'account_removed' | 'role_changed' | 'password_changed';

export interface PageDeps {
  db: Db;
  accounts: AccountRepository;
  state: SyncStateRepository;
  sessions: SessionService;
  policies: PolicyService;
  device: DeviceService;
  audit: AuditLog;
  integrity: StoreIntegrity;
  now: () => number;
}

export interface PageResult {
  accounts: number;
  disabled: number;
  removed: number;
  policyVersion: number | null;
  /**
   * The last page's receipt: 'stored', or 'differs' when the accounts this PC holds are not the
   * ones the server signed (the cursor then goes back to 0: the next pull brings them all).
   */
  receipt?: 'stored' | 'differs';
}

/**
 * Applies one pull page in ONE local transaction (docs/SYNC-PROTOCOL.md "What the PC does with
 * a page"): revocations first, then accounts (never going back in version), then the already
 * verified policy, then the cursor. A crash before the commit leaves the previous state and
 * cursor, so the page is simply pulled again. Sessions end after the commit (they are memory).
 */
export function applyPullPage(
  d: PageDeps,
  page: PullResponse,
  policy: SignedPolicy | null,
): PageResult {
  const ending: [string, EndReason][] = [];
  const result: PageResult = { accounts: 0, disabled: 0, removed: 0, policyVersion: null };
  d.db.transaction(() => {
    const state = d.state.get();
    if (!state) throw new Error('not connected');
    const now = d.now();
    // A pull from 0 while a full sync was already running (the server lost our cursor) starts
    // the "seen" set again; otherwise a full sync spans pages and even restarts of the app.
    if (page.fullSync && state.cursor !== 0) d.state.takeUnseenSyncedAccounts();
    const fullSync = state.fullSyncPending || page.fullSync;

    for (const tombstone of page.revocations.disabledAccounts) {
      const account = d.accounts.byId(tombstone.id);
      d.state.dropOutboxFor(tombstone.id);
      const ends = upsertAccount(d, tombstone, now);
      if (ends === 'skipped') continue;
      for (const e of ends) ending.push(e);
      if (account?.status !== 'active') continue;
      d.audit.append({
        action: 'account.disable',
        target: ref(account),
        outcome: 'success',
        details: { source: 'sync', before: account.status, after: 'disabled' },
      });
      result.disabled += 1;
    }
    for (const id of page.revocations.removedAccountIds) {
      if (removeAccount(d, id, 'removed_by_server')) {
        ending.push([id, 'account_removed']);
        result.removed += 1;
      }
    }

    for (const incoming of page.accounts) {
      const ends = upsertAccount(d, incoming, now);
      if (ends === 'skipped') continue;
      result.accounts += 1;
      for (const e of ends) ending.push(e);
    }
    if (fullSync) {
      d.state.markSeen(page.accounts.map((a) => a.id));
      d.state.markSeen(page.revocations.disabledAccounts.map((a) => a.id));
    }

    if (policy) {
      applyServerPolicy(d.db, d.audit, d.policies, policy, now);
      d.state.setPolicyVersion(policy.version);
      result.policyVersion = policy.version;
    }
    d.device.setStore(page.store.name, page.store.brand);

    let stillFull = fullSync;
    if (fullSync && !page.more) {
      // The whole store has arrived: whatever was not in it is no longer this store's.
      for (const id of d.state.takeUnseenSyncedAccounts()) {
        if (removeAccount(d, id, 'not_in_store')) {
          ending.push([id, 'account_removed']);
          result.removed += 1;
        }
      }
      stillFull = false;
    }
    d.state.setCursor(page.cursor, stillFull);
    if (page.receipt) result.receipt = storeReceipt(d, page.receipt, page.cursor);
    if (result.accounts || result.disabled || result.removed || result.policyVersion) {
      const { receipt: _receipt, ...counts } = result;
      d.audit.append({ action: 'sync.pull', outcome: 'success', details: counts });
    }
  })();
  for (const [id, reason] of ending) d.sessions.endAllFor(id, reason);
  return result;
}

/**
 * Applies one signed record (an active account or a disabled one's tombstone). Returns the
 * sessions to end, or 'skipped' when this PC already holds a genuine record this new or newer.
 * The row takes the record's fields, so it agrees with the record it now stores (integrity),
 * except for a password changed here that the server has not seen yet, and a TOTP secret
 * enrolled here for an account the server has none for.
 */
function upsertAccount(
  d: PageDeps,
  a: SyncedAccount,
  now: number,
): [string, EndReason][] | 'skipped' {
  const existing = d.accounts.byId(a.id);
  const held = existing ? d.integrity.heldVersion(existing) : null;
  if (held !== null && held >= a.version) return 'skipped';
  const ending: [string, EndReason][] = [];
  const fields = recordedAccountFields(a, NO_PASSWORD);
  // The server decides who holds a username: a different local account with it goes.
  const clash = d.accounts.byUsername(fields.username);
  if (clash && clash.id !== a.id && removeAccount(d, clash.id, 'username_taken_by_server'))
    ending.push([clash.id, 'account_removed']);

  if (!existing) {
    const row = newRow(a, fields, now);
    d.accounts.insert(row);
    // insert() writes what a new local account has; a synced one may arrive with its TOTP.
    if (row.totpSecret)
      d.accounts.update(a.id, { totpSecret: row.totpSecret, totpEnabledAt: row.totpEnabledAt });
    setSyncColumns(d, a, a.totpSecret ? 'server' : 'local');
    return ending;
  }

  const patch: AccountPatch = {
    displayName: fields.displayName,
    email: fields.email,
    role: fields.role,
    status: fields.status,
    updatedAt: now,
  };
  // A disabled account's tombstone carries no password or secret: the row keeps its own (it
  // signs nobody in; integrity ignores them while the record says disabled).
  if (a.status === 'disabled') {
    d.accounts.update(a.id, patch);
    setSyncColumns(d, a, existing.totpOrigin);
    if (existing.status !== 'disabled') ending.push([a.id, 'account_disabled']);
    return ending;
  }
  // A password changed here and not yet accepted by the server stays, unless the server's is
  // newer (then ours would be superseded anyway: drop it).
  // Changes the server applied at this version or before are in this record now.
  d.state.settleOutbox(a.id, a.version);
  const pending = d.state.pendingChange(a.id);
  const keepLocalPassword = pending !== null && pending.changedAt > fields.passwordChangedAt;
  if (!keepLocalPassword) {
    if (pending) d.state.dropOutboxFor(a.id);
    const changed = fields.passwordHash !== existing.passwordHash;
    Object.assign(patch, {
      passwordHash: fields.passwordHash,
      passwordChangedAt: fields.passwordChangedAt,
      mustChangePassword: fields.mustChangePassword,
      tempPasswordExpiresAt: fields.tempPasswordExpiresAt,
    });
    if (changed) {
      if (existing.passwordHash !== NO_PASSWORD)
        d.accounts.addPasswordHistory(a.id, existing.passwordHash, now);
      ending.push([a.id, 'password_changed']);
    }
  }
  let origin = existing.totpOrigin;
  if (a.totpSecret !== null) {
    // The server's secret (or the one enrolled here, now signed into the record): from now on
    // only an admin's reset on the server removes it.
    if (a.totpSecret !== existing.totpSecret)
      Object.assign(patch, { totpSecret: a.totpSecret, totpEnabledAt: now, totpLastStep: 0 });
    origin = 'server';
  } else if (a.totpSecret === null && existing.totpSecret && existing.totpOrigin === 'server') {
    // An admin reset this person's 2FA on the server: the lost phone stops working here too.
    Object.assign(patch, { totpSecret: null, totpEnabledAt: null, totpLastStep: 0 });
    origin = 'local';
  }
  if (a.role !== existing.role) ending.push([a.id, 'role_changed']);
  d.accounts.update(a.id, patch);
  setSyncColumns(d, a, origin);
  return ending;
}

function newRow(
  a: SyncedAccount,
  fields: ReturnType<typeof recordedAccountFields>,
  now: number,
): AccountRow {
  return {
    id: a.id,
    ...fields,
    totpEnabledAt: a.totpSecret ? now : null,
    totpLastStep: 0,
    totpPendingSecret: null,
    totpPendingAt: null,
    createdAt: now,
    updatedAt: now,
    lastSignInAt: null,
    serverVersion: a.version,
    totpOrigin: a.totpSecret ? 'server' : 'local',
    signedRecord: null,
  };
}

/** The record as signed, its version and where the TOTP secret came from. */
function setSyncColumns(d: PageDeps, a: SyncedAccount, origin: 'local' | 'server'): void {
  d.db
    .prepare(
      'UPDATE accounts SET server_version = ?, totp_origin = ?, signed_record = ? WHERE id = ?',
    )
    .run(a.version, origin, JSON.stringify(a), a.id);
  d.integrity.noteRecord(a.id, a.version);
}

/**
 * Keeps the last page's receipt, after checking that it is genuine, that it describes where
 * this page leaves the PC, and that the accounts the PC now holds are the ones it names. The
 * offline bounds restart from it (device mirror columns, compared by integrity).
 */
function storeReceipt(d: PageDeps, receipt: SyncReceipt, cursor: number): 'stored' | 'differs' {
  const anchor = d.integrity.anchor();
  const state = d.state.get()!;
  if (
    anchor?.kind !== 'server' ||
    !checkReceipt(anchor, receipt) ||
    receipt.cursor !== cursor ||
    receipt.policyVersion !== state.policyVersion
  ) {
    throw new SyncError(
      'bad_response',
      'The sync server sent a receipt this PC cannot trust.',
      false,
    );
  }
  const held: HeldAccount[] = [];
  for (const row of d.db.prepare('SELECT id, signed_record FROM accounts').all() as {
    id: string;
    signed_record: string | null;
  }[]) {
    const record = signedFields(row.signed_record);
    held.push({ id: row.id, version: record?.version ?? -1, status: record?.status ?? 'active' });
  }
  if (accountsDigest(held) !== receipt.accountsDigest) {
    d.state.setCursor(0, true);
    return 'differs';
  }
  d.state.storeReceipt(receipt, held);
  d.device.markReceipt(receipt.serverTime, signInsSince(d.db, receipt.auditHead));
  return 'stored';
}

/** Version and status of a stored record (its signature is checked wherever it is used). */
function signedFields(
  json: string | null,
): { version: number; status: HeldAccount['status'] } | null {
  if (json === null) return null;
  try {
    const parsed = JSON.parse(json) as { version?: unknown; status?: unknown };
    return typeof parsed.version === 'number' &&
      (parsed.status === 'active' || parsed.status === 'disabled')
      ? { version: parsed.version, status: parsed.status }
      : null;
  } catch {
    return null;
  }
}

function removeAccount(d: PageDeps, id: string, reason: string): boolean {
  const account = d.accounts.byId(id);
  if (!account) return false;
  d.state.dropOutboxFor(id);
  d.db.prepare('DELETE FROM accounts WHERE id = ?').run(id);
  d.audit.append({
    action: 'account.remove',
    target: ref(account),
    outcome: 'success',
    details: { source: 'sync', reason },
  });
  return true;
}

function ref(a: { id: string; username: string }) {
  return { id: a.id, name: a.username };
}
