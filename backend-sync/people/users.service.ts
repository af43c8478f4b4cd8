import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { canManage } from '../../common/rbac/permissions';
import { lockoutSubject } from '../auth/lockout.service';
import { normalizeEmail } from '../auth/secret-tokens';
import type { ClientMeta } from '../auth/token.service';
import type { DB, UsersTable } from '../db/schema';
import { badRequest, conflict, forbidden, HttpError, notFound } from '../errors';
import { nextChangeSeq } from '../services/change-seq';
import { maskEmail, type MailResult } from './people-mail';
import {
  clientOf,
  emailTaken,
  isUniqueViolation,
  storesOf,
  unique,
  usernameTaken,
  type Actor,
  type PeopleDeps,
  type StoreRef,
} from './people-deps';
import type { UserView } from './people.schemas';

type Role = UsersTable['role'];

const VIEW_COLUMNS = [
  'id',
  'email',
  'username',
  'display_name',
  'role',
  'status',
  'email_verified_at',
  'totp_secret',
  'created_at',
  'updated_at',
] as const;

type ViewRow = Pick<UsersTable, (typeof VIEW_COLUMNS)[number]>;

interface Target extends ViewRow {
  storeIds: string[];
}

const storesRequired = () =>
  new HttpError(400, 'stores_required', 'Assign managers and viewers to at least one store.');
const ownAccount = () =>
  conflict('own_account', 'You cannot change your own role or status, or erase yourself.');
const ownTwoFactor = () =>
  conflict(
    'own_account',
    'You cannot reset your own two-step sign-in: ask another admin (the last admin: the server operator).',
  );
const lastAdmin = () =>
  conflict('last_admin', 'This is the last active admin: make another admin first.');

export interface ListFilters {
  store?: string | undefined;
  role?: Role | undefined;
  status?: UsersTable['status'] | undefined;
  q?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/**
 * People across stores, for admins and managers (routes/users.routes.ts).
 *
 * Scope (on top of the route's permission): an admin sees and manages everyone; a manager only
 * viewers who share at least one of the manager's stores, and of their stores sees only the
 * manager's own. Anyone else does not exist for the caller: 404, the same as an unknown id, so
 * a manager cannot even learn that store B's people exist. Using something out of scope as a
 * value (granting a role above your own, assigning a store not yours) is a 403.
 *
 * Every change bumps `users.change_seq` in its transaction so store PCs pull it; role, status and
 * 2FA resets are audited with before and after; disabling and a 2FA reset revoke every session
 * at once. Passwords
 * are never chosen, seen or set here: new accounts get a verification mail, and a reset sends
 * the person a reset mail.
 */
export class UsersService {
  constructor(private readonly d: PeopleDeps) {}

  async list(
    actor: Actor,
    f: ListFilters,
  ): Promise<{ users: UserView[]; nextCursor: string | null }> {
    if (actor.role !== 'admin' && actor.storeIds.length === 0)
      return { users: [], nextCursor: null };
    if (f.store && actor.role !== 'admin' && !actor.storeIds.includes(f.store)) throw forbidden();
    let q = this.d.db
      .selectFrom('users as u')
      .select(VIEW_COLUMNS.map((c) => `u.${c}` as const))
      .where('u.erased_at', 'is', null);
    if (actor.role !== 'admin') {
      q = q
        .where('u.role', '=', 'viewer')
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('user_stores as us')
              .select('us.user_id')
              .whereRef('us.user_id', '=', 'u.id')
              .where('us.store_id', 'in', actor.storeIds),
          ),
        );
    }
    if (f.store) {
      const store = f.store;
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('user_stores as fs')
            .select('fs.user_id')
            .whereRef('fs.user_id', '=', 'u.id')
            .where('fs.store_id', '=', store),
        ),
      );
    }
    if (f.role) q = q.where('u.role', '=', f.role);
    if (f.status) q = q.where('u.status', '=', f.status);
    if (f.q) {
      const pattern = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const like = (col: string) =>
        sql<boolean>`lower(${sql.ref(col)}) like ${pattern} escape '\\'`;
      q = q.where((eb) => eb.or([like('u.email'), like('u.username'), like('u.display_name')]));
    }
    const after = f.cursor ? decodeCursor(f.cursor) : null;
    if (f.cursor && after === null) throw badRequest();
    if (after !== null) q = q.where('u.email', '>', after);
    const rows = await q
      .orderBy('u.email')
      .limit(f.limit + 1)
      .execute();
    const page = rows.slice(0, f.limit);
    const users = await this.views(actor, page);
    const last = page.at(-1);
    return {
      users,
      nextCursor: rows.length > f.limit && last ? encodeCursor(last.email) : null,
    };
  }

  async get(actor: Actor, id: string): Promise<UserView & { locked: boolean }> {
    const target = await this.visibleTarget(actor, this.d.db, id);
    const state = await this.d.lockout.check(lockoutSubject({ id }, ''), this.d.clock.nowMs());
    const [view] = await this.views(actor, [target]);
    return { ...view!, locked: state.state === 'locked' };
  }

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
    const issued = await this.guardUnique(() =>
      this.d.db.transaction().execute(async (trx) => {
        await this.assertStoresExist(trx, storeIds);
        await this.assertFree(trx, { email, username: input.username });
        await trx
          .insertInto('users')
          .values({
            id,
            email,
            username: input.username,
            display_name: input.displayName,
            role: input.role,
            status: 'pending',
            email_verified_at: null,
            password_hash: null,
            password_changed_at: null,
            totp_secret: null,
            totp_last_step: 0,
            preferences: '{}',
            change_seq: await nextChangeSeq(trx, 'users'),
            erased_at: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
        if (storeIds.length > 0) {
          await trx
            .insertInto('user_stores')
            .values(storeIds.map((store_id) => ({ user_id: id, store_id })))
            .execute();
        }
        const secrets = await this.d.codes.issue(trx, id, 'verify_email');
        await this.d.audit.write(
          {
            action: 'user.create',
            outcome: 'success',
            actorId: actor.userId,
            targetId: id,
            details: { role: input.role, storeIds, ...clientOf(meta) },
          },
          trx,
        );
        return secrets;
      }),
    );
    const verificationEmail = await this.d.mail.send(email, {
      kind: 'verify_email',
      name: input.displayName,
      username: input.username,
      code: issued.code,
      link: this.d.mail.link('verify', issued.token),
    });
    const target = await this.visibleTarget(actor, this.d.db, id);
    const [view] = await this.views(actor, [target]);
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
        const target = await this.visibleTarget(actor, trx, id, { lock: true });
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
              secrets,
            }
          : null;
      }),
    );
    if (resend) {
      await this.d.mail.send(resend.to, {
        kind: 'verify_email',
        name: resend.name,
        username: resend.username,
        code: resend.secrets.code,
        link: this.d.mail.link('verify', resend.secrets.token),
      });
    }
    // A manager who just moved the person out of their stores sees the result (no store of
    // theirs left), not a 404 for a change that did happen.
    return this.view(actor, id, { afterOwnChange: true });
  }

  async setRole(actor: Actor, id: string, role: Role, meta: ClientMeta): Promise<UserView> {
    if (!canManage(actor.role, role)) throw forbidden();
    await this.d.db.transaction().execute(async (trx) => {
      const target = await this.visibleTarget(actor, trx, id, { lock: true });
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
    return this.view(actor, id);
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
      const target = await this.visibleTarget(actor, trx, id, { lock: true });
      if (target.id === actor.userId) throw ownAccount();
      const next: UsersTable['status'] =
        status === 'disabled'
          ? 'disabled'
          : target.email_verified_at === null
            ? 'pending'
            : 'active';
      if (status === 'active' && target.status === 'pending') {
        throw conflict(
          'not_verified',
          'This person has not confirmed their email address yet: resend the verification instead.',
        );
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
    return this.view(actor, id);
  }

  async unlock(actor: Actor, id: string, meta: ClientMeta): Promise<{ wasLocked: boolean }> {
    await this.visibleTarget(actor, this.d.db, id);
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

  /** A new verification mail for a pending account (the earlier code and link stop working). */
  async resendVerification(
    actor: Actor,
    id: string,
    meta: ClientMeta,
  ): Promise<{ email: MailResult; sentTo: string }> {
    const { target, secrets } = await this.d.db.transaction().execute(async (trx) => {
      const target = await this.visibleTarget(actor, trx, id, { lock: true });
      if (target.status !== 'pending') {
        throw conflict('not_pending', 'This account is not waiting for email verification.');
      }
      const secrets = await this.d.codes.issue(trx, id, 'verify_email');
      await this.d.audit.write(
        {
          action: 'user.verification_sent',
          outcome: 'success',
          actorId: actor.userId,
          targetId: id,
          details: clientOf(meta),
        },
        trx,
      );
      return { target, secrets };
    });
    const email = await this.d.mail.send(target.email, {
      kind: 'verify_email',
      name: target.display_name,
      username: target.username,
      code: secrets.code,
      link: this.d.mail.link('verify', secrets.token),
    });
    return { email, sentTo: maskEmail(target.email) };
  }

  /**
   * Admin-started reset: the person gets the reset mail and chooses their password themselves
   * (with their 2FA code, if enrolled). The admin never chooses, sees or sets it; the current
   * password keeps working until the person completes the reset.
   */
  async startReset(
    actor: Actor,
    id: string,
    meta: ClientMeta,
  ): Promise<{ email: MailResult; sentTo: string }> {
    const { target, secrets } = await this.d.db.transaction().execute(async (trx) => {
      const target = await this.visibleTarget(actor, trx, id, { lock: true });
      if (target.status === 'pending') {
        throw conflict(
          'not_verified',
          'This person has not confirmed their email address yet: resend the verification instead.',
        );
      }
      if (target.status === 'disabled') {
        throw conflict('account_disabled', 'This account is disabled: enable it first.');
      }
      const secrets = await this.d.codes.issue(trx, id, 'reset_password', {
        requestedBy: actor.userId,
      });
      await this.d.audit.write(
        {
          action: 'password.reset_request',
          outcome: 'success',
          actorId: actor.userId,
          targetId: id,
          details: { by: 'admin', ...clientOf(meta) },
        },
        trx,
      );
      return { target, secrets };
    });
    const email = await this.d.mail.send(target.email, {
      kind: 'reset_password',
      name: target.display_name,
      code: secrets.code,
      link: this.d.mail.link('reset', secrets.token),
    });
    return { email, sentTo: maskEmail(target.email) };
  }

  /**
   * Resets a person's two-step sign-in (a lost or replaced phone): the TOTP secret and its last
   * step are cleared, every session is revoked, outstanding password-reset secrets die (a reset
   * must not go through without the second factor the role asks for), change_seq moves so store
   * PCs pull the account (and ask for a new enrollment at the next sign-in there), and the
   * person gets a security alert with a one-time link and code (1 hour) to enroll a new
   * authenticator on the server with their current password — the password does not change.
   * Until then the server's sign-in refuses them with `two_factor_setup_required` (and mails a
   * fresh link). Managers reset viewers of their stores; admins anyone; nobody themselves.
   */
  async resetTwoFactor(
    actor: Actor,
    id: string,
    meta: ClientMeta,
  ): Promise<UserView & { revokedSessions: number; setupEmail: MailResult; sentTo: string }> {
    const now = this.d.clock.nowMs();
    const { target, secrets, revokedSessions } = await this.d.db
      .transaction()
      .execute(async (trx) => {
        const target = await this.visibleTarget(actor, trx, id, { lock: true });
        if (target.id === actor.userId) throw ownTwoFactor();
        if (target.status === 'pending') {
          throw conflict(
            'not_verified',
            'This person has not confirmed their email address yet: resend the verification instead.',
          );
        }
        if (target.status === 'disabled') {
          throw conflict('account_disabled', 'This account is disabled: enable it first.');
        }
        await trx
          .updateTable('users')
          .set({
            totp_secret: null,
            totp_last_step: 0,
            updated_at: now,
            change_seq: await nextChangeSeq(trx, 'users'),
          })
          .where('id', '=', id)
          .execute();
        const revokedSessions = await this.d.tokens.revokeAllFor(id, 'two_factor_reset', {
          executor: trx,
        });
        await this.d.codes.voidAll(trx, id, 'reset_password');
        const secrets = await this.d.codes.issue(trx, id, 'enroll_totp', {
          requestedBy: actor.userId,
        });
        await this.d.audit.write(
          {
            action: 'user.two_factor_reset',
            outcome: 'success',
            actorId: actor.userId,
            targetId: id,
            details: {
              before: { totpEnabled: target.totp_secret !== null },
              after: { totpEnabled: false },
              revokedSessions,
              ...clientOf(meta),
            },
          },
          trx,
        );
        return { target, secrets, revokedSessions };
      });
    const setupEmail = await this.d.mail.send(target.email, {
      kind: 'two_factor_reset',
      name: target.display_name,
      when: new Date(now).toISOString(),
      code: secrets.code,
      link: this.d.mail.link('two-factor', secrets.token),
    });
    const view = await this.view(actor, id);
    return { ...view, revokedSessions, setupEmail, sentTo: maskEmail(target.email) };
  }

  /** The target as the caller may see it, or 404. Erased people do not exist. */
  async visibleTarget(
    actor: Actor,
    executor: Kysely<DB>,
    id: string,
    options: { lock?: boolean } = {},
  ): Promise<Target> {
    let q = executor
      .selectFrom('users')
      .select(VIEW_COLUMNS)
      .where('id', '=', id)
      .where('erased_at', 'is', null);
    // PostgreSQL: concurrent changes of one person queue up behind this row lock.
    if (options.lock && this.d.dialect === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row) throw notFound();
    const stores = await executor
      .selectFrom('user_stores')
      .select('store_id')
      .where('user_id', '=', id)
      .execute();
    const target: Target = { ...row, storeIds: stores.map((s) => s.store_id) };
    if (!isVisible(actor, target)) throw notFound();
    return target;
  }

  private async view(
    actor: Actor,
    id: string,
    options: { afterOwnChange?: boolean } = {},
  ): Promise<UserView> {
    const target = await this.visibleTarget(
      options.afterOwnChange ? { ...actor, role: 'admin' } : actor,
      this.d.db,
      id,
    );
    const [view] = await this.views(actor, [target]);
    return view!;
  }

  private async views(actor: Actor, rows: ViewRow[]): Promise<UserView[]> {
    const stores = await storesOf(
      this.d.db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toView(r, scopeStores(actor, stores.get(r.id) ?? [])));
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

export function isVisible(actor: Actor, target: { role: Role; storeIds: string[] }): boolean {
  if (actor.role === 'admin') return true;
  return (
    canManage(actor.role, target.role) && target.storeIds.some((s) => actor.storeIds.includes(s))
  );
}

function scopeStores(actor: Actor, stores: StoreRef[]): StoreRef[] {
  return actor.role === 'admin' ? stores : stores.filter((s) => actor.storeIds.includes(s.id));
}

function toView(r: ViewRow, stores: StoreRef[]): UserView {
  return {
    id: r.id,
    email: r.email,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    status: r.status,
    emailVerified: r.email_verified_at !== null,
    totpEnabled: r.totp_secret !== null,
    stores,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function encodeCursor(email: string): string {
  return Buffer.from(email, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const value = Buffer.from(cursor, 'base64url').toString('utf8');
  return value.length > 0 && value.length <= 254 ? value : null;
}
