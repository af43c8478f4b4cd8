import { sql, type Kysely } from 'kysely';
import { lockoutSubject } from '../auth/lockout.service';
import { sha256Hex } from '../auth/secret-tokens';
import type { ClientMeta } from '../auth/token.service';
import type { DB } from '../db/schema';
import { conflict, HttpError, notFound } from '../errors';
import { nextChangeSeq } from '../services/change-seq';
import { clientOf, storesOf, type Actor, type PeopleDeps } from './people-deps';
import type { PersonExport } from './people.schemas';
import { readPreferences } from './preferences';

/** The stable pseudonym that replaces an erased person's name everywhere. */
export function pseudonymOf(userId: string): string {
  return `erased-${sha256Hex(`keyholder-erasure:${userId}`).slice(0, 12)}`;
}

const ERASED_DOMAIN = 'erased.invalid';

/**
 * GDPR rights for one person (admins only; routes/users.routes.ts).
 *
 * Export (Art. 15/20): the account (never its password hash or TOTP secret), store
 * assignments, sessions, and every server and store audit entry where the person is actor or
 * target, as one JSON document. The export itself is audited.
 *
 * Erase (Art. 17): in one transaction
 * - credentials and personal data are deleted: password hash, TOTP secret, preferences,
 *   sessions (with their user agents), mailed secrets, lockout counters;
 * - the row stays as a tombstone (id, role, store assignments, `erased_at`, status disabled,
 *   email/username/name replaced by the pseudonym) with a new change_seq, so every store PC
 *   assigned to the person receives the revocation on its next pull — deleting the row would
 *   leave their offline copy of the account able to sign in;
 * - audit entries are kept (the audit trail is append-only and a legal record) but
 *   pseudonymised: actor_name/target_name and any occurrence of the person's email, username or
 *   name inside details become the pseudonym `erased-<hash>`, stable per person so their entries
 *   still read as one actor. Ids stay: they are random and, once the tombstone holds no personal
 *   data, point at nobody. Store audit rows keep their original hash and MAC (the chain links
 *   are unaffected); their content no longer matches the hash by design, and the pseudonym
 *   marks why.
 */
export class GdprService {
  constructor(private readonly d: PeopleDeps) {}

  async exportPerson(actor: Actor, id: string, meta: ClientMeta): Promise<PersonExport> {
    const u = await this.d.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .where('erased_at', 'is', null)
      .executeTakeFirst();
    if (!u) throw notFound();
    const stores = (await storesOf(this.d.db, [id])).get(id) ?? [];
    const sessions = await this.d.db
      .selectFrom('refresh_families')
      .select(['id', 'created_at', 'last_used_at', 'expires_at', 'revoked_at', 'user_agent'])
      .where('user_id', '=', id)
      .orderBy('created_at')
      .execute();
    const serverAudit = await this.d.db
      .selectFrom('server_audit')
      .select(['at', 'action', 'outcome', 'actor_id', 'target_id', 'store_id', 'details'])
      .where((eb) => eb.or([eb('actor_id', '=', id), eb('target_id', '=', id)]))
      .orderBy('id')
      .execute();
    const storeAudit = await this.d.db
      .selectFrom('audit_events')
      .select([
        'device_id',
        'seq',
        'store_id',
        'at',
        'action',
        'outcome',
        'actor_id',
        'actor_name',
        'target_id',
        'target_name',
        'details',
      ])
      .where((eb) => eb.or([eb('actor_id', '=', id), eb('target_id', '=', id)]))
      .orderBy('at')
      .orderBy('device_id')
      .orderBy('seq')
      .execute();
    const now = this.d.clock.nowMs();
    await this.d.audit.write({
      action: 'gdpr.export',
      outcome: 'success',
      actorId: actor.userId,
      targetId: id,
      details: {
        serverAuditEntries: serverAudit.length,
        storeAuditEntries: storeAudit.length,
        ...clientOf(meta),
      },
    });
    return {
      format: 'keyholder-person-export/1',
      exportedAt: now,
      person: {
        id: u.id,
        email: u.email,
        username: u.username,
        displayName: u.display_name,
        role: u.role,
        status: u.status,
        emailVerifiedAt: u.email_verified_at,
        passwordChangedAt: u.password_changed_at,
        totpEnabled: u.totp_secret !== null,
        preferences: readPreferences(u.preferences),
        createdAt: u.created_at,
        updatedAt: u.updated_at,
      },
      stores,
      sessions: sessions.map((s) => ({
        id: s.id,
        createdAt: s.created_at,
        lastUsedAt: s.last_used_at,
        expiresAt: s.expires_at,
        revokedAt: s.revoked_at,
        userAgent: s.user_agent,
      })),
      serverAudit: serverAudit.map((r) => ({
        at: r.at,
        action: r.action,
        outcome: r.outcome,
        actorId: r.actor_id,
        targetId: r.target_id,
        storeId: r.store_id,
        details: parseObject(r.details),
      })),
      storeAudit: storeAudit.map((r) => ({
        deviceId: r.device_id,
        seq: Number(r.seq),
        storeId: r.store_id,
        at: r.at,
        action: r.action,
        outcome: r.outcome,
        actorId: r.actor_id,
        actorName: r.actor_name,
        targetId: r.target_id,
        targetName: r.target_name,
        details: parseObject(r.details),
      })),
    };
  }

  async erase(
    actor: Actor,
    id: string,
    confirmEmail: string,
    meta: ClientMeta,
  ): Promise<{ id: string; pseudonym: string; erasedAt: number }> {
    if (id === actor.userId) {
      throw conflict(
        'own_account',
        'You cannot change your own role or status, or erase yourself.',
      );
    }
    const pseudonym = pseudonymOf(id);
    const now = this.d.clock.nowMs();
    await this.d.db.transaction().execute(async (trx) => {
      let q = trx
        .selectFrom('users')
        .select(['id', 'email', 'username', 'display_name', 'role', 'status'])
        .where('id', '=', id)
        .where('erased_at', 'is', null);
      if (this.d.dialect === 'postgres') q = q.forUpdate();
      const u = await q.executeTakeFirst();
      if (!u) throw notFound();
      if (confirmEmail.trim().toLowerCase() !== u.email) {
        throw new HttpError(
          400,
          'confirmation_mismatch',
          'Type the person’s current email address to confirm the erasure.',
        );
      }
      if (u.role === 'admin' && u.status === 'active') {
        const other = await trx
          .selectFrom('users')
          .select('id')
          .where('role', '=', 'admin')
          .where('status', '=', 'active')
          .where('erased_at', 'is', null)
          .where('id', '!=', id)
          .executeTakeFirst();
        if (!other) {
          throw conflict('last_admin', 'This is the last active admin: make another admin first.');
        }
      }
      // Addresses the person asked to move to are personal data too.
      const pendingEmails = (
        await trx
          .selectFrom('one_time_tokens')
          .select('payload')
          .where('user_id', '=', id)
          .where('purpose', '=', 'change_email')
          .execute()
      )
        .map((r) => parseObject(r.payload ?? '{}').newEmail)
        .filter((v): v is string => typeof v === 'string');
      const identifiers = {
        email: u.email,
        username: u.username,
        all: [...new Set([u.email, u.username, u.display_name, ...pendingEmails])],
      };

      await trx.deleteFrom('one_time_tokens').where('user_id', '=', id).execute();
      await trx.deleteFrom('refresh_families').where('user_id', '=', id).execute();
      // Which store PC accepted which of their codes, and when: only kept for the cross-device
      // reuse check, which an erased account no longer needs.
      await trx.deleteFrom('totp_step_uses').where('person_id', '=', id).execute();
      await trx
        .deleteFrom('sign_in_failures')
        .where('subject', 'in', [lockoutSubject({ id }, ''), lockoutSubject(undefined, u.email)])
        .execute();
      await trx
        .updateTable('users')
        .set({
          email: `${pseudonym}@${ERASED_DOMAIN}`,
          username: pseudonym,
          display_name: pseudonym,
          status: 'disabled',
          email_verified_at: null,
          password_hash: null,
          credential_salt: null,
          credential_key: null,
          credential_box: null,
          password_changed_at: null,
          temp_password_expires_at: null,
          totp_secret: null,
          totp_last_step: 0,
          preferences: '{}',
          erased_at: now,
          updated_at: now,
          change_seq: await nextChangeSeq(trx, 'users'),
        })
        .where('id', '=', id)
        .execute();
      const rewritten = await this.pseudonymiseAudit(trx, id, identifiers, pseudonym);
      await this.d.audit.write(
        {
          action: 'gdpr.erase',
          outcome: 'success',
          actorId: actor.userId,
          targetId: id,
          details: { pseudonym, ...rewritten, ...clientOf(meta) },
        },
        trx,
      );
    });
    return { id, pseudonym, erasedAt: now };
  }

  /**
   * Rows about the person (as actor or target, by id or by the name a store PC recorded) and
   * rows whose details mention their address or username get every identifier replaced, whole
   * words only, so another person whose name merely contains theirs is left alone.
   */
  private async pseudonymiseAudit(
    trx: Kysely<DB>,
    id: string,
    identifiers: { email: string; username: string; all: string[] },
    pseudonym: string,
  ): Promise<{ storeAuditEntries: number; serverAuditEntries: number }> {
    const replace = (text: string) => replaceAll(text, identifiers.all, pseudonym);
    const mentioned = [identifiers.email, identifiers.username].map(
      (value) => sql<boolean>`lower(details) like ${likePattern(value)} escape '\\'`,
    );

    const events = await trx
      .selectFrom('audit_events')
      .select([
        'device_id',
        'seq',
        'at',
        'actor_id',
        'actor_name',
        'target_id',
        'target_name',
        'details',
      ])
      .where((eb) =>
        eb.or([
          eb('actor_id', '=', id),
          eb('target_id', '=', id),
          eb('actor_name', 'in', identifiers.all),
          eb('target_name', 'in', identifiers.all),
          ...mentioned,
        ]),
      )
      .execute();
    const named = (name: string | null) => name !== null && identifiers.all.includes(name);
    for (const e of events) {
      await trx
        .updateTable('audit_events')
        .set({
          actor_name: e.actor_id === id || named(e.actor_name) ? pseudonym : e.actor_name,
          target_name: e.target_id === id || named(e.target_name) ? pseudonym : e.target_name,
          details: replaceInJson(e.details, replace),
        })
        .where('device_id', '=', e.device_id)
        .where('seq', '=', e.seq)
        // The key on PostgreSQL is (device_id, at, seq): one partition's index, not every one.
        .where('at', '=', e.at)
        .execute();
    }

    const server = await trx
      .selectFrom('server_audit')
      .select(['id', 'details'])
      .where((eb) => eb.or([eb('actor_id', '=', id), eb('target_id', '=', id), ...mentioned]))
      .execute();
    let serverAuditEntries = 0;
    for (const r of server) {
      const details = replaceInJson(r.details, replace);
      if (details === r.details) continue;
      serverAuditEntries += 1;
      await trx.updateTable('server_audit').set({ details }).where('id', '=', r.id).execute();
    }
    return { storeAuditEntries: events.length, serverAuditEntries };
  }
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function likePattern(value: string): string {
  return `%${value.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Case-insensitive, whole-word replacement of every identifier (longest first) in `text`. */
function replaceAll(text: string, identifiers: string[], pseudonym: string): string {
  let out = text;
  for (const value of [...identifiers].sort((a, b) => b.length - a.length)) {
    const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(
      new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'giu'),
      pseudonym,
    );
  }
  return out;
}

/** Replaces inside every string (keys and values) of a JSON text, keeping it valid JSON. */
function replaceInJson(text: string, replace: (s: string) => string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return replace(text);
  }
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return replace(v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [replace(k), walk(x)]));
    }
    return v;
  };
  const next = JSON.stringify(walk(value));
  return next === JSON.stringify(value) ? text : next;
}
