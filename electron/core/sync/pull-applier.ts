import { normalizeUsername } from '../../../common/identity/username';
import type { PullResponse, SignedPolicy, SyncedAccount } from '../../../common/sync/protocol';
import type { AccountPatch, AccountRepository, AccountRow } from '../accounts/account-repository';
import type { AuditLog } from '../audit/audit-log';
import type { SessionService } from '../auth/session.service';
import type { Db } from '../db/database';
import type { DeviceService } from '../device/device.service';
import { applyServerPolicy, type PolicyService } from '../policy/policy.service';
import type { SyncStateRepository } from './sync-state';

/** A password no input can match (an account the server sent without one). */
export const NO_PASSWORD = '!';

type EndReason = 'account_disabled' | 'account_removed' | 'role_changed' | 'password_changed';

export interface PageDeps {
  db: Db;
  accounts: AccountRepository;
  state: SyncStateRepository;
  sessions: SessionService;
  policies: PolicyService;
  device: DeviceService;
  audit: AuditLog;
  now: () => number;
}

export interface PageResult {
  accounts: number;
  disabled: number;
  removed: number;
  policyVersion: number | null;
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

    for (const id of page.revocations.disabledAccountIds) {
      const account = d.accounts.byId(id);
      if (!account || account.status === 'disabled') continue;
      d.accounts.update(id, { status: 'disabled', updatedAt: now });
      d.state.dropOutboxFor(id);
      d.audit.append({
        action: 'account.disable',
        target: ref(account),
        outcome: 'success',
        details: { source: 'sync', before: account.status, after: 'disabled' },
      });
      ending.push([id, 'account_disabled']);
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
    if (fullSync) d.state.markSeen(page.accounts.map((a) => a.id));

    if (policy) {
      applyServerPolicy(d.db, d.audit, d.policies, policy.document, now);
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
    if (result.accounts || result.disabled || result.removed || result.policyVersion) {
      d.audit.append({ action: 'sync.pull', outcome: 'success', details: { ...result } });
    }
  })();
  for (const [id, reason] of ending) d.sessions.endAllFor(id, reason);
  return result;
}

/** Returns the sessions to end, or 'skipped' when this PC already holds this version or newer. */
function upsertAccount(
  d: PageDeps,
  a: SyncedAccount,
  now: number,
): [string, EndReason][] | 'skipped' {
  const existing = d.accounts.byId(a.id);
  if (existing && existing.serverVersion >= a.version) return 'skipped';
  const ending: [string, EndReason][] = [];
  const username = normalizeUsername(a.username);
  // The server decides who holds a username: a different local account with it goes.
  const clash = d.accounts.byUsername(username);
  if (clash && clash.id !== a.id && removeAccount(d, clash.id, 'username_taken_by_server'))
    ending.push([clash.id, 'account_removed']);

  const serverHash = a.passwordHash ?? NO_PASSWORD;
  const serverChangedAt = a.passwordChangedAt ?? 0;
  if (!existing) {
    const row = newRow(a, username, serverHash, serverChangedAt, now);
    d.accounts.insert(row);
    // insert() writes what a new local account has; a synced one may arrive with its TOTP.
    if (row.totpSecret)
      d.accounts.update(a.id, { totpSecret: row.totpSecret, totpEnabledAt: row.totpEnabledAt });
    setSyncColumns(d.db, a.id, a.version, a.totpSecret ? 'server' : 'local');
    return ending;
  }

  const patch: AccountPatch = {
    displayName: a.displayName,
    email: a.email,
    role: a.role,
    status: a.status,
    updatedAt: now,
  };
  // A password changed here and not yet accepted by the server stays, unless the server's is
  // newer (then ours would be superseded anyway: drop it).
  const pending = d.state.pendingChange(a.id);
  const keepLocalPassword = pending !== null && pending.changedAt > serverChangedAt;
  if (!keepLocalPassword) {
    if (pending) d.state.dropOutboxFor(a.id);
    if (serverHash !== existing.passwordHash) {
      Object.assign(patch, {
        passwordHash: serverHash,
        passwordChangedAt: serverChangedAt,
        mustChangePassword: a.mustChangePassword,
        tempPasswordExpiresAt: a.temporaryPasswordExpiresAt ?? null,
      });
      d.accounts.addPasswordHistory(a.id, existing.passwordHash, now);
      ending.push([a.id, 'password_changed']);
    } else if (a.mustChangePassword !== existing.mustChangePassword) {
      patch.mustChangePassword = a.mustChangePassword;
    }
  }
  let origin = existing.totpOrigin;
  if (a.totpSecret !== null && a.totpSecret !== existing.totpSecret) {
    Object.assign(patch, { totpSecret: a.totpSecret, totpEnabledAt: now, totpLastStep: 0 });
    origin = 'server';
  } else if (a.totpSecret === null && existing.totpOrigin === 'server' && existing.totpSecret) {
    // An admin reset this person's 2FA on the server: the lost phone stops working here too.
    Object.assign(patch, { totpSecret: null, totpEnabledAt: null, totpLastStep: 0 });
    origin = 'local';
  }
  if (a.role !== existing.role) ending.push([a.id, 'role_changed']);
  if (a.status === 'disabled' && existing.status !== 'disabled')
    ending.push([a.id, 'account_disabled']);
  d.accounts.update(a.id, patch);
  setSyncColumns(d.db, a.id, a.version, origin);
  return ending;
}

function newRow(
  a: SyncedAccount,
  username: string,
  passwordHash: string,
  passwordChangedAt: number,
  now: number,
): AccountRow {
  return {
    id: a.id,
    username,
    displayName: a.displayName,
    email: a.email,
    role: a.role,
    status: a.status,
    passwordHash,
    passwordChangedAt,
    mustChangePassword: a.mustChangePassword,
    tempPasswordExpiresAt: a.temporaryPasswordExpiresAt ?? null,
    totpSecret: a.totpSecret,
    totpEnabledAt: a.totpSecret ? now : null,
    totpLastStep: 0,
    totpPendingSecret: null,
    totpPendingAt: null,
    createdAt: now,
    updatedAt: now,
    lastSignInAt: null,
    serverVersion: a.version,
    totpOrigin: a.totpSecret ? 'server' : 'local',
  };
}

function setSyncColumns(db: Db, id: string, version: number, origin: 'local' | 'server'): void {
  db.prepare('UPDATE accounts SET server_version = ?, totp_origin = ? WHERE id = ?').run(
    version,
    origin,
    id,
  );
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
