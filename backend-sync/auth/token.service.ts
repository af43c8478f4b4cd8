import { randomUUID } from 'node:crypto';
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { ServerClock } from '../clock';
import type { Config } from '../config';
import { statement } from '../db/compiled';
import type { Dialect } from '../db/dialect';
import type { StatementRunner } from '../db/statement-runner';
import type { DB, UsersTable } from '../db/schema';
import { unauthorized } from '../errors';
import type { ServerAudit } from '../services/server-audit';
import type { AccessTokens } from './access-tokens';
import { isWellFormedRefreshToken, newRefreshToken, sha256Hex } from './secret-tokens';

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export interface ClientMeta {
  ip: string;
  userAgent?: string;
}

export type RevokeReason =
  | 'sign_out'
  | 'sign_out_everywhere'
  | 'password_change'
  | 'refresh_reuse'
  | 'refresh_race'
  | 'account_not_active'
  | 'account_disabled'
  | 'two_factor_reset';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A family's secrets before they are stored: see `TokenService.prepareFamily`. */
export interface PreparedFamily {
  userId: string;
  familyId: string;
  createdAt: number;
  expiresAt: number;
  userAgent: string | null;
  refreshHash: string;
  /** What the client gets once the family is stored. */
  tokens: SessionTokens;
}

interface RefreshRow {
  used_at: number | null;
  familyId: string;
  expires_at: number;
  revoked_at: number | null;
  userId: string;
  role: UsersTable['role'];
  status: UsersTable['status'];
}

interface LiveSessionRow {
  user_id: string;
  expires_at: number;
  revoked_at: number | null;
  role: UsersTable['role'];
  status: UsersTable['status'];
}
const USER_AGENT_MAX = 200;

// The rotation's statements, hand-compiled (and named prepared statements on PostgreSQL).
const tokenByHash = statement(`select t.used_at, f.id as "familyId", f.expires_at, f.revoked_at,
    u.id as "userId", u.role, u.status
  from refresh_tokens t
  join refresh_families f on f.id = t.family_id
  join users u on u.id = f.user_id
  where t.token_hash = ?`);
const touchFamily = statement(`update refresh_families set last_used_at = ?
  where id = ? and revoked_at is null and expires_at > ?`);
const useToken = statement(
  'update refresh_tokens set used_at = ? where token_hash = ? and used_at is null',
);
const insertFamily = statement(`insert into refresh_families
    (id, user_id, created_at, expires_at, last_used_at, revoked_at, revoked_reason, user_agent)
  values (?, ?, ?, ?, ?, null, null, ?)`);
const insertToken = statement(
  'insert into refresh_tokens (token_hash, family_id, created_at, used_at) values (?, ?, ?, null)',
);

/**
 * Refresh-token families (one per sign-in) and the access tokens issued from them.
 *
 * - A refresh token is 256 random bits, stored as its SHA-256, rotated on every use: the old one
 *   is marked used, a new one joins the same family.
 * - The family has an absolute lifetime (REFRESH_TOKEN_TTL_DAYS from sign-in); rotation never
 *   extends it, and access tokens never outlive it.
 * - Presenting a used token again means two parties hold the family (theft, or a copy): the
 *   whole family is revoked, the newest token included (OAuth 2.0 Security BCP §4.14).
 * - Two refreshes racing with the same token: `UPDATE … WHERE used_at IS NULL` decides, exactly
 *   one wins. The loser cannot be told apart from an attacker replaying a stolen token, so the
 *   family is revoked as for reuse; the winner must sign in again too. Legitimate clients
 *   refresh single-flight, so this only costs a sign-in in the rare buggy client.
 * - Revocation is a single flag on the family, checked on every request (indexed lookup), so
 *   sign-out, password change, disable and a 2FA reset take effect immediately, not at
 *   access-token expiry.
 */
export class TokenService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: ServerClock,
    private readonly access: AccessTokens,
    private readonly audit: ServerAudit,
    private readonly config: Pick<Config, 'REFRESH_TOKEN_TTL_DAYS'>,
    /** Sessions use hand-compiled statements (db/compiled.ts) for this dialect… */
    private readonly dialect: Dialect,
    /** …and the rotation runs them through this (db/statement-runner.ts). */
    private readonly statements: StatementRunner,
  ) {}

  /**
   * The secrets and signed access token of a new family, computed without the database. Sign-in
   * calls this while the password hash runs on the thread pool (the main thread is idle then),
   * so only the inserts remain after the hash; nothing here is valid until `storeFamily` commits.
   */
  prepareFamily(
    user: { id: string; role: UsersTable['role'] },
    meta: ClientMeta,
    now: number,
  ): PreparedFamily {
    const familyId = randomUUID();
    const expiresAt = now + this.config.REFRESH_TOKEN_TTL_DAYS * DAY_MS;
    const refreshToken = newRefreshToken();
    const access = this.access.issue(
      { userId: user.id, familyId, role: user.role },
      now,
      expiresAt,
    );
    return {
      userId: user.id,
      familyId,
      createdAt: now,
      expiresAt,
      userAgent: meta.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
      refreshHash: sha256Hex(refreshToken),
      tokens: { accessToken: access.token, refreshToken, expiresIn: access.expiresIn },
    };
  }

  /** `storeFamily` as compiled statements, for a caller that runs its own transaction. */
  storeFamilyQueries(family: PreparedFamily, dialect: Dialect): CompiledQuery[] {
    const f = family;
    return [
      insertFamily(dialect, [
        f.familyId,
        f.userId,
        f.createdAt,
        f.expiresAt,
        f.createdAt,
        f.userAgent,
      ]),
      insertToken(dialect, [f.refreshHash, f.familyId, f.createdAt]),
    ];
  }

  /** Stores a prepared family and its first refresh token. Call inside the sign-in transaction. */
  async storeFamily(family: PreparedFamily, executor: Kysely<DB>): Promise<void> {
    // Hot paths (sign-in, refresh, every authenticated request) skip Kysely's builder: it costs
    // more per statement than SQLite takes to run it (see docs/PERFORMANCE.md).
    for (const query of this.storeFamilyQueries(family, this.dialect)) {
      await executor.executeQuery(query);
    }
  }

  /** A new family for a user who has just proven who they are. Call inside that transaction. */
  async startFamily(
    user: { id: string; role: UsersTable['role'] },
    meta: ClientMeta,
    executor: Kysely<DB>,
  ): Promise<SessionTokens> {
    const family = this.prepareFamily(user, meta, this.clock.nowMs());
    await this.storeFamily(family, executor);
    return family.tokens;
  }

  /** Rotates a refresh token. Every failure is the same 401; the audit log has the reason. */
  async refresh(raw: string, meta: ClientMeta): Promise<SessionTokens> {
    const now = this.clock.nowMs();
    if (!isWellFormedRefreshToken(raw)) throw unauthorized();
    const tokenHash = sha256Hex(raw);
    const [row] = await this.statements.read<RefreshRow>(tokenByHash(this.dialect, [tokenHash]));
    const fail = async (reason: string, revoke?: RevokeReason): Promise<never> => {
      await this.db.transaction().execute(async (trx) => {
        if (revoke && row) await this.revokeFamily(row.familyId, revoke, trx);
        await this.audit.write(
          {
            action: 'auth.refresh',
            outcome: 'denied',
            actorId: row?.userId ?? null,
            targetId: row?.userId ?? null,
            details: { reason, familyId: row?.familyId, familyRevoked: !!revoke, ip: meta.ip },
          },
          trx,
        );
      });
      throw unauthorized();
    };
    if (!row) return fail('unknown_token');
    if (row.revoked_at !== null) return fail('family_revoked');
    if (now >= row.expires_at) return fail('family_expired');
    if (row.used_at !== null) return fail('reuse', 'refresh_reuse');
    if (row.status !== 'active') return fail('account_not_active', 'account_not_active');

    const outcome = await this.rotate(row.familyId, tokenHash, now);
    if (outcome === 'family_revoked') return fail('family_revoked');
    if (outcome === 'race') return fail('concurrent_reuse', 'refresh_race');
    const access = this.access.issue(
      { userId: row.userId, familyId: row.familyId, role: row.role },
      now,
      row.expires_at,
    );
    return { accessToken: access.token, refreshToken: outcome, expiresIn: access.expiresIn };
  }

  /**
   * The rotation's writes, in one transaction: the family is still live (its row is locked on
   * PostgreSQL), this token is marked used — the decision: only one rotation can — and the new
   * token is stored. Resolves to the new token, or to why there is none (nothing written). A
   * routine rotation is not audited (it would be one row per session every few minutes): the
   * family's last_used_at records it, and every refusal is audited.
   */
  private async rotate(
    familyId: string,
    tokenHash: string,
    now: number,
  ): Promise<string | 'family_revoked' | 'race'> {
    const token = newRefreshToken();
    const failed = await this.statements.guardedWrites(
      [touchFamily(this.dialect, [now, familyId, now]), useToken(this.dialect, [now, tokenHash])],
      [insertToken(this.dialect, [sha256Hex(token), familyId, now])],
    );
    return failed === -1 ? token : failed === 0 ? 'family_revoked' : 'race';
  }

  async revokeFamily(
    familyId: string,
    reason: RevokeReason,
    executor: Kysely<DB> = this.db,
  ): Promise<boolean> {
    const r = await executor
      .updateTable('refresh_families')
      .set({ revoked_at: this.clock.nowMs(), revoked_reason: reason })
      .where('id', '=', familyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * Revokes every live family of a user (sign out everywhere, password change, disable),
   * optionally sparing the caller's own. Returns how many were revoked.
   */
  async revokeAllFor(
    userId: string,
    reason: RevokeReason,
    options: { except?: string; executor?: Kysely<DB> } = {},
  ): Promise<number> {
    const { executor = this.db, except } = options;
    return revokeFamiliesOf(executor, userId, reason, this.clock.nowMs(), except);
  }

  /**
   * The live state behind an access token: its family exists, belongs to `userId`, is neither
   * revoked nor expired, and the account is active. Returns the account's current role (a role
   * change applies at once, whatever the token says), or null.
   */
  async liveSession(
    familyId: string,
    userId: string,
  ): Promise<{ role: UsersTable['role'] } | null> {
    const [row] = (
      await sql<LiveSessionRow>`select f.user_id, f.expires_at, f.revoked_at, u.role, u.status
        from refresh_families f join users u on u.id = f.user_id
        where f.id = ${familyId}`.execute(this.db)
    ).rows;
    if (!row || row.user_id !== userId || row.revoked_at !== null) return null;
    if (this.clock.nowMs() >= row.expires_at || row.status !== 'active') return null;
    return { role: row.role };
  }
}

/**
 * Revokes every live family of a user, but `except` (the caller's own), in the caller's
 * transaction: the one place sessions of an account end together (`TokenService.revokeAllFor`,
 * and the operator's 2FA reset in admin-setup-codes.ts, which runs without the services).
 * Returns how many were revoked.
 */
export async function revokeFamiliesOf(
  executor: Kysely<DB>,
  userId: string,
  reason: RevokeReason,
  now: number,
  except?: string,
): Promise<number> {
  let q = executor
    .updateTable('refresh_families')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (except) q = q.where('id', '!=', except);
  return Number((await q.executeTakeFirst()).numUpdatedRows);
}
