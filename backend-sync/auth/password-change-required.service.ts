import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ServerClock } from '../clock';
import type { DB, UsersTable } from '../db/schema';
import { HttpError } from '../errors';
import type { ServerAudit } from '../services/server-audit';
import type { LockoutService } from './lockout.service';
import { assertNewPassword, preparePassword, setOwnPassword } from './own-password';
import type { PasswordHasher } from './password-hasher';
import type { PolicyFor } from './policy-source';
import { sha256Hex } from './secret-tokens';
import { clientDetails } from './sign-in-failures';
import type { ClientMeta, SessionTokens, TokenService } from './token.service';
import { claimTotpStep } from './totp';

/** Why a sign-in must choose a new password before it gets a session. */
export type ChangeReason = 'temporary' | 'expired';

/** How long the person has to choose their own password once both factors were right. */
export const CHANGE_TOKEN_TTL_MS = 10 * 60_000;
/** Prefix that makes a leaked change token recognisable to secret scanners. */
const CHANGE_PREFIX = 'khc_';

export interface PasswordChangeRequiredDeps {
  db: Kysely<DB>;
  clock: ServerClock;
  hasher: PasswordHasher;
  lockout: LockoutService;
  tokens: TokenService;
  audit: ServerAudit;
  policyFor: PolicyFor;
}

type Person = Pick<UsersTable, 'id' | 'email' | 'username' | 'display_name' | 'role'>;

/** Sign in again: the change token is unknown, used, expired or for another state of things. */
const changeTokenInvalid = () =>
  new HttpError(
    401,
    'change_token_invalid',
    'This step has expired or was already used. Sign in again with your temporary password.',
  );

/**
 * A password that must change signs nobody in on the server either, as on every PC: a temporary
 * one (a manager's reset on a store PC, pushed with "must change at next sign-in"), or one past
 * the role's expiry (`passwordExpiresAt`: the classic profile's 90 days; the server always asks
 * for a code, so expiry that applies only without 2FA never does here). After both factors are
 * right, the sign-in answers 403 `password_change_required` (with the reason) and a one-time
 * change token (10 minutes, stored hashed), and the person finishes by choosing their own
 * password with it. Only then is a session issued. The code of that sign-in is spent, so it
 * cannot be replayed meanwhile.
 *
 * The new password follows the role's policy and differs from the current one; choosing it
 * clears a temporary password's flag and end, moves the account's change_seq (store PCs pull
 * the new hash), and revokes every other session — as a password change does.
 */
export class PasswordChangeRequiredService {
  constructor(private readonly d: PasswordChangeRequiredDeps) {}

  /**
   * Both factors were right for an account whose password must change. Spends the code (the
   * step claim), clears the failure counter, and refuses with a fresh change token.
   * `replayed` is called when another request claimed the step first.
   */
  async requireChange(
    user: Person,
    step: number,
    subject: string,
    meta: ClientMeta,
    reason: ChangeReason,
    replayed: () => Promise<never>,
  ): Promise<never> {
    const now = this.d.clock.nowMs();
    const token = CHANGE_PREFIX + randomBytes(32).toString('base64url');
    const claimed = await this.d.db.transaction().execute(async (trx) => {
      if (!(await claimTotpStep(trx, user.id, step))) return false;
      await this.d.lockout.reset(subject, trx);
      // One live change token per person: a new sign-in replaces the last one.
      await trx
        .deleteFrom('one_time_tokens')
        .where('user_id', '=', user.id)
        .where('purpose', '=', 'change_password')
        .execute();
      await trx
        .insertInto('one_time_tokens')
        .values({
          id: randomUUID(),
          purpose: 'change_password',
          user_id: user.id,
          token_hash: sha256Hex(token),
          payload: JSON.stringify({ reason }),
          expires_at: now + CHANGE_TOKEN_TTL_MS,
          used_at: null,
          created_at: now,
        })
        .execute();
      await this.d.audit.write(
        {
          action: 'auth.sign_in',
          outcome: 'denied',
          targetId: user.id,
          details: {
            reason: reason === 'expired' ? 'password_expired' : 'password_change_required',
            ...clientDetails(meta),
          },
        },
        trx,
      );
      return true;
    });
    if (!claimed) return replayed();
    throw new HttpError(
      403,
      'password_change_required',
      reason === 'expired'
        ? 'Your password has expired. Choose a new one to finish signing in.'
        : 'Your password is a temporary one. Choose your own password to finish signing in.',
      { reason, changeToken: token, expiresIn: CHANGE_TOKEN_TTL_MS / 1000 },
    );
  }

  /** Sets the person's own password with a change token, and signs them in. */
  async complete(
    changeToken: string,
    newPassword: string,
    meta: ClientMeta,
  ): Promise<SessionTokens> {
    const now = this.d.clock.nowMs();
    if (!/^khc_[A-Za-z0-9_-]{43}$/.test(changeToken)) throw changeTokenInvalid();
    const found = await this.d.db
      .selectFrom('one_time_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select([
        't.id as tokenId',
        't.payload',
        'u.id',
        'u.email',
        'u.username',
        'u.display_name',
        'u.role',
        'u.password_hash',
      ])
      .where('t.token_hash', '=', sha256Hex(changeToken))
      .where('t.purpose', '=', 'change_password')
      .where('t.used_at', 'is', null)
      .where('t.expires_at', '>', now)
      .where('u.status', '=', 'active')
      .executeTakeFirst();
    if (!found) throw changeTokenInvalid();

    // The token stays usable after a refusal: the person tries another password.
    await assertNewPassword(
      this.d.hasher,
      this.d.policyFor(found.role),
      { email: found.email, username: found.username, displayName: found.display_name },
      newPassword,
      found.password_hash,
    );

    const next = await preparePassword(this.d.hasher, newPassword);
    return this.d.db.transaction().execute(async (trx) => {
      // Spending the token decides: of two requests with it, exactly one goes on.
      const spent = await trx
        .updateTable('one_time_tokens')
        .set({ used_at: now })
        .where('id', '=', found.tokenId)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(spent.numUpdatedRows) !== 1) throw changeTokenInvalid();
      const revokedSessions = await setOwnPassword(trx, this.d.tokens, found.id, next, now);
      if (revokedSessions === null) throw changeTokenInvalid();
      const details = clientDetails(meta);
      await this.d.audit.write(
        {
          action: 'password.change',
          outcome: 'success',
          actorId: found.id,
          targetId: found.id,
          details: {
            replaced:
              reasonOf(found.payload) === 'expired' ? 'expired_password' : 'temporary_password',
            revokedSessions,
            ...details,
          },
        },
        trx,
      );
      await this.d.audit.write(
        {
          action: 'auth.sign_in',
          outcome: 'success',
          actorId: found.id,
          targetId: found.id,
          details: { method: 'password+totp', passwordChanged: true, ...details },
        },
        trx,
      );
      return this.d.tokens.startFamily(found, meta, trx);
    });
  }
}

function reasonOf(payload: string | null): ChangeReason {
  try {
    return (JSON.parse(payload ?? '{}') as { reason?: unknown }).reason === 'expired'
      ? 'expired'
      : 'temporary';
  } catch {
    return 'temporary';
  }
}
