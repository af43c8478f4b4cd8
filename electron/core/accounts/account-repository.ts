import type { Role } from '../../../common/policy/policy';
import type { Db } from '../db/database';

/** One staff account as stored. Secrets stay in core: never return this shape over IPC. */
export interface AccountRow {
  id: string;
  username: string;
  displayName: string;
  email: string;
  role: Role;
  status: 'active' | 'disabled';
  passwordHash: string;
  passwordChangedAt: number;
  mustChangePassword: boolean;
  tempPasswordExpiresAt: number | null;
  totpSecret: string | null;
  totpEnabledAt: number | null;
  totpLastStep: number;
  totpPendingSecret: string | null;
  totpPendingAt: number | null;
  createdAt: number;
  updatedAt: number;
  lastSignInAt: number | null;
  /** Highest server change applied; 0 = created on this PC. Written only by the sync engine. */
  serverVersion: number;
  /** Where the TOTP secret came from (the server's is cleared when the server clears it). */
  totpOrigin: 'local' | 'server';
  /**
   * The record the sync server signed for this account (JSON), or null for one made on a
   * standalone PC. Written only by the sync engine; checked by integrity/store-integrity.
   */
  signedRecord: string | null;
}

interface DbRow {
  id: string;
  username: string;
  display_name: string;
  email: string;
  role: Role;
  status: 'active' | 'disabled';
  password_hash: string;
  password_changed_at: number;
  must_change_password: number;
  temp_password_expires_at: number | null;
  totp_secret: string | null;
  totp_enabled_at: number | null;
  totp_last_step: number;
  totp_pending_secret: string | null;
  totp_pending_at: number | null;
  created_at: number;
  updated_at: number;
  last_sign_in_at: number | null;
  server_version: number;
  totp_origin: 'local' | 'server';
  signed_record: string | null;
}

function fromDb(row: DbRow): AccountRow {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    role: row.role,
    status: row.status,
    passwordHash: row.password_hash,
    passwordChangedAt: row.password_changed_at,
    mustChangePassword: row.must_change_password === 1,
    tempPasswordExpiresAt: row.temp_password_expires_at,
    totpSecret: row.totp_secret,
    totpEnabledAt: row.totp_enabled_at,
    totpLastStep: row.totp_last_step,
    totpPendingSecret: row.totp_pending_secret,
    totpPendingAt: row.totp_pending_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastSignInAt: row.last_sign_in_at,
    serverVersion: row.server_version,
    totpOrigin: row.totp_origin,
    signedRecord: row.signed_record,
  };
}

const COLUMNS: Record<string, string> = {
  displayName: 'display_name',
  email: 'email',
  role: 'role',
  status: 'status',
  passwordHash: 'password_hash',
  passwordChangedAt: 'password_changed_at',
  mustChangePassword: 'must_change_password',
  tempPasswordExpiresAt: 'temp_password_expires_at',
  totpSecret: 'totp_secret',
  totpEnabledAt: 'totp_enabled_at',
  totpLastStep: 'totp_last_step',
  totpPendingSecret: 'totp_pending_secret',
  totpPendingAt: 'totp_pending_at',
  updatedAt: 'updated_at',
  lastSignInAt: 'last_sign_in_at',
};

export type AccountPatch = Partial<
  Omit<
    AccountRow,
    'id' | 'username' | 'createdAt' | 'serverVersion' | 'totpOrigin' | 'signedRecord'
  >
>;

/** Plain data access for accounts; rules live in the services. */
export class AccountRepository {
  constructor(private readonly db: Db) {}

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number }).n;
  }

  byId(id: string): AccountRow | null {
    const row = this.db.prepare('SELECT * FROM accounts WHERE id = ?').get(id) as DbRow | undefined;
    return row ? fromDb(row) : null;
  }

  /** `username` must already be normalised. */
  byUsername(username: string): AccountRow | null {
    const row = this.db.prepare('SELECT * FROM accounts WHERE username = ?').get(username) as
      DbRow | undefined;
    return row ? fromDb(row) : null;
  }

  list(search = ''): AccountRow[] {
    const like = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = this.db
      .prepare(
        `SELECT * FROM accounts WHERE username LIKE @like ESCAPE '\\' OR display_name LIKE @like ESCAPE '\\'
         OR email LIKE @like ESCAPE '\\' ORDER BY display_name COLLATE NOCASE, username`,
      )
      .all({ like }) as DbRow[];
    return rows.map(fromDb);
  }

  insert(account: AccountRow): void {
    this.db
      .prepare(
        `INSERT INTO accounts (id, username, display_name, email, role, status, password_hash,
          password_changed_at, must_change_password, temp_password_expires_at, created_at, updated_at)
         VALUES (@id, @username, @displayName, @email, @role, @status, @passwordHash,
          @passwordChangedAt, @mustChangePassword, @tempPasswordExpiresAt, @createdAt, @updatedAt)`,
      )
      .run({ ...account, mustChangePassword: account.mustChangePassword ? 1 : 0 });
  }

  update(id: string, patch: AccountPatch): void {
    const sets: string[] = [];
    const params: Record<string, unknown> = { id };
    for (const [key, value] of Object.entries(patch)) {
      const column = COLUMNS[key];
      if (!column) throw new Error(`unknown account field ${key}`);
      sets.push(`${column} = @${key}`);
      params[key] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    }
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE accounts SET ${sets.join(', ')} WHERE id = @id`).run(params);
  }

  /**
   * Records `step` as used only if it is newer than the last used one. The row count is the
   * authorisation decision for a TOTP code: two concurrent uses of one code cannot both win.
   */
  claimTotpStep(id: string, step: number): boolean {
    return (
      this.db
        .prepare('UPDATE accounts SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?')
        .run(step, id, step).changes === 1
    );
  }

  passwordHistory(id: string, limit: number): string[] {
    if (limit <= 0) return [];
    const rows = this.db
      .prepare(
        'SELECT password_hash FROM password_history WHERE account_id = ? ORDER BY changed_at DESC, rowid DESC LIMIT ?',
      )
      .all(id, limit) as { password_hash: string }[];
    return rows.map((r) => r.password_hash);
  }

  addPasswordHistory(id: string, hash: string, at: number): void {
    this.db
      .prepare(
        'INSERT INTO password_history (account_id, password_hash, changed_at) VALUES (?, ?, ?)',
      )
      .run(id, hash, at);
    // Keep at most 24 (the policy maximum); older hashes are of no use and only a liability.
    this.db
      .prepare(
        `DELETE FROM password_history WHERE account_id = ? AND rowid NOT IN (
          SELECT rowid FROM password_history WHERE account_id = ? ORDER BY changed_at DESC, rowid DESC LIMIT 24)`,
      )
      .run(id, id);
  }
}
