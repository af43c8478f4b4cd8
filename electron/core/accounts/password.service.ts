import { randomInt } from 'node:crypto';
import type {
  EffectivePolicy,
  PasswordContext,
  PasswordRules,
  PasswordViolation,
} from '../../../common/policy';
import { evaluatePassword, passwordExpiresAt } from '../../../common/policy';
import { TEMPORARY_PASSWORD_TTL_MS } from '../../../common/sync/protocol';
import { newCredential } from '../crypto/credential-key';
import type { DeviceService } from '../device/device.service';
import { KeyholderError } from '../errors';
import type { AccountRepository, AccountRow } from './account-repository';
import type { PasswordHasher } from './password-hasher';

export { TEMPORARY_PASSWORD_TTL_MS };
const TEMP_ALPHABETS = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghjkmnpqrstuvwxyz', '23456789'] as const;

export class PasswordPolicyError extends KeyholderError {
  constructor(readonly violations: PasswordViolation[]) {
    super('password_rejected', 'The new password does not meet the password policy.', {
      violations,
    });
  }
}

/**
 * Choosing, checking and storing passwords. Callers hold the transaction and write the audit
 * entry; this service only decides and prepares the account patch.
 */
export class PasswordService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly hasher: PasswordHasher,
    private readonly device: DeviceService,
  ) {}

  /** What must not appear in this person's password: their names and the store's. */
  context(account: Pick<AccountRow, 'username' | 'displayName' | 'email'>): PasswordContext {
    const device = this.device.state();
    return {
      username: account.username,
      displayName: account.displayName,
      email: account.email,
      storeName: device.storeName,
      brandName: device.brandName,
    };
  }

  /** The rules `check` applies, for the UI's live feedback (the same verdict, before saving). */
  rules(
    account: Pick<AccountRow, 'username' | 'displayName' | 'email'>,
    policy: EffectivePolicy,
  ): PasswordRules {
    return { policy, context: this.context(account) };
  }

  /** Policy check including history (which needs the stored hashes, so it lives in core). */
  async check(
    account: Pick<AccountRow, 'id' | 'username' | 'displayName' | 'email'>,
    password: string,
    policy: EffectivePolicy,
  ): Promise<PasswordViolation[]> {
    const result = evaluatePassword(password, policy, this.context(account));
    const violations = [...result.violations];
    const recent = this.accounts.passwordHistory(account.id, policy.password.historyCount);
    for (const old of recent) {
      if ((await this.hasher.verify(old, password)).ok) {
        violations.push({ code: 'reused', count: policy.password.historyCount });
        break;
      }
    }
    return violations;
  }

  /**
   * Hashes an accepted new password and returns the account patch; the previous hash joins the
   * history. `temporary` passwords expire after an hour and must be changed at first sign-in.
   */
  async prepare(
    account: Pick<AccountRow, 'id' | 'passwordHash'> | null,
    password: string,
    now: number,
    temporary: boolean,
  ) {
    // The hash and the credential key of the new password, side by side (two argon2id runs).
    const [passwordHash, material] = await Promise.all([
      this.hasher.hash(password),
      newCredential(password),
    ]);
    return {
      passwordHash,
      previousHash: account?.passwordHash ?? null,
      /** What the new password yields (common/identity/credential.ts); its key signs later changes. */
      material,
      patch: {
        passwordHash,
        passwordChangedAt: now,
        mustChangePassword: temporary,
        tempPasswordExpiresAt: temporary ? now + TEMPORARY_PASSWORD_TTL_MS : null,
        updatedAt: now,
      },
    };
  }

  /** Why this account must change its password before doing anything else, if it must. */
  changeReason(
    account: AccountRow,
    policy: EffectivePolicy,
    now: number,
  ): 'temporary' | 'required' | 'expired' | null {
    if (account.tempPasswordExpiresAt !== null) return 'temporary';
    if (account.mustChangePassword) return 'required';
    const expiresAt = passwordExpiresAt(
      policy,
      account.passwordChangedAt,
      account.totpEnabledAt !== null,
    );
    return expiresAt !== null && now >= expiresAt ? 'expired' : null;
  }
}

/**
 * A random temporary password: 16 characters from unambiguous upper, lower and digits, at least
 * one of each (so it satisfies every composition profile). ~93 bits.
 */
export function generateTemporaryPassword(): string {
  const all = TEMP_ALPHABETS.join('');
  for (;;) {
    let out = '';
    for (let i = 0; i < 16; i += 1) out += all[randomInt(all.length)];
    if (TEMP_ALPHABETS.every((set) => [...out].some((c) => set.includes(c)))) return out;
  }
}
