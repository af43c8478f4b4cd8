import type { Principal } from '../auth/auth.plugin';
import type { ClientMeta } from '../auth/token.service';
import { notFound, unauthorized } from '../errors';
import { nextChangeSeq } from '../services/change-seq';
import { clientOf, storesOf, type PeopleDeps, type StoreRef } from './people-deps';
import { maskEmail } from './people-mail';
import { readPreferences, type Preferences } from './preferences';

export interface ProfileView {
  id: string;
  email: string;
  username: string;
  displayName: string;
  role: 'admin' | 'manager' | 'viewer';
  totpEnabled: boolean;
  stores: StoreRef[];
  preferences: Preferences;
  pendingEmail: string | null;
}

export interface SignInEntry {
  at: number;
  outcome: 'success' | 'failure' | 'denied';
  reason: string | null;
  ip: string | null;
  userAgent: string | null;
}

/**
 * The signed-in person's own account (routes/profile.routes.ts): name, notification
 * preferences, sign-in history, and sessions with revoke (the email change, re-verified at the
 * new address with a notice to the old one, is email-change.service.ts). Only ever the caller's
 * own rows.
 */
export class ProfileService {
  constructor(private readonly d: PeopleDeps) {}

  async get(userId: string): Promise<ProfileView> {
    const u = await this.d.db
      .selectFrom('users')
      .select(['id', 'email', 'username', 'display_name', 'role', 'totp_secret', 'preferences'])
      .where('id', '=', userId)
      .where('erased_at', 'is', null)
      .executeTakeFirst();
    if (!u) throw unauthorized();
    const stores = (await storesOf(this.d.db, [userId])).get(userId) ?? [];
    const pending = await this.d.db
      .selectFrom('one_time_tokens')
      .select('payload')
      .where('user_id', '=', userId)
      .where('purpose', '=', 'change_email')
      .where('used_at', 'is', null)
      .where('expires_at', '>', this.d.clock.nowMs())
      .executeTakeFirst();
    const newEmail = pending?.payload
      ? (JSON.parse(pending.payload) as { newEmail?: unknown }).newEmail
      : undefined;
    return {
      id: u.id,
      email: u.email,
      username: u.username,
      displayName: u.display_name,
      role: u.role,
      totpEnabled: u.totp_secret !== null,
      stores,
      preferences: readPreferences(u.preferences),
      pendingEmail: typeof newEmail === 'string' ? maskEmail(newEmail) : null,
    };
  }

  async updateName(principal: Principal, displayName: string, meta: ClientMeta): Promise<void> {
    await this.d.db.transaction().execute(async (trx) => {
      const u = await trx
        .selectFrom('users')
        .select('display_name')
        .where('id', '=', principal.userId)
        .executeTakeFirstOrThrow();
      if (u.display_name === displayName) return;
      await trx
        .updateTable('users')
        .set({
          display_name: displayName,
          updated_at: this.d.clock.nowMs(),
          change_seq: await nextChangeSeq(trx, 'users'),
        })
        .where('id', '=', principal.userId)
        .execute();
      await this.d.audit.write(
        {
          action: 'profile.update',
          outcome: 'success',
          actorId: principal.userId,
          targetId: principal.userId,
          details: {
            before: { displayName: u.display_name },
            after: { displayName },
            ...clientOf(meta),
          },
        },
        trx,
      );
    });
  }

  async preferences(userId: string): Promise<Preferences> {
    const u = await this.d.db
      .selectFrom('users')
      .select('preferences')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    return readPreferences(u.preferences);
  }

  async updatePreferences(
    principal: Principal,
    patch: {
      weeklyDigest?: boolean | undefined;
      quietHours?: Preferences['quietHours'] | undefined;
    },
    meta: ClientMeta,
  ): Promise<Preferences> {
    return this.d.db.transaction().execute(async (trx) => {
      const u = await trx
        .selectFrom('users')
        .select('preferences')
        .where('id', '=', principal.userId)
        .executeTakeFirstOrThrow();
      const before = readPreferences(u.preferences);
      const after: Preferences = {
        securityAlerts: true,
        weeklyDigest: patch.weeklyDigest ?? before.weeklyDigest,
        quietHours: patch.quietHours === undefined ? before.quietHours : patch.quietHours,
      };
      if (JSON.stringify(before) === JSON.stringify(after)) return after;
      await trx
        .updateTable('users')
        .set({
          preferences: JSON.stringify(after),
          updated_at: this.d.clock.nowMs(),
          change_seq: await nextChangeSeq(trx, 'users'),
        })
        .where('id', '=', principal.userId)
        .execute();
      await this.d.audit.write(
        {
          action: 'profile.preferences',
          outcome: 'success',
          actorId: principal.userId,
          targetId: principal.userId,
          details: { before, after, ...clientOf(meta) },
        },
        trx,
      );
      return after;
    });
  }

  /** The person's sign-in attempts on this server, newest first (from server_audit). */
  async signIns(
    userId: string,
    limit: number,
    before?: number,
  ): Promise<{ entries: SignInEntry[]; nextBefore: number | null }> {
    let q = this.d.db
      .selectFrom('server_audit')
      .select(['id', 'at', 'outcome', 'details'])
      .where('action', '=', 'auth.sign_in')
      .where('target_id', '=', userId);
    if (before !== undefined) q = q.where('id', '<', before);
    const rows = await q
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const entries = page.map((r) => {
      const d = safeJson(r.details);
      return {
        at: r.at,
        outcome: (['success', 'failure', 'denied'].includes(r.outcome)
          ? r.outcome
          : 'failure') as SignInEntry['outcome'],
        reason: typeof d.reason === 'string' ? d.reason : null,
        ip: typeof d.ip === 'string' ? d.ip : null,
        userAgent: typeof d.userAgent === 'string' ? d.userAgent : null,
      };
    });
    const last = page.at(-1);
    return { entries, nextBefore: rows.length > limit && last ? Number(last.id) : null };
  }

  /** Live sessions (refresh families), newest first; `current` marks the caller's own. */
  async sessions(principal: Principal): Promise<
    {
      id: string;
      createdAt: number;
      lastUsedAt: number;
      expiresAt: number;
      userAgent: string | null;
      current: boolean;
    }[]
  > {
    const rows = await this.d.db
      .selectFrom('refresh_families')
      .select(['id', 'created_at', 'last_used_at', 'expires_at', 'user_agent'])
      .where('user_id', '=', principal.userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', this.d.clock.nowMs())
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      expiresAt: r.expires_at,
      userAgent: r.user_agent,
      current: r.id === principal.familyId,
    }));
  }

  /** Signs one of the caller's sessions out (the current one too, if asked). 404 if not theirs. */
  async revokeSession(principal: Principal, familyId: string, meta: ClientMeta): Promise<void> {
    const own = await this.d.db
      .selectFrom('refresh_families')
      .select('id')
      .where('id', '=', familyId)
      .where('user_id', '=', principal.userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!own) throw notFound();
    await this.d.db.transaction().execute(async (trx) => {
      await this.d.tokens.revokeFamily(familyId, 'sign_out', trx);
      await this.d.audit.write(
        {
          action: 'session.revoke',
          outcome: 'success',
          actorId: principal.userId,
          targetId: principal.userId,
          details: {
            familyId,
            current: familyId === principal.familyId,
            ...clientOf(meta),
          },
        },
        trx,
      );
    });
  }

  /** Signs out every other session, keeping the caller's. */
  async revokeOtherSessions(principal: Principal, meta: ClientMeta): Promise<number> {
    return this.d.db.transaction().execute(async (trx) => {
      const revoked = await this.d.tokens.revokeAllFor(principal.userId, 'sign_out_everywhere', {
        except: principal.familyId,
        executor: trx,
      });
      await this.d.audit.write(
        {
          action: 'session.revoke',
          outcome: 'success',
          actorId: principal.userId,
          targetId: principal.userId,
          details: { scope: 'others', revoked, ...clientOf(meta) },
        },
        trx,
      );
      return revoked;
    });
  }
}

function safeJson(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
