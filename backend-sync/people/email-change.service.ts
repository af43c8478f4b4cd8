import { lockedOut } from '../auth/auth-errors';
import type { Principal } from '../auth/auth.plugin';
import { lockoutSubject } from '../auth/lockout.service';
import { normalizeEmail } from '../auth/secret-tokens';
import type { ClientMeta } from '../auth/token.service';
import { badRequest, HttpError } from '../errors';
import { nextChangeSeq } from '../services/change-seq';
import { issueAudited } from './mailed-secrets';
import { invalidOneTimeCode, type Credential } from './one-time-codes';
import { clientOf, emailTaken, isUniqueViolation, type PeopleDeps } from './people-deps';
import { maskEmail } from './people-mail';
import { RecoveryLookup, stringField, via } from './recovery-lookup';

/**
 * Changing the address of one's own account: requested from the profile (signed in), confirmed
 * from a mail to the new address (the link, from anywhere, or the code while signed in); the old
 * address is told. Until confirmed, the account keeps its current address.
 */
export class EmailChangeService {
  private readonly lookup: RecoveryLookup;

  constructor(private readonly d: PeopleDeps) {
    this.lookup = new RecoveryLookup(d);
  }

  /**
   * Starts an email change. The current password is re-checked (a wrong one counts towards the
   * lockout like a failed sign-in): a stolen session alone cannot move the account's recovery
   * address. The answer is the same whether or not the new address belongs to another account
   * (nothing is sent then), so this cannot be used to probe for accounts.
   */
  async request(
    principal: Principal,
    rawNewEmail: string,
    currentPassword: string,
    meta: ClientMeta,
  ): Promise<{ sentTo: string }> {
    const now = this.d.clock.nowMs();
    const u = await this.d.db
      .selectFrom('users')
      .select(['id', 'email', 'display_name', 'role', 'password_hash'])
      .where('id', '=', principal.userId)
      .executeTakeFirstOrThrow();
    const subject = lockoutSubject(u, u.email);
    const state = await this.d.lockout.check(subject, now);
    if (state.state !== 'open') throw lockedOut(state, now);
    if (!(await this.d.hasher.verify(u.password_hash, currentPassword))) {
      await this.d.db.transaction().execute(async (trx) => {
        const result = await this.d.lockout.recordFailure(
          subject,
          now,
          this.d.policyFor(u.role),
          trx,
        );
        await this.d.audit.write(
          {
            action: 'profile.email_change_request',
            outcome: 'failure',
            actorId: u.id,
            targetId: u.id,
            details: { reason: 'bad_password', failures: result.failures, ...clientOf(meta) },
          },
          trx,
        );
      });
      throw new HttpError(400, 'invalid_current_password', 'The current password is not right.');
    }
    const newEmail = normalizeEmail(rawNewEmail);
    if (newEmail === u.email) {
      throw badRequest('This is already the address of your account.');
    }
    const taken = await this.d.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', newEmail)
      .executeTakeFirst();
    if (taken) {
      await this.d.audit.write({
        action: 'profile.email_change_request',
        outcome: 'denied',
        actorId: u.id,
        targetId: u.id,
        details: { reason: 'address_in_use', ...clientOf(meta) },
      });
      return { sentTo: maskEmail(newEmail) };
    }
    const secret = await this.d.db.transaction().execute((trx) =>
      issueAudited(
        this.d,
        trx,
        { userId: u.id, purpose: 'change_email', payload: { newEmail } },
        {
          action: 'profile.email_change_request',
          outcome: 'success',
          actorId: u.id,
          targetId: u.id,
          details: { newEmail, ...clientOf(meta) },
        },
      ),
    );
    this.d.mail.sendLater(newEmail, {
      kind: 'confirm_email_change',
      name: u.display_name,
      ...secret,
    });
    return { sentTo: maskEmail(newEmail) };
  }

  /**
   * Switches the account to the new address once its owner confirms it (link from anywhere, or
   * the code while signed in), then tells the old address.
   */
  async confirm(
    credential: Credential | { userId: string; code: string },
    meta: ClientMeta,
  ): Promise<{ email: string }> {
    const token = await this.d.codes.resolve('change_email', credential);
    const person = token ? await this.lookup.person(token.userId) : undefined;
    const newEmail = token ? stringField(token.payload, 'newEmail') : null;
    if (!token || !person || person.status === 'disabled' || !newEmail) {
      await this.lookup.failure('profile.email_change', person?.id ?? null, meta);
      throw invalidOneTimeCode();
    }
    const now = this.d.clock.nowMs();
    try {
      await this.d.db.transaction().execute(async (trx) => {
        await this.d.codes.spend(trx, token, 'change_email');
        const taken = await trx
          .selectFrom('users')
          .select('id')
          .where('email', '=', newEmail)
          .executeTakeFirst();
        if (taken) throw emailTaken();
        await trx
          .updateTable('users')
          .set({
            email: newEmail,
            email_verified_at: now,
            updated_at: now,
            change_seq: await nextChangeSeq(trx, 'users'),
          })
          .where('id', '=', person.id)
          .execute();
        await this.d.audit.write(
          {
            action: 'profile.email_change',
            outcome: 'success',
            actorId: person.id,
            targetId: person.id,
            details: {
              before: { email: person.email },
              after: { email: newEmail },
              via: via(credential),
              ...clientOf(meta),
            },
          },
          trx,
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
    this.d.mail.sendLater(person.email, {
      kind: 'email_changed',
      name: person.display_name,
      newAddress: maskEmail(newEmail),
      when: new Date(now).toISOString(),
    });
    return { email: maskEmail(newEmail) };
  }
}
