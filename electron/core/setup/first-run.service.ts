import { randomUUID } from 'node:crypto';
import { usernameSchema } from '../../../common/identity/username';
import {
  defaultPolicyDocument,
  resolvePolicy,
  type ProfileId,
} from '../../../common/policy/policy';
import type { AccountRepository, AccountRow } from '../accounts/account-repository';
import { PasswordPolicyError, type PasswordService } from '../accounts/password.service';
import type { AuditLog } from '../audit/audit-log';
import type { SignInService, SignInStep } from '../auth/sign-in.service';
import type { Db } from '../db/database';
import type { DeviceService } from '../device/device.service';
import { KeyholderError } from '../errors';
import type { PolicyService } from '../policy/policy.service';
import type { StandaloneAuthority } from '../integrity/standalone-authority.service';
import type { StoreKeyring } from '../integrity/store-keyring';
import type { TrustedTime } from '../time/trusted-time';

export interface FirstAdminInput {
  profile: ProfileId;
  storeName: string;
  brandName: string;
  username: string;
  displayName: string;
  email: string;
  password: string;
}

/**
 * First run: there are no default accounts. The person setting up the PC chooses the policy
 * profile and creates the first admin, who then goes straight into 2FA enrollment (required
 * for admins) through the ordinary sign-in challenge.
 */
export class FirstRunService {
  constructor(
    private readonly d: {
      db: Db;
      accounts: AccountRepository;
      passwords: PasswordService;
      policies: PolicyService;
      device: DeviceService;
      audit: AuditLog;
      time: TrustedTime;
      signIn: SignInService;
      authority: StandaloneAuthority;
      keyring: StoreKeyring;
    },
  ) {}

  needsSetup(): boolean {
    // A connected PC gets its people from the server, even before the first pull arrives.
    return this.d.accounts.count() === 0 && this.d.device.state().mode === 'standalone';
  }

  async createFirstAdmin(input: FirstAdminInput): Promise<SignInStep> {
    if (!this.needsSetup())
      throw new KeyholderError('already_set_up', 'This computer is already set up.');
    const username = usernameSchema.safeParse(input.username);
    if (!username.success)
      throw new KeyholderError(
        'invalid_username',
        'Usernames are 3–64 letters, digits, dots, dashes, underscores or @.',
      );
    const document = defaultPolicyDocument(input.profile);
    const candidate = {
      id: randomUUID(),
      username: username.data,
      displayName: input.displayName.trim(),
      email: input.email.trim(),
    };
    this.d.device.setStore(input.storeName.trim(), input.brandName.trim());
    const policy = resolvePolicy(document, 'admin');
    const violations = await this.d.passwords.check(candidate, input.password, policy);
    if (violations.length) throw new PasswordPolicyError(violations);
    const now = this.d.time.now();
    const prepared = await this.d.passwords.prepare(null, input.password, now, false);
    const account: AccountRow = {
      ...candidate,
      role: 'admin',
      status: 'active',
      passwordHash: prepared.passwordHash,
      passwordChangedAt: now,
      mustChangePassword: false,
      tempPasswordExpiresAt: null,
      totpSecret: null,
      totpEnabledAt: null,
      totpLastStep: 0,
      totpPendingSecret: null,
      totpPendingAt: null,
      createdAt: now,
      updatedAt: now,
      lastSignInAt: null,
      serverVersion: 0,
      totpOrigin: 'local',
      signedRecord: null,
    };
    const signer = this.d.db.transaction(() => {
      if (!this.needsSetup())
        throw new KeyholderError('already_set_up', 'This computer is already set up.');
      this.d.accounts.insert(account);
      // The store key (integrity/store-keyring.ts): made now, pinned, sealed to this admin;
      // it signs the admin's record and the policy, and is named in the first entry.
      const made = this.d.authority.found(account, prepared.material, now);
      const actor = { id: account.id, name: account.username };
      this.d.audit.append({
        actor,
        action: 'setup.first_admin',
        target: actor,
        outcome: 'success',
        details: {
          storeName: input.storeName.trim(),
          storeKey: this.d.keyring.fingerprint(),
          recordVersion: 1,
        },
      });
      this.d.policies.replace(actor, { roles: document.roles }, (doc) =>
        this.d.authority.signPolicy(made, doc, now),
      );
      return made;
    })();
    return this.d.signIn.startFor(account, signer);
  }
}
