import type { Kysely } from 'kysely';
import { canManage } from '../../common/rbac/permissions';
import type { ClientMeta } from '../auth/token.service';
import type { DB, UsersTable } from '../db/schema';
import { conflict, forbidden } from '../errors';
import { nextChangeSeq } from '../services/change-seq';
import { clientOf, type Actor, type PeopleDeps } from './people-deps';
import type { UserView } from './people.schemas';
import { notVerified, storesRequired, userView, visibleTarget, type Role } from './user-scope';

const ownAccount = () =>
  conflict('own_account', 'You cannot change your own role or status, or erase yourself.');
const lastAdmin = () =>
  conflict('last_admin', 'This is the last active admin: make another admin first.');

/**
 * What a person may do: their role, whether the account is enabled, and lifting a sign-in lock,
 * in the caller's scope (user-scope.ts). Nobody changes their own role or status, and the last
 * active admin stays one.
 */
export class UserAccessService {
  constructor(private readonly d: PeopleDeps) {}

  async setRole(actor: Actor, id: string, role: Role, meta: ClientMeta): Promise<UserView> {
    if (!canManage(actor.role, role)) throw forbidden();
    await this.d.db.transaction().execute(async (trx) => {
      const target = await visibleTarget(this.d, actor, trx, id, { lock: true });
      if (target.id === actor.userId) throw ownAccount();
      if (target.role === role) return;
      if (role !== 'admin' && target.storeIds.length === 0) throw storesRequired();
      if (target.role === 'admin' && target.status === 'active')
        await this.assertNotLastAdmin(trx, id);
      await trx
        .updateTable('users')
        .set({
          role,
          updated_at: this.d.clock.nowMs(),
          change_seq: await nextChangeSeq(trx, 'users'),
        })
        .where('id', '=', id)
        .execute();
      await this.d.audit.write(
        {
          action: 'user.role_change',
          outcome: 'success',
          actorId: actor.userId,
          targetId: id,
          details: { before: { role: target.role }, after: { role }, ...clientOf(meta) },
        },
        trx,
      );
    });
    return userView(this.d, actor, id);
  }

  /**
   * Disable: the account, every session (refresh family, hence its access tokens on their next
   * request) and every outstanding mailed secret die in one transaction. Enable: back to active,
   * or to pending when the address was never verified.
   */
  async setStatus(
    actor: Actor,
    id: string,
    status: 'active' | 'disabled',
    meta: ClientMeta,
  ): Promise<UserView> {
    await this.d.db.transaction().execute(async (trx) => {
      const target = await visibleTarget(this.d, actor, trx, id, { lock: true });
      if (target.id === actor.userId) throw ownAccount();
      const next: UsersTable['status'] =
        status === 'disabled'
          ? 'disabled'
          : target.email_verified_at === null
            ? 'pending'
            : 'active';
      if (status === 'active' && target.status === 'pending') {
        throw notVerified();
      }
      if (target.status === next) return;
      if (target.role === 'admin' && target.status === 'active')
        await this.assertNotLastAdmin(trx, id);
      await trx
        .updateTable('users')
        .set({
          status: next,
          updated_at: this.d.clock.nowMs(),
          change_seq: await nextChangeSeq(trx, 'users'),
        })
        .where('id', '=', id)
        .execute();
      let revokedSessions = 0;
      if (next === 'disabled') {
        revokedSessions = await this.d.tokens.revokeAllFor(id, 'account_disabled', {
          executor: trx,
        });
        await this.d.codes.voidAll(trx, id);
      }
      await this.d.audit.write(
        {
          action: 'user.status_change',
          outcome: 'success',
          actorId: actor.userId,
          targetId: id,
          details: {
            before: { status: target.status },
            after: { status: next },
            revokedSessions,
            ...clientOf(meta),
          },
        },
        trx,
      );
    });
    return userView(this.d, actor, id);
  }

  async unlock(actor: Actor, id: string, meta: ClientMeta): Promise<{ wasLocked: boolean }> {
    await visibleTarget(this.d, actor, this.d.db, id);
    const wasLocked = await this.d.lockout.unlock(id);
    await this.d.audit.write({
      action: 'user.unlock',
      outcome: 'success',
      actorId: actor.userId,
      targetId: id,
      details: { wasLocked, ...clientOf(meta) },
    });
    return { wasLocked };
  }

  private async assertNotLastAdmin(trx: Kysely<DB>, id: string): Promise<void> {
    const other = await trx
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .where('status', '=', 'active')
      .where('erased_at', 'is', null)
      .where('id', '!=', id)
      .executeTakeFirst();
    if (!other) throw lastAdmin();
  }
}
