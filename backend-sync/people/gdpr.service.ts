import { lockoutSubject } from '../auth/lockout.service';
import type { ClientMeta } from '../auth/token.service';
import { conflict, HttpError, notFound } from '../errors';
import { nextChangeSeq } from '../services/change-seq';
import { clientOf, storesOf, type Actor, type PeopleDeps } from './people-deps';
import type { PersonExport } from './people.schemas';
import { readPreferences } from './preferences';
import { pseudonymiseAudit, pseudonymiseById, pseudonymOf } from './pseudonymise';

export { pseudonymOf };

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
    return this.d.db.transaction().execute(async (trx) => {
      let q = trx
        .selectFrom('users')
        .select(['id', 'email', 'username', 'display_name', 'role', 'status', 'erased_at'])
        .where('id', '=', id);
      if (this.d.dialect === 'postgres') q = q.forUpdate();
      const u = await q.executeTakeFirst();
      if (!u) throw notFound();
      if (u.erased_at !== null) {
        // Asked again: the same answer, and whatever arrived naming them since is repaired.
        const rewritten = await pseudonymiseById(trx, id, pseudonym);
        await this.d.audit.write(
          {
            action: 'gdpr.erase',
            outcome: 'success',
            actorId: actor.userId,
            targetId: id,
            details: { pseudonym, again: true, ...rewritten, ...clientOf(meta) },
          },
          trx,
        );
        return { id, pseudonym, erasedAt: Number(u.erased_at) };
      }
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
      const rewritten = await pseudonymiseAudit(trx, id, identifiers, pseudonym);
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
      return { id, pseudonym, erasedAt: now };
    });
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
