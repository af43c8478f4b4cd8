import { changeAuthorizationSchema, credentialSchema } from '../../../common/identity/credential';
import type { PasswordChange } from '../../../common/sync/protocol';
import type { HeldAccount, SyncReceipt } from '../../../common/sync/signed-records';
import type { Db } from '../db/database';

export interface SyncState {
  serverUrl: string;
  storeId: string;
  serverPublicKey: string;
  cursor: number;
  policyVersion: number;
  acknowledgedSeq: number;
  fullSyncPending: boolean;
  connectedAt: number;
  lastAttemptAt: number | null;
  lastSuccessAt: number | null;
  lastError: { code: string; message: string } | null;
}

interface Row {
  server_url: string;
  store_id: string;
  server_public_key: string;
  cursor: number;
  policy_version: number;
  acknowledged_seq: number;
  full_sync_pending: number;
  connected_at: number;
  last_attempt_at: number | null;
  last_success_at: number | null;
  last_error_code: string | null;
  last_error_message: string | null;
}

export interface OutboxRow extends PasswordChange {
  id: number;
}

interface OutboxDbRow {
  id: number;
  account_id: string;
  kind: PasswordChange['kind'];
  password_hash: string;
  changed_at: number;
  must_change_password: number;
  base_version: number;
  temporary_until: number | null;
  credential: string | null;
  authorization: string | null;
}

/** A stored change as the protocol sends it (fields a row does not have are left out). */
function outboxRow(r: OutboxDbRow): OutboxRow {
  const credential =
    r.credential === null ? null : credentialSchema.safeParse(JSON.parse(r.credential));
  const authorization =
    r.authorization === null
      ? null
      : changeAuthorizationSchema.safeParse(JSON.parse(r.authorization));
  return {
    id: r.id,
    accountId: r.account_id,
    kind: r.kind,
    passwordHash: r.password_hash,
    changedAt: r.changed_at,
    mustChangePassword: r.must_change_password === 1,
    baseVersion: r.base_version,
    ...(r.kind === 'password_reset' ? { temporaryUntil: r.temporary_until } : {}),
    ...(credential?.success ? { credential: credential.data } : {}),
    ...(authorization?.success ? { authorization: authorization.data } : {}),
  };
}

/** The error a sync records when the server refused this PC's credential. */
export const DEVICE_REVOKED = 'device_revoked';

/**
 * Plain data access for the sync bookkeeping (migration 002); rules live in the services.
 *
 * One rule lives here because every writer must keep it: `device_revoked` is sticky. Once a
 * sync learned that an administrator revoked this PC, no later error (the server unreachable,
 * say) and no later success replaces it; only a reconnect (`connect`) clears it. Sign-in reads
 * it (`revoked`) to stop signing people in, also after a restart.
 */
export class SyncStateRepository {
  constructor(private readonly db: Db) {}

  /** Whether a sync learned that this PC was revoked (and it has not been connected since). */
  revoked(): boolean {
    const row = this.db
      .prepare('SELECT last_error_code AS code FROM sync_state WHERE id = 1')
      .get() as { code: string | null } | undefined;
    return row?.code === DEVICE_REVOKED;
  }

  get(): SyncState | null {
    const row = this.db.prepare('SELECT * FROM sync_state WHERE id = 1').get() as Row | undefined;
    if (!row) return null;
    return {
      serverUrl: row.server_url,
      storeId: row.store_id,
      serverPublicKey: row.server_public_key,
      cursor: row.cursor,
      policyVersion: row.policy_version,
      acknowledgedSeq: row.acknowledged_seq,
      fullSyncPending: row.full_sync_pending === 1,
      connectedAt: row.connected_at,
      lastAttemptAt: row.last_attempt_at,
      lastSuccessAt: row.last_success_at,
      lastError:
        row.last_error_code === null
          ? null
          : { code: row.last_error_code, message: row.last_error_message ?? '' },
    };
  }

  /** A (re)connection starts from scratch: full sync, nothing acknowledged yet. */
  connect(serverUrl: string, storeId: string, serverPublicKey: string, now: number): void {
    this.db
      .prepare(
        `INSERT INTO sync_state (id, server_url, store_id, server_public_key, connected_at)
         VALUES (1, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET server_url = excluded.server_url, store_id = excluded.store_id,
           server_public_key = excluded.server_public_key, cursor = 0, policy_version = 0,
           acknowledged_seq = 0, full_sync_pending = 1, connected_at = excluded.connected_at,
           last_error_code = NULL, last_error_message = NULL, receipt = NULL`,
      )
      .run(serverUrl, storeId, serverPublicKey, now);
    this.db.prepare('DELETE FROM full_sync_seen').run();
    this.db.prepare('DELETE FROM receipt_accounts').run();
  }

  setCursor(cursor: number, fullSyncPending: boolean): void {
    this.db
      .prepare('UPDATE sync_state SET cursor = ?, full_sync_pending = ? WHERE id = 1')
      .run(cursor, fullSyncPending ? 1 : 0);
  }

  setPolicyVersion(version: number): void {
    this.db.prepare('UPDATE sync_state SET policy_version = ? WHERE id = 1').run(version);
  }

  /** Never moves down: a late answer to an old batch cannot un-acknowledge entries. */
  acknowledge(seq: number): void {
    this.db
      .prepare('UPDATE sync_state SET acknowledged_seq = max(acknowledged_seq, ?) WHERE id = 1')
      .run(seq);
  }

  /** After a `sequence_gap`, the server's expectation is the truth (it holds seq − 1). */
  resetAcknowledged(seq: number): void {
    this.db.prepare('UPDATE sync_state SET acknowledged_seq = ? WHERE id = 1').run(seq);
  }

  recordAttempt(now: number): void {
    this.db.prepare('UPDATE sync_state SET last_attempt_at = ? WHERE id = 1').run(now);
  }

  /** Clears the last error, except a revocation (sticky: see the class comment). */
  recordSuccess(now: number): void {
    this.db
      .prepare(
        `UPDATE sync_state SET last_success_at = @now,
           last_error_code = CASE WHEN last_error_code = @revoked THEN last_error_code END,
           last_error_message = CASE WHEN last_error_code = @revoked THEN last_error_message END
         WHERE id = 1`,
      )
      .run({ now, revoked: DEVICE_REVOKED });
  }

  /** Records the error of a run; never replaces a revocation (sticky: see the class comment). */
  recordError(code: string, message: string): void {
    this.db
      .prepare(
        `UPDATE sync_state SET last_error_code = @code, last_error_message = @message
         WHERE id = 1 AND last_error_code IS NOT @revoked`,
      )
      .run({ code, message, revoked: DEVICE_REVOKED });
  }

  /** The last receipt and the accounts it names (their digest is what the receipt signs). */
  storeReceipt(receipt: SyncReceipt, accounts: readonly HeldAccount[]): void {
    this.db.prepare('UPDATE sync_state SET receipt = ? WHERE id = 1').run(JSON.stringify(receipt));
    this.db.prepare('DELETE FROM receipt_accounts').run();
    const insert = this.db.prepare(
      'INSERT INTO receipt_accounts (account_id, version, status) VALUES (?, ?, ?)',
    );
    for (const a of accounts) insert.run(a.id, a.version, a.status);
  }

  markSeen(accountIds: readonly string[]): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO full_sync_seen (account_id) VALUES (?)');
    for (const id of accountIds) insert.run(id);
  }

  /** Synced accounts a completed full sync did not bring back (and clears the seen set). */
  takeUnseenSyncedAccounts(): string[] {
    const rows = this.db
      .prepare(
        'SELECT id FROM accounts WHERE id NOT IN (SELECT account_id FROM full_sync_seen) ORDER BY id',
      )
      .all() as { id: string }[];
    this.db.prepare('DELETE FROM full_sync_seen').run();
    return rows.map((r) => r.id);
  }

  // --- account outbox -------------------------------------------------------------------

  enqueue(change: PasswordChange): void {
    this.db
      .prepare(
        `INSERT INTO account_outbox (account_id, kind, password_hash, changed_at, must_change_password,
           base_version, temporary_until, credential, authorization)
         VALUES (@accountId, @kind, @passwordHash, @changedAt, @must, @baseVersion, @temporaryUntil,
           @credential, @authorization)`,
      )
      .run({
        accountId: change.accountId,
        kind: change.kind,
        passwordHash: change.passwordHash,
        changedAt: change.changedAt,
        baseVersion: change.baseVersion,
        must: change.mustChangePassword ? 1 : 0,
        temporaryUntil: change.temporaryUntil ?? null,
        credential: change.credential ? JSON.stringify(change.credential) : null,
        authorization: change.authorization ? JSON.stringify(change.authorization) : null,
      });
  }

  /** Every change of an account still held (waiting, or applied and waiting for its record). */
  changesOf(accountId: string): OutboxRow[] {
    const rows = this.db
      .prepare('SELECT * FROM account_outbox WHERE account_id = ? ORDER BY id')
      .all(accountId) as OutboxDbRow[];
    return rows.map(outboxRow);
  }

  outbox(limit: number): OutboxRow[] {
    const rows = this.db
      .prepare('SELECT * FROM account_outbox WHERE applied_version IS NULL ORDER BY id LIMIT ?')
      .all(limit) as OutboxDbRow[];
    return rows.map(outboxRow);
  }

  outboxCount(): number {
    return (
      this.db
        .prepare('SELECT count(*) AS n FROM account_outbox WHERE applied_version IS NULL')
        .get() as { n: number }
    ).n;
  }

  /** The newest change of an account still waiting for the server, if any. */
  pendingChange(accountId: string): { changedAt: number } | null {
    const row = this.db
      .prepare('SELECT max(changed_at) AS at FROM account_outbox WHERE account_id = ?')
      .get(accountId) as { at: number | null };
    return row.at === null ? null : { changedAt: row.at };
  }

  /**
   * The server applied the change at `version`: the row stays, backing the password set here,
   * until a signed record that new arrives (`settleOutbox`).
   */
  markApplied(id: number, version: number): void {
    this.db.prepare('UPDATE account_outbox SET applied_version = ? WHERE id = ?').run(version, id);
  }

  /** A signed record at `version` arrived: applied changes it includes need no backing now. */
  settleOutbox(accountId: string, version: number): void {
    this.db
      .prepare(
        'DELETE FROM account_outbox WHERE account_id = ? AND applied_version IS NOT NULL AND applied_version <= ?',
      )
      .run(accountId, version);
  }

  hasOutbox(accountId: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM account_outbox WHERE account_id = ?').get(accountId);
  }

  removeFromOutbox(ids: readonly number[]): void {
    const del = this.db.prepare('DELETE FROM account_outbox WHERE id = ?');
    for (const id of ids) del.run(id);
  }

  dropOutboxFor(accountId: string): void {
    this.db.prepare('DELETE FROM account_outbox WHERE account_id = ?').run(accountId);
  }
}
