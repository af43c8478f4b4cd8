import { evaluatePassword, type PasswordViolation } from '../../common/policy';
import { passwordRejected, twoFactorSetupRequired } from '../auth/auth-errors';
import { proveCurrentPassword } from '../auth/current-password';
import { lockoutSubject } from '../auth/lockout.service';
import { normalizeEmail } from '../auth/secret-tokens';
import type { ClientMeta } from '../auth/token.service';
import { matchTotpStep, newTotpEnrollment, newTotpSecret, type TotpEnrollment } from '../auth/totp';
import type { UsersTable } from '../db/schema';
import { HttpError } from '../errors';
import { nextChangeSeq } from '../services/change-seq';
import type { ServerAuditAction } from '../services/server-audit';
import {
  invalidOneTimeCode,
  type Credential,
  type LiveToken,
  type OneTimePurpose,
} from './one-time-codes';
import { clientOf, emailTaken, isUniqueViolation, type PeopleDeps } from './people-deps';
import { maskEmail } from './people-mail';

const invalidTotp = () =>
  new HttpError(
    400,
    'invalid_totp_code',
    'That authentication code is not right. Check the time on your phone and try again.',
  );

/** Resend a reset mail to one person at most this often, however often it is asked for. */
export const RESET_MAIL_COOLDOWN_MS = 60_000;
/** Mail a fresh "set up two-step sign-in" link to one person at most this often. */
export const TWO_FACTOR_MAIL_COOLDOWN_MS = 60_000;
/** At most this many people get a "find my account" mail from one request. */
const FIND_MAX_MATCHES = 5;

type Person = Pick<
  UsersTable,
  | 'id'
  | 'email'
  | 'username'
  | 'display_name'
  | 'role'
  | 'status'
  | 'password_hash'
  | 'totp_secret'
  | 'totp_last_step'
>;

const PERSON_COLUMNS = [
  'id',
  'email',
  'username',
  'display_name',
  'role',
  'status',
  'password_hash',
  'totp_secret',
  'totp_last_step',
] as const;

/** Compared forms of names people type: NFKC, case-folded, single spaces. */
export function normalizeName(value: string): string {
  return value.normalize('NFKC').trim().replace(/\s+/g, ' ').toUpperCase().toLowerCase();
}

/**
 * What people do without a session, from a mailed code or link:
 * - verify their address and choose their password (and enroll 2FA) → the account is active;
 * - reset a forgotten password (the 2FA code is still required when 2FA is enrolled, every
 *   session is revoked, and 2FA is still required at the next sign-in);
 * - find their username from their name and store;
 * - confirm a new email address;
 * - set up two-step sign-in again after a reset (their password unchanged).
 * Every wrong, used, expired or voided secret gets the same answer.
 */
export class AccountRecoveryService {
  constructor(private readonly d: PeopleDeps) {}

  // ---- email verification of a new account ------------------------------------------------

  /** Checks the secret; returns who it is for and the 2FA key to enroll (the same on repeat). */
  async verificationStart(credential: Credential): Promise<{
    username: string;
    displayName: string;
    email: string;
    totpRequired: boolean;
    totp: TotpEnrollment;
    password: { minLength: number; maxLength: number };
  }> {
    const { token, person } = await this.resolvePending(credential);
    let secret = stringField(token.payload, 'totpSecret');
    if (!secret) {
      await this.d.codes.setPayloadOnce(person.id, 'verify_email', 'totpSecret', newTotpSecret());
      secret = stringField((await this.resolvePending(credential)).token.payload, 'totpSecret');
    }
    if (!secret) throw invalidOneTimeCode();
    const policy = this.d.policyFor(person.role);
    return {
      username: person.username,
      displayName: person.display_name,
      email: maskEmail(person.email),
      totpRequired: policy.totp.required,
      totp: newTotpEnrollment(secret, person.email),
      password: { minLength: policy.password.minLength, maxLength: policy.password.maxLength },
    };
  }

  /**
   * Sets the password the person chose (role policy), enrolls 2FA (required when the role's
   * policy says so, optional otherwise), marks the address verified and the account active, and
   * spends the secret — all or nothing.
   */
  async verificationComplete(
    credential: Credential,
    password: string,
    totpCode: string | undefined,
    meta: ClientMeta,
  ): Promise<{ status: 'active'; username: string; totpEnabled: boolean }> {
    const { token, person } = await this.resolvePending(credential);
    const policy = this.d.policyFor(person.role);
    const evaluation = evaluatePassword(password, policy, await this.context(person));
    if (!evaluation.ok) throw passwordRejected(evaluation.violations);
    const secret = stringField(token.payload, 'totpSecret');
    const now = this.d.clock.nowMs();
    let step: number | null = null;
    if (policy.totp.required || totpCode !== undefined) {
      if (!secret) {
        throw new HttpError(
          400,
          'verification_not_started',
          'Start the verification first to get your 2FA key.',
        );
      }
      step = matchTotpStep(secret, totpCode ?? '', now);
      if (step === null) {
        // A forgotten field is not a guess; a wrong code is.
        if (totpCode !== undefined) await this.d.codes.countWrongAttempt(person.id, 'verify_email');
        throw invalidTotp();
      }
    }
    const hash = await this.d.hasher.hash(password);
    await this.d.db.transaction().execute(async (trx) => {
      await this.d.codes.spend(trx, token, 'verify_email');
      const activated = await trx
        .updateTable('users')
        .set({
          password_hash: hash,
          password_changed_at: now,
          totp_secret: step === null ? null : secret,
          totp_last_step: step ?? 0,
          status: 'active',
          email_verified_at: now,
          updated_at: now,
          change_seq: await nextChangeSeq(trx, 'users'),
        })
        .where('id', '=', person.id)
        .where('status', '=', 'pending')
        .where('erased_at', 'is', null)
        .executeTakeFirst();
      if (Number(activated.numUpdatedRows) !== 1) throw invalidOneTimeCode();
      await this.d.audit.write(
        {
          action: 'user.verify',
          outcome: 'success',
          actorId: person.id,
          targetId: person.id,
          details: { totpEnabled: step !== null, via: via(credential), ...clientOf(meta) },
        },
        trx,
      );
    });
    return { status: 'active', username: person.username, totpEnabled: step !== null };
  }

  // ---- self-service password reset ---------------------------------------------------------

  /**
   * Looks the address up and hands the rest (secrets, audit, mail) to a background job, so the
   * answer — and its timing — is the same whether or not the address has an account.
   */
  async requestReset(rawEmail: string, meta: ClientMeta): Promise<void> {
    const email = normalizeEmail(rawEmail);
    const person = await this.d.db
      .selectFrom('users')
      .select(PERSON_COLUMNS)
      .where('email', '=', email)
      .where('erased_at', 'is', null)
      .executeTakeFirst();
    this.d.mail.later(() => this.sendReset(person, email, meta));
  }

  private async sendReset(person: Person | undefined, email: string, meta: ClientMeta) {
    const now = this.d.clock.nowMs();
    if (!person || person.status !== 'active') {
      await this.d.audit.write({
        action: 'password.reset_request',
        outcome: 'failure',
        targetId: person?.id ?? null,
        details: {
          reason: person ? `account_${person.status}` : 'unknown_address',
          ...(person ? {} : { email: email.slice(0, 254) }),
          ...clientOf(meta),
        },
      });
      return;
    }
    if (this.awaitsTwoFactor(person)) {
      // The role asks for a second factor and none is enrolled (it was reset): a mailbox alone
      // must not be enough to take the account. An admin-started reset still works.
      await this.d.audit.write({
        action: 'password.reset_request',
        outcome: 'denied',
        targetId: person.id,
        details: { reason: 'two_factor_not_set_up', ...clientOf(meta) },
      });
      return;
    }
    const recent = await this.d.db
      .selectFrom('one_time_tokens')
      .select('created_at')
      .where('user_id', '=', person.id)
      .where('purpose', '=', 'reset_password')
      .where('created_at', '>', now - RESET_MAIL_COOLDOWN_MS)
      .executeTakeFirst();
    if (recent) {
      await this.d.audit.write({
        action: 'password.reset_request',
        outcome: 'denied',
        targetId: person.id,
        details: { reason: 'cooldown', ...clientOf(meta) },
      });
      return;
    }
    const secrets = await this.d.db.transaction().execute(async (trx) => {
      const secrets = await this.d.codes.issue(trx, person.id, 'reset_password', {});
      await this.d.audit.write(
        {
          action: 'password.reset_request',
          outcome: 'success',
          targetId: person.id,
          details: { by: 'self', ...clientOf(meta) },
        },
        trx,
      );
      return secrets;
    });
    await this.d.mail.send(person.email, {
      kind: 'reset_password',
      name: person.display_name,
      code: secrets.code,
      link: this.d.mail.link('reset', secrets.token),
    });
  }

  /** Whether the reset form must ask for the 2FA code. */
  async checkReset(
    credential: Credential,
  ): Promise<{ totpRequired: boolean; password: { minLength: number; maxLength: number } }> {
    const { person } = await this.resolveReset(credential);
    const policy = this.d.policyFor(person.role);
    return {
      totpRequired: person.totp_secret !== null,
      password: { minLength: policy.password.minLength, maxLength: policy.password.maxLength },
    };
  }

  /**
   * A reset does not bypass 2FA: with 2FA enrolled, the current code is required here (and it is
   * spent, so it cannot be replayed), and the next sign-in needs a code as always. Every session
   * of the account is revoked; the person gets a security alert.
   */
  async completeReset(
    credential: Credential,
    newPassword: string,
    totpCode: string | undefined,
    meta: ClientMeta,
  ): Promise<void> {
    const { token, person } = await this.resolveReset(credential);
    const now = this.d.clock.nowMs();
    if (this.awaitsTwoFactor(person) && !stringField(token.payload, 'requestedBy')) {
      await this.d.audit.write({
        action: 'password.reset',
        outcome: 'denied',
        targetId: person.id,
        details: { reason: 'two_factor_not_set_up', ...clientOf(meta) },
      });
      throw twoFactorSetupRequired();
    }
    let step: number | null = null;
    if (person.totp_secret) {
      step = matchTotpStep(person.totp_secret, totpCode ?? '', now);
      if (step === null || step <= person.totp_last_step) {
        if (totpCode !== undefined)
          await this.d.codes.countWrongAttempt(person.id, 'reset_password');
        await this.d.audit.write({
          action: 'password.reset',
          outcome: 'failure',
          targetId: person.id,
          details: { reason: step === null ? 'bad_totp' : 'replayed_totp', ...clientOf(meta) },
        });
        throw invalidTotp();
      }
    }
    const evaluation = evaluatePassword(
      newPassword,
      this.d.policyFor(person.role),
      await this.context(person),
    );
    const violations: PasswordViolation[] = [...evaluation.violations];
    if (
      violations.length === 0 &&
      (await this.d.hasher.verify(person.password_hash, newPassword))
    ) {
      violations.push({ code: 'reused', count: 1 });
    }
    if (violations.length > 0) throw passwordRejected(violations);
    const hash = await this.d.hasher.hash(newPassword);
    await this.d.db.transaction().execute(async (trx) => {
      await this.d.codes.spend(trx, token, 'reset_password');
      if (step !== null) {
        // The authorisation decision for the code: only one request can move the step forward.
        const claimed = await trx
          .updateTable('users')
          .set({ totp_last_step: step })
          .where('id', '=', person.id)
          .where('totp_last_step', '<', step)
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) throw invalidTotp();
      }
      const changed = await trx
        .updateTable('users')
        .set({
          password_hash: hash,
          password_changed_at: now,
          // The person chose this password: any "change it at next sign-in" flag is met.
          must_change_password: 0,
          updated_at: now,
          change_seq: await nextChangeSeq(trx, 'users'),
        })
        .where('id', '=', person.id)
        .where('status', '=', 'active')
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) !== 1) throw invalidOneTimeCode();
      const revoked = await this.d.tokens.revokeAllFor(person.id, 'password_change', {
        executor: trx,
      });
      await this.d.audit.write(
        {
          action: 'password.reset',
          outcome: 'success',
          actorId: person.id,
          targetId: person.id,
          details: {
            revokedSessions: revoked,
            requestedBy: stringField(token.payload, 'requestedBy') ?? 'self',
            via: via(credential),
            ...clientOf(meta),
          },
        },
        trx,
      );
    });
    this.d.mail.sendLater(person.email, {
      kind: 'security_alert',
      name: person.display_name,
      event: 'The password of your Keyholder account was reset and every session was signed out',
      when: new Date(now).toISOString(),
    });
  }

  // ---- setting up two-step sign-in again ---------------------------------------------------

  /**
   * After a sign-in with the right password to an active account without 2FA (reset by an
   * admin or manager, or never set up): a fresh link and code to set it up, mailed in the
   * background to the address on file, at most once per TWO_FACTOR_MAIL_COOLDOWN_MS.
   */
  requestTwoFactorSetup(userId: string, meta: ClientMeta): void {
    this.d.mail.later(async () => {
      const person = await this.person(userId);
      if (!person || person.status !== 'active' || person.totp_secret !== null) return;
      const now = this.d.clock.nowMs();
      const recent = await this.d.db
        .selectFrom('one_time_tokens')
        .select('created_at')
        .where('user_id', '=', person.id)
        .where('purpose', '=', 'enroll_totp')
        .where('created_at', '>', now - TWO_FACTOR_MAIL_COOLDOWN_MS)
        .executeTakeFirst();
      if (recent) return;
      const secrets = await this.d.db.transaction().execute(async (trx) => {
        const secrets = await this.d.codes.issue(trx, person.id, 'enroll_totp', {});
        await this.d.audit.write(
          {
            action: 'user.two_factor_setup_sent',
            outcome: 'success',
            targetId: person.id,
            details: { by: 'sign_in', ...clientOf(meta) },
          },
          trx,
        );
        return secrets;
      });
      await this.d.mail.send(person.email, {
        kind: 'two_factor_setup',
        name: person.display_name,
        code: secrets.code,
        link: this.d.mail.link('two-factor', secrets.token),
      });
    });
  }

  /** Checks the mailed secret; returns who it is for and the new key (the same on repeat). */
  async twoFactorStart(credential: Credential): Promise<{
    username: string;
    displayName: string;
    email: string;
    totp: TotpEnrollment;
  }> {
    const { token, person } = await this.resolveEnrollment(credential);
    let secret = stringField(token.payload, 'totpSecret');
    if (!secret) {
      await this.d.codes.setPayloadOnce(person.id, 'enroll_totp', 'totpSecret', newTotpSecret());
      secret = stringField((await this.resolveEnrollment(credential)).token.payload, 'totpSecret');
    }
    if (!secret) throw invalidOneTimeCode();
    return {
      username: person.username,
      displayName: person.display_name,
      email: maskEmail(person.email),
      totp: newTotpEnrollment(secret, person.email),
    };
  }

  /**
   * Enrolls the new authenticator: the mailed secret (the mailbox), the current password (checked
   * and counted like a sign-in, under the same lockout) and a first code from the new key. The
   * password does not change. The secret is spent and the key stored in one transaction, and
   * only while the account still has no 2FA; change_seq moves so store PCs get the key.
   */
  async twoFactorComplete(
    credential: Credential,
    password: string,
    totpCode: string,
    meta: ClientMeta,
  ): Promise<{ status: 'two_factor_enabled'; username: string }> {
    const { token, person } = await this.resolveEnrollment(credential);
    const now = this.d.clock.nowMs();
    const subject = lockoutSubject(person, person.email);
    await proveCurrentPassword(this.d, {
      subject,
      now,
      policy: this.d.policyFor(person.role),
      storedHash: person.password_hash,
      password,
      action: 'user.two_factor_enroll',
      targetId: person.id,
      details: clientOf(meta),
    });
    const secret = stringField(token.payload, 'totpSecret');
    if (!secret) {
      throw new HttpError(
        400,
        'two_factor_not_started',
        'Start the set-up first to get your new 2FA key.',
      );
    }
    const step = matchTotpStep(secret, totpCode, now);
    if (step === null) {
      await this.d.codes.countWrongAttempt(person.id, 'enroll_totp');
      await this.d.audit.write({
        action: 'user.two_factor_enroll',
        outcome: 'failure',
        targetId: person.id,
        details: { reason: 'bad_totp', ...clientOf(meta) },
      });
      throw invalidTotp();
    }
    await this.d.db.transaction().execute(async (trx) => {
      await this.d.codes.spend(trx, token, 'enroll_totp');
      const enrolled = await trx
        .updateTable('users')
        .set({
          totp_secret: secret,
          totp_last_step: step,
          updated_at: now,
          change_seq: await nextChangeSeq(trx, 'users'),
        })
        .where('id', '=', person.id)
        .where('status', '=', 'active')
        .where('totp_secret', 'is', null)
        .where('erased_at', 'is', null)
        .executeTakeFirst();
      if (Number(enrolled.numUpdatedRows) !== 1) throw invalidOneTimeCode();
      await this.d.lockout.reset(subject, trx);
      await this.d.audit.write(
        {
          action: 'user.two_factor_enroll',
          outcome: 'success',
          actorId: person.id,
          targetId: person.id,
          details: {
            before: { totpEnabled: false },
            after: { totpEnabled: true },
            via: via(credential),
            ...clientOf(meta),
          },
        },
        trx,
      );
    });
    this.d.mail.sendLater(person.email, {
      kind: 'security_alert',
      name: person.display_name,
      event: 'Two-step sign-in was set up with a new authenticator for your Keyholder account',
      when: new Date(now).toISOString(),
    });
    return { status: 'two_factor_enabled', username: person.username };
  }

  /** The role asks for 2FA and the account has none (it was reset, or the policy changed). */
  private awaitsTwoFactor(person: Person): boolean {
    return person.totp_secret === null && this.d.policyFor(person.role).totp.required;
  }

  // ---- find my account ---------------------------------------------------------------------

  /**
   * Name + store → the username, mailed to the address on file. The caller always gets the same
   * answer, before any lookup happens (all of it runs in the background), so neither the body nor
   * the timing says whether someone matched.
   */
  findAccount(displayName: string, storeName: string, meta: ClientMeta): void {
    this.d.mail.later(async () => {
      const wantedStore = normalizeName(storeName);
      const wantedName = normalizeName(displayName);
      const stores = (await this.d.db.selectFrom('stores').select(['id', 'name']).execute()).filter(
        (s) => normalizeName(s.name) === wantedStore,
      );
      const people =
        stores.length === 0
          ? []
          : await this.d.db
              .selectFrom('users as u')
              .innerJoin('user_stores as us', 'us.user_id', 'u.id')
              .innerJoin('stores as s', 's.id', 'us.store_id')
              .select(['u.id', 'u.email', 'u.username', 'u.display_name', 's.name as storeName'])
              .where(
                'us.store_id',
                'in',
                stores.map((s) => s.id),
              )
              .where('u.status', '=', 'active')
              .where('u.erased_at', 'is', null)
              .execute();
      const seen = new Set<string>();
      const matches = people
        .filter((p) => normalizeName(p.display_name) === wantedName)
        .filter((p) => !seen.has(p.id) && seen.add(p.id))
        .slice(0, FIND_MAX_MATCHES);
      await this.d.audit.write({
        action: 'account.find',
        outcome: matches.length > 0 ? 'success' : 'failure',
        targetId: matches.length === 1 ? matches[0]!.id : null,
        details: { matched: matches.length, ...clientOf(meta) },
      });
      for (const p of matches) {
        await this.d.mail.send(p.email, {
          kind: 'find_account',
          name: p.display_name,
          username: p.username,
          storeName: p.storeName,
        });
      }
    });
  }

  // ---- email change confirmation -----------------------------------------------------------

  /**
   * Switches the account to the new address once its owner confirms it (link from anywhere, or
   * the code while signed in), then tells the old address.
   */
  async confirmEmailChange(
    credential: Credential | { userId: string; code: string },
    meta: ClientMeta,
  ): Promise<{ email: string }> {
    const token = await this.d.codes.resolve('change_email', credential);
    const person = token ? await this.person(token.userId) : undefined;
    const newEmail = token ? stringField(token.payload, 'newEmail') : null;
    if (!token || !person || person.status === 'disabled' || !newEmail) {
      await this.failure('profile.email_change', person?.id ?? null, meta);
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

  // ---- helpers -----------------------------------------------------------------------------

  private async resolvePending(
    credential: Credential,
  ): Promise<{ token: LiveToken; person: Person }> {
    return this.resolveFor('verify_email', credential, (p) => p.status === 'pending');
  }

  private async resolveReset(
    credential: Credential,
  ): Promise<{ token: LiveToken; person: Person }> {
    return this.resolveFor('reset_password', credential, (p) => p.status === 'active');
  }

  private async resolveEnrollment(
    credential: Credential,
  ): Promise<{ token: LiveToken; person: Person }> {
    return this.resolveFor(
      'enroll_totp',
      credential,
      (p) => p.status === 'active' && p.totp_secret === null,
    );
  }

  private async resolveFor(
    purpose: OneTimePurpose,
    credential: Credential,
    ok: (p: Person) => boolean,
  ): Promise<{ token: LiveToken; person: Person }> {
    const token = await this.d.codes.resolve(purpose, credential);
    const person = token ? await this.person(token.userId) : undefined;
    if (!token || !person || !ok(person)) {
      await this.failure(FAILURE_ACTION[purpose], person?.id ?? null, null);
      throw invalidOneTimeCode();
    }
    return { token, person };
  }

  private async failure(
    action: (typeof FAILURE_ACTION)[OneTimePurpose],
    targetId: string | null,
    meta: ClientMeta | null,
  ): Promise<void> {
    await this.d.audit.write({
      action,
      outcome: 'failure',
      targetId,
      details: { reason: 'invalid_or_expired', ...(meta ? clientOf(meta) : {}) },
    });
  }

  private person(id: string): Promise<Person | undefined> {
    return this.d.db
      .selectFrom('users')
      .select(PERSON_COLUMNS)
      .where('id', '=', id)
      .where('erased_at', 'is', null)
      .executeTakeFirst();
  }

  /** Words that must not appear in the password: the person's names and first store's. */
  private async context(person: Person): Promise<{
    email: string;
    username: string;
    displayName: string;
    storeName?: string;
    brandName?: string;
  }> {
    const store = await this.d.db
      .selectFrom('user_stores as us')
      .innerJoin('stores as s', 's.id', 'us.store_id')
      .select(['s.name', 's.brand'])
      .where('us.user_id', '=', person.id)
      .orderBy('s.name')
      .executeTakeFirst();
    return {
      email: person.email,
      username: person.username,
      displayName: person.display_name,
      ...(store ? { storeName: store.name } : {}),
      ...(store?.brand ? { brandName: store.brand } : {}),
    };
  }
}

/** The audit action a refused secret is recorded under, per purpose. */
const FAILURE_ACTION = {
  verify_email: 'user.verify',
  reset_password: 'password.reset',
  change_email: 'profile.email_change',
  enroll_totp: 'user.two_factor_enroll',
} as const satisfies Record<OneTimePurpose, ServerAuditAction>;

function stringField(payload: Record<string, unknown>, key: string): string | null {
  const v = payload[key];
  return typeof v === 'string' ? v : null;
}

function via(credential: object): 'link' | 'code' {
  return 'token' in credential ? 'link' : 'code';
}
