import type { ClientMeta } from '../auth/token.service';
import { newTotpSecret } from '../auth/totp';
import type { UsersTable } from '../db/schema';
import { HttpError } from '../errors';
import type { ServerAuditAction } from '../services/server-audit';
import {
  invalidOneTimeCode,
  type Credential,
  type LiveToken,
  type OneTimePurpose,
} from './one-time-codes';
import { clientOf, type PeopleDeps } from './people-deps';

export const invalidTotp = () =>
  new HttpError(
    400,
    'invalid_totp_code',
    'That authentication code is not right. Check the time on your phone and try again.',
  );

/** The columns the flows without a session read about the person a secret is for. */
export type Person = Pick<
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

export const PERSON_COLUMNS = [
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

/** The audit action a refused secret is recorded under, per purpose. */
const FAILURE_ACTION = {
  verify_email: 'user.verify',
  reset_password: 'password.reset',
  change_email: 'profile.email_change',
  enroll_totp: 'user.two_factor_enroll',
} as const satisfies Record<OneTimePurpose, ServerAuditAction>;

type FailureAction = (typeof FAILURE_ACTION)[OneTimePurpose];

/** The purposes resolved by `resolve`, and whom a live secret of each still works for. */
const ELIGIBLE = {
  verify_email: (p: Person) => p.status === 'pending',
  reset_password: (p: Person) => p.status === 'active',
  enroll_totp: (p: Person) => p.status === 'active' && p.totp_secret === null,
} satisfies Partial<Record<OneTimePurpose, (p: Person) => boolean>>;

export type SessionlessPurpose = keyof typeof ELIGIBLE;

/**
 * What the flows without a session share (account-verification, password-reset,
 * two-factor-setup and email-change services): a mailed credential resolved to its live secret
 * and person. Every wrong, used, expired or voided secret — or one whose person no longer
 * qualifies — gets the same answer, audited as a failure of the flow.
 */
export class RecoveryLookup {
  constructor(private readonly d: PeopleDeps) {}

  async resolve(
    purpose: SessionlessPurpose,
    credential: Credential,
  ): Promise<{ token: LiveToken; person: Person }> {
    const token = await this.d.codes.resolve(purpose, credential);
    const person = token ? await this.person(token.userId) : undefined;
    if (!token || !person || !ELIGIBLE[purpose](person)) {
      await this.failure(FAILURE_ACTION[purpose], person?.id ?? null, null);
      throw invalidOneTimeCode();
    }
    return { token, person };
  }

  /**
   * The TOTP key to enroll, bound to the secret's payload: made on the first start and the same
   * on every repeat (of two concurrent starts, one key wins for both).
   */
  async pendingTotpSecret(
    purpose: SessionlessPurpose,
    credential: Credential,
    resolved: { token: LiveToken; person: Person },
  ): Promise<string> {
    // Sealed in the payload like a stored secret (plain if written by an earlier version).
    let sealed = stringField(resolved.token.payload, 'totpSecret');
    if (!sealed) {
      const fresh = this.d.totpSecrets.seal(newTotpSecret());
      await this.d.codes.setPayloadOnce(resolved.person.id, purpose, 'totpSecret', fresh);
      sealed = stringField((await this.resolve(purpose, credential)).token.payload, 'totpSecret');
    }
    if (!sealed) throw invalidOneTimeCode();
    return this.d.totpSecrets.open(sealed);
  }

  async failure(
    action: FailureAction,
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

  person(id: string): Promise<Person | undefined> {
    return this.d.db
      .selectFrom('users')
      .select(PERSON_COLUMNS)
      .where('id', '=', id)
      .where('erased_at', 'is', null)
      .executeTakeFirst();
  }

  /** Words that must not appear in the password: the person's names and first store's. */
  async passwordContext(person: Person): Promise<{
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

export function stringField(payload: Record<string, unknown>, key: string): string | null {
  const v = payload[key];
  return typeof v === 'string' ? v : null;
}

/** How the person presented the secret, for the audit entry. */
export function via(credential: object): 'link' | 'code' {
  return 'token' in credential ? 'link' : 'code';
}
