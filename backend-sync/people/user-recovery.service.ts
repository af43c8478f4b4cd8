import type { ClientMeta } from '../auth/token.service';
import { conflict } from '../errors';
import { nextChangeSeq } from '../services/change-seq';
import { issueAudited } from './mailed-secrets';
import { maskEmail, type MailResult } from './people-mail';
import { clientOf, type Actor, type PeopleDeps } from './people-deps';
import type { UserView } from './people.schemas';
import { accountDisabled, notVerified, userView, visibleTarget } from './user-scope';

const ownTwoFactor = () =>
  conflict(
    'own_account',
    'You cannot reset your own two-step sign-in: ask another admin (the last admin: the server operator).',
  );

/**
 * Getting a person (back) into their account, started by an admin or manager in their scope
 * (user-scope.ts): a new verification mail, a password-reset mail, a 2FA reset. The caller never
 * chooses, sees or sets a password or key; the person does, from the mailed code or link
 * (account-verification, password-reset and two-factor-setup services). The mails are awaited,
 * so the caller learns at once whether they went out.
 */
export class UserRecoveryService {
  constructor(private readonly d: PeopleDeps) {}

  /** A new verification mail for a pending account (the earlier code and link stop working). */
  async resendVerification(
    actor: Actor,
    id: string,
    meta: ClientMeta,
  ): Promise<{ email: MailResult; sentTo: string }> {
    const { target, secret } = await this.d.db.transaction().execute(async (trx) => {
      const target = await visibleTarget(this.d, actor, trx, id, { lock: true });
      if (target.status !== 'pending') {
        throw conflict('not_pending', 'This account is not waiting for email verification.');
      }
      const secret = await issueAudited(
        this.d,
        trx,
        { userId: id, purpose: 'verify_email' },
        {
          action: 'user.verification_sent',
          outcome: 'success',
          actorId: actor.userId,
          targetId: id,
          details: clientOf(meta),
        },
      );
      return { target, secret };
    });
    const email = await this.d.mail.send(target.email, {
      kind: 'verify_email',
      name: target.display_name,
      username: target.username,
      ...secret,
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
    const { target, secret } = await this.d.db.transaction().execute(async (trx) => {
      const target = await visibleTarget(this.d, actor, trx, id, { lock: true });
      if (target.status === 'pending') throw notVerified();
      if (target.status === 'disabled') throw accountDisabled();
      const secret = await issueAudited(
        this.d,
        trx,
        { userId: id, purpose: 'reset_password', payload: { requestedBy: actor.userId } },
        {
          action: 'password.reset_request',
          outcome: 'success',
          actorId: actor.userId,
          targetId: id,
          details: { by: 'admin', ...clientOf(meta) },
        },
      );
      return { target, secret };
    });
    const email = await this.d.mail.send(target.email, {
      kind: 'reset_password',
      name: target.display_name,
      ...secret,
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
    const { target, secret, revokedSessions } = await this.d.db
      .transaction()
      .execute(async (trx) => {
        const target = await visibleTarget(this.d, actor, trx, id, { lock: true });
        if (target.id === actor.userId) throw ownTwoFactor();
        if (target.status === 'pending') throw notVerified();
        if (target.status === 'disabled') throw accountDisabled();
        await trx
          .updateTable('users')
          .set({
            totp_secret: null,
            totp_last_step: 0,
            totp_changed_at: now,
            updated_at: now,
            change_seq: await nextChangeSeq(trx, 'users'),
          })
          .where('id', '=', id)
          .execute();
        const revokedSessions = await this.d.tokens.revokeAllFor(id, 'two_factor_reset', {
          executor: trx,
        });
        await this.d.codes.voidAll(trx, id, 'reset_password');
        const secret = await issueAudited(
          this.d,
          trx,
          { userId: id, purpose: 'enroll_totp', payload: { requestedBy: actor.userId } },
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
        );
        return { target, secret, revokedSessions };
      });
    const setupEmail = await this.d.mail.send(target.email, {
      kind: 'two_factor_reset',
      name: target.display_name,
      when: new Date(now).toISOString(),
      ...secret,
    });
    const view = await userView(this.d, actor, id);
    return { ...view, revokedSessions, setupEmail, sentTo: maskEmail(target.email) };
  }
}
