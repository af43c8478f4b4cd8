import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { canManage } from '../../common/rbac/permissions';
import { normalizeEmail } from '../auth/secret-tokens';
import type { ClientMeta } from '../auth/token.service';
import type { DB } from '../db/schema';
import { conflict, forbidden, HttpError } from '../errors';
import { nextChangeSeq } from '../services/change-seq';
import { issueAudited, mailedSecret } from './mailed-secrets';
import type { MailResult } from './people-mail';
import {
  clientOf,
  emailTaken,
  isUniqueViolation,
  unique,
  usernameTaken,
  type Actor,
  type PeopleDeps,
} from './people-deps';
import type { UserView } from './people.schemas';
import { insertUser } from './users.repository';
import {
  storesRequired,
  userView,
  userViews,
  visibleTarget,
  type Role,
  type Target,
} from './user-scope';

/**
 * Creating people and editing their names, username, stores (and the address of a pending
 * invitation), in the caller's scope (user-scope.ts). New accounts get a verification mail; the
 * person chooses their password.
 */
export class UsersService {
  constructor(private readonly d: PeopleDeps) {}

  async create(
    actor: Actor,
    input: { email: string; username: string; displayName: string; role: Role; storeIds: string[] },
    meta: ClientMeta,
  ): Promise<UserView & { verificationEmail: MailResult }> {
    if (!canManage(actor.role, input.role)) throw forbidden();
    const storeIds = unique(input.storeIds);
    if (input.role !== 'admin' && storeIds.length === 0) throw storesRequired();
    if (actor.role !== 'admin' && storeIds.some((s) => !actor.storeIds.includes(s))) {
      throw forbidden();
    }
    const email = normalizeEmail(input.email);
    const now = this.d.clock.nowMs();
    const id = randomUUID();
    const secret = await this.guardUnique(() =>
      this.d.db.transaction().execute(async (trx) => {
        await this.assertStoresExist(trx, storeIds);
        await this.assertFree(trx, { email, username: input.username });
        await insertUser(trx, {
          id,
          email,
          username: input.username,
          displayName: input.displayName,
          role: input.role,
          status: 'pending',
          now,
        });
        if (storeIds.length > 0) {
          await trx
            .insertInto('user_stores')
            .values(storeIds.map((store_id) => ({ user_id: id, store_id })))
            .execute();
        }
        return issueAudited(
          this.d,
          trx,
          { userId: id, purpose: 'verify_email' },
          {
            action: 'user.create',
            outcome: 'success',
            actorId: actor.userId,
            targetId: id,
            details: { role: input.role, storeIds, ...clientOf(meta) },
          },
        );
      }),
    );
    const verificationEmail = await this.d.mail.send(email, {
      kind: 'verify_email',
      name: input.displayName,
      username: input.username,
      ...secret,
    });
    const target = await visibleTarget(this.d, actor, this.d.db, id);
    const [view] = await userViews(this.d, actor, [target]);
    return { ...view!, verificationEmail };
  }

  /** Name, username, stores; the address only while the invitation is pending. */
  async update(
    actor: Actor,
    id: string,
    patch: { displayName?: string; username?: string; email?: string; storeIds?: string[] },
    meta: ClientMeta,
  ): Promise<UserView> {
    const resend = await this.guardUnique(() =>
      this.d.db.transaction().execute(async (trx) => {
        const target = await visibleTarget(this.d, actor, trx, id, { lock: true });
        const before: Record<string, unknown> = {};
        const after: Record<string, unknown> = {};
        const set: Partial<Record<'display_name' | 'username' | 'email', string>> = {};
        if (patch.displayName !== undefined && patch.displayName !== target.display_name) {
          set.display_name = patch.displayName;
          before.displayName = target.display_name;
          after.displayName = patch.displayName;
        }
        if (patch.username !== undefined && patch.username !== target.username) {
          await this.assertFree(trx, { username: patch.username });
          set.username = patch.username;
          before.username = target.username;
          after.username = patch.username;
        }
        const email = patch.email === undefined ? undefined : normalizeEmail(patch.email);
        if (email !== undefined && email !== target.email) {
          if (target.status !== 'pending') {
            throw conflict(
              'email_locked',
              'Only a pending invitation’s address can be corrected here; people change their own address from their profile.',
            );
          }
          await this.assertFree(trx, { email });
          set.email = email;
          before.email = target.email;
          after.email = email;
        }
        let storesChanged = false;
        if (patch.storeIds !== undefined) {
          const next = await this.nextStores(trx, actor, target, unique(patch.storeIds));
          const added = next.filter((s) => !target.storeIds.includes(s));
          const removed = target.storeIds.filter((s) => !next.includes(s));
          if (added.length > 0 || removed.length > 0) {
            storesChanged = true;
            if (removed.length > 0) {
              await trx
                .deleteFrom('user_stores')
                .where('user_id', '=', id)
                .where('store_id', 'in', removed)
                .execute();
            }
            if (added.length > 0) {
              await trx
                .insertInto('user_stores')
                .values(added.map((store_id) => ({ user_id: id, store_id })))
                .execute();
            }
            before.storeIds = target.storeIds;
            after.storeIds = next;
          }
        }
        if (Object.keys(set).length === 0 && !storesChanged) return null;
        await trx
          .updateTable('users')
          .set({
            ...set,
            updated_at: this.d.clock.nowMs(),
            change_seq: await nextChangeSeq(trx, 'users'),
          })
          .where('id', '=', id)
          .execute();
        // A corrected address gets a fresh invitation; the old one's secrets die with it.
        const secrets = set.email ? await this.d.codes.issue(trx, id, 'verify_email') : null;
        await this.d.audit.write(
          {
            action: 'user.update',
            outcome: 'success',
            actorId: actor.userId,
            targetId: id,
            details: { before, after, ...clientOf(meta) },
          },
          trx,
        );
        return secrets
          ? {
              to: set.email!,
              name: set.display_name ?? target.display_name,
              username: set.username ?? target.username,
              secret: mailedSecret(this.d.mail, 'verify_email', secrets),
            }
          : null;
      }),
    );
    if (resend) {
      await this.d.mail.send(resend.to, {
        kind: 'verify_email',
        name: resend.name,
        username: resend.username,
        ...resend.secret,
      });
    }
    // A manager who just moved the person out of their stores sees the result (no store of
    // theirs left), not a 404 for a change that did happen.
    return userView(this.d, actor, id, { afterOwnChange: true });
  }

  /** The store set after a change: a manager changes only their own stores' assignments. */
  private async nextStores(
    trx: Kysely<DB>,
    actor: Actor,
    target: Target,
    requested: string[],
  ): Promise<string[]> {
    let next: string[];
    if (actor.role === 'admin') {
      await this.assertStoresExist(trx, requested);
      next = requested;
    } else {
      if (requested.some((s) => !actor.storeIds.includes(s))) throw forbidden();
      next = unique([...target.storeIds.filter((s) => !actor.storeIds.includes(s)), ...requested]);
    }
    if (target.role !== 'admin' && next.length === 0) throw storesRequired();
    return next;
  }

  private async assertStoresExist(trx: Kysely<DB>, storeIds: string[]): Promise<void> {
    if (storeIds.length === 0) return;
    const found = await trx.selectFrom('stores').select('id').where('id', 'in', storeIds).execute();
    if (found.length !== storeIds.length) {
      throw new HttpError(400, 'unknown_store', 'One of the stores does not exist.');
    }
  }

  private async assertFree(
    trx: Kysely<DB>,
    values: { email?: string; username?: string },
  ): Promise<void> {
    if (values.email !== undefined) {
      const taken = await trx
        .selectFrom('users')
        .select('id')
        .where('email', '=', values.email)
        .executeTakeFirst();
      if (taken) throw emailTaken();
    }
    if (values.username !== undefined) {
      const taken = await trx
        .selectFrom('users')
        .select('id')
        .where('username', '=', values.username)
        .executeTakeFirst();
      if (taken) throw usernameTaken();
    }
  }

  /** Two concurrent writers passed the "is it free" check: the unique index decides. */
  private async guardUnique<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw conflict('already_taken', 'Another account already uses this email or username.');
      }
      throw error;
    }
  }
}
