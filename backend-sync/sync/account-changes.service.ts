import type { ServerClock } from '../clock';
import type { Kysely } from 'kysely';
import {
  signedFields,
  TEMPORARY_PASSWORD_TTL_MS,
  type AccountChange,
  type PushAccountChangesResponse,
} from '../../common/sync/protocol';
import { accountChangeSigningInput, mayAuthorize } from '../../common/identity/credential';
import { totpEnrolmentColumns, totpEnrolmentReason } from './totp-enrolments';
import type { Role } from '../../common/policy/policy';
import { signedByCredential } from '../auth/credential-key';
import type { TotpSecretBox } from '../auth/totp-secret-box';
import { argon2idParamsOf, belowArgon2Floor } from '../../common/auth/argon2-floor';
import type { Dialect } from '../db/dialect';
import type { DB } from '../db/schema';
import { nextChangeSeq } from '../services/change-seq';
import { liftLockoutIn } from '../auth/lockout.service';
import { ServerAudit } from '../services/server-audit';
import type { DevicePrincipal } from './device-auth';
import { IdempotencyKeys, requestHash } from './idempotency';

type Result = PushAccountChangesResponse['results'][number];
type Reason =
  | 'applied'
  | 'older_than_server'
  | 'account_disabled'
  | 'unknown_account'
  | 'weak_hash'
  | 'unauthorized';

/**
 * When a pushed temporary password stops working: a manager's reset ends at most
 * TEMPORARY_PASSWORD_TTL_MS after the change (sooner if the PC says so), so no PC can push one
 * that works for ever; an owner's own change is not temporary.
 */
export function temporaryUntil(change: AccountChange, changedAt: number): number | null {
  if (change.kind !== 'password_reset') return null;
  const limit = changedAt + TEMPORARY_PASSWORD_TTL_MS;
  return Math.min(change.temporaryUntil ?? limit, limit);
}

/** Whether a pushed hash costs at least what the server itself would spend. */
export function strongEnough(hash: string): boolean {
  const params = argon2idParamsOf(hash);
  return params !== null && !belowArgon2Floor(params);
}

/**
 * `POST /accounts`: password changes made on a store PC while offline (invariant 6).
 *
 * - Only accounts assigned to the device's store; only the password (the schema has no role
 *   or status: those are the server's alone).
 * - The latest change wins: applied when `changedAt` is later than the server's
 *   password_changed_at, else `superseded` (the PC pulls the winner). A `changedAt` ahead of the
 *   server's clock counts as now, so a PC with a fast clock cannot win every future conflict.
 * - A disable always wins: a change for a disabled, erased or pending account is `refused`,
 *   however recent, and never re-enables it.
 * - Someone who can edit a PC's files cannot invent a change (docs/SECURITY.md): each change
 *   is signed with the credential key of whoever made it (common/identity/credential.ts), the
 *   owner's current key for their own password, or the key of a manager or admin of the store
 *   who manages them for a temporary one (`mayAuthorize`); anything else is `refused`
 *   (`unauthorized`). Only an account whose password predates credential keys takes an
 *   unsigned change (recorded as unverified), and the change gives it one.
 * - An applied change takes a new change_seq, so the other PCs of the store pull it.
 * - Every outcome is written to server_audit; superseded and refused ones are the conflicts.
 * - Idempotency-Key as for audit uploads; answer and changes commit together.
 */
export class AccountChangesService {
  private readonly keys: IdempotencyKeys;
  private readonly audit: ServerAudit;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
    private readonly clock: ServerClock,
    private readonly totpSecrets: TotpSecretBox,
  ) {
    this.keys = new IdempotencyKeys(clock);
    this.audit = new ServerAudit(db, clock);
  }

  async push(
    device: DevicePrincipal,
    idempotencyKey: string,
    changes: AccountChange[],
  ): Promise<PushAccountChangesResponse> {
    // One commit, as for audit uploads (idempotency.ts): the key is stored, done, in the
    // transaction that applies the changes, so a server killed mid-request leaves nothing
    // behind and the PC's retry runs at once.
    const fingerprint = requestHash(changes);
    const leave = this.keys.enter(device.deviceId, 'accounts', idempotencyKey);
    try {
      return await this.db.transaction().execute(async (tx) => {
        await this.keys.lock(tx, this.dialect, device.deviceId, 'accounts', idempotencyKey);
        const prior = await this.keys.judge<PushAccountChangesResponse>(
          tx,
          this.dialect,
          device.deviceId,
          'accounts',
          idempotencyKey,
          await this.keys.read(tx, this.dialect, device.deviceId, 'accounts', idempotencyKey),
          fingerprint,
          changes,
        );
        if (prior !== 'new') return prior.replay;
        // The counter first (as every writer of users does): one lock order, no deadlock.
        let reserved: number | null = await nextChangeSeq(tx, 'users');
        const takeSeq = async () => {
          const seq = reserved ?? (await nextChangeSeq(tx, 'users'));
          reserved = null;
          return seq;
        };
        const results: Result[] = [];
        for (const change of changes) {
          results.push(await this.applyOne(tx, device, change, takeSeq));
        }
        const answer = { results };
        await this.keys.store(
          tx,
          this.dialect,
          device.deviceId,
          'accounts',
          idempotencyKey,
          fingerprint,
          answer,
        );
        return answer;
      });
    } finally {
      leave();
    }
  }

  private async applyOne(
    tx: Kysely<DB>,
    device: DevicePrincipal,
    change: AccountChange,
    takeSeq: () => Promise<number>,
  ): Promise<Result> {
    const now = this.clock.nowMs();
    const changedAt = Math.min(change.changedAt, now);
    const user = await tx
      .selectFrom('users as u')
      .select((eb) => [
        'u.id',
        'u.status',
        'u.erased_at',
        'u.password_changed_at',
        'u.change_seq',
        'u.role',
        'u.credential_salt',
        'u.credential_key',
        'u.totp_secret',
        'u.totp_changed_at',
        eb
          .exists(
            eb
              .selectFrom('user_stores as us')
              .select('us.user_id')
              .whereRef('us.user_id', '=', 'u.id')
              .where('us.store_id', '=', device.storeId),
          )
          .as('member'),
      ])
      .where('u.id', '=', change.accountId)
      .$if(this.dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();

    let reason: Reason;
    let version = 0;
    if (!user || !user.member) {
      // Unknown, or another store's: the device learns nothing about it, not even its version.
      reason = 'unknown_account';
    } else {
      version = Number(user.change_seq);
      const serverChangedAt =
        user.password_changed_at === null ? null : Number(user.password_changed_at);
      // Who made it first: a change nobody may have made is reported as such, however old.
      if (user.status !== 'active' || user.erased_at !== null) reason = 'account_disabled';
      else if (!(await this.authorized(tx, device, change, user))) reason = 'unauthorized';
      else if (change.kind === 'totp_enrolled') reason = totpEnrolmentReason(user, changedAt);
      else if (serverChangedAt !== null && changedAt <= serverChangedAt)
        reason = 'older_than_server';
      else if (!strongEnough(change.passwordHash)) reason = 'weak_hash';
      else reason = 'applied';
    }

    if (reason === 'applied' && change.kind === 'totp_enrolled') {
      version = await takeSeq();
      await tx
        .updateTable('users')
        .set({
          ...totpEnrolmentColumns(this.totpSecrets, change, changedAt),
          change_seq: version,
          updated_at: now,
        })
        .where('id', '=', change.accountId)
        .execute();
    } else if (reason === 'applied' && change.kind !== 'totp_enrolled') {
      version = await takeSeq();
      await tx
        .updateTable('users')
        .set({
          password_hash: change.passwordHash,
          credential_salt: change.credential?.salt ?? null,
          credential_key: change.credential?.key ?? null,
          credential_box: change.credential?.box ?? null,
          password_changed_at: changedAt,
          must_change_password: change.mustChangePassword ? 1 : 0,
          temp_password_expires_at: temporaryUntil(change, changedAt),
          change_seq: version,
          updated_at: now,
        })
        .where('id', '=', change.accountId)
        .execute();
      // A temporary password signed by a manager or admin who may give it lifts the server's
      // lockout too, as it does on the PC that made it; an unsigned (legacy) one does not.
      if (change.kind === 'password_reset' && change.authorization)
        await this.liftLockout(tx, device, change.accountId, change.authorization.by, now);
    }
    const outcome =
      reason === 'applied' ? 'applied' : reason === 'older_than_server' ? 'superseded' : 'refused';
    await this.audit.write(
      {
        action: 'sync.account_change',
        outcome:
          outcome === 'applied' ? 'success' : outcome === 'superseded' ? 'failure' : 'denied',
        targetId: change.accountId,
        storeId: device.storeId,
        details: {
          deviceId: device.deviceId,
          kind: change.kind,
          result: outcome,
          reason,
          changedAt: change.changedAt,
          ...(changedAt !== change.changedAt ? { clampedTo: changedAt } : {}),
          ...(change.kind === 'totp_enrolled'
            ? {}
            : {
                serverChangedAt: user?.member ? (user.password_changed_at ?? null) : undefined,
                mustChange: change.mustChangePassword,
              }),
          baseVersion: change.baseVersion,
          ...(change.authorization
            ? { by: change.authorization.by }
            : user?.member && reason === 'applied'
              ? { unverified: true }
              : {}),
          ...(reason === 'applied' && change.kind === 'password_reset'
            ? { temporaryUntil: temporaryUntil(change, changedAt) }
            : {}),
        },
      },
      tx,
    );
    return { accountId: change.accountId, outcome, version };
  }

  private async liftLockout(
    tx: Kysely<DB>,
    device: DevicePrincipal,
    accountId: string,
    by: string,
    now: number,
  ): Promise<void> {
    if (!(await liftLockoutIn(tx, accountId, now))) return;
    await this.audit.write(
      {
        action: 'user.unlock',
        outcome: 'success',
        actorId: by,
        targetId: accountId,
        storeId: device.storeId,
        details: { wasLocked: true, reason: 'password_reset', deviceId: device.deviceId },
      },
      tx,
    );
  }

  /**
   * Whether the change is signed by someone who may make it, with their current key. The
   * signer must be active and in the device's store; the target is read in this transaction,
   * so a second change in the same batch is checked against the key the first one set.
   */
  private async authorized(
    tx: Kysely<DB>,
    device: DevicePrincipal,
    change: AccountChange,
    target: {
      id: string;
      role: Role;
      status: string;
      credential_salt: string | null;
      credential_key: string | null;
    },
  ): Promise<boolean> {
    const auth = change.authorization;
    // A password set before credential keys: nothing to check a signature with.
    if (!auth) return target.credential_key === null;
    const signer =
      auth.by === target.id
        ? target
        : await tx
            .selectFrom('users as u')
            .innerJoin('user_stores as us', 'us.user_id', 'u.id')
            .select(['u.id', 'u.role', 'u.status', 'u.credential_salt', 'u.credential_key'])
            .where('u.id', '=', auth.by)
            .where('us.store_id', '=', device.storeId)
            .where('u.erased_at', 'is', null)
            .executeTakeFirst();
    if (!signer?.credential_salt || !signer.credential_key) return false;
    if (!mayAuthorize(change.kind, signer, target)) return false;
    const text = accountChangeSigningInput(device.storeId, signedFields(change), auth.by);
    return signedByCredential({ key: signer.credential_key }, text, auth.signature);
  }
}
