import type { Credential } from '../../../common/identity/credential';
import type { Role } from '../../../common/policy/policy';
import type { SessionView } from '../auth/session.service';
import type { StandaloneAuthority } from '../integrity/standalone-authority.service';
import type { StandaloneFields } from '../integrity/standalone-records';
import type { Signer, StoreKeyring } from '../integrity/store-keyring';
import { KeyholderError } from '../errors';
import type { AccountRow } from './account-repository';
import type { CredentialsService } from './credentials.service';

/**
 * What a manager's or admin's change to someone means for a standalone PC's signed records and
 * keys (integrity/standalone-authority.service.ts): the next record of the account, signed with
 * the key the actor opened for their session, and the keys the person holds after it — the
 * store key for an admin, a manager key for a manager, none for crew or a disabled account.
 * A key is sealed to the credential of the person's password (a new temporary one, or the
 * current one), so giving it needs no password of theirs.
 *
 * On a connected PC nothing here applies (`signerFor` is null) and the services change the
 * rows as before; on a standalone PC set up before store keys, until an admin has confirmed
 * their password once (which makes its store key), neither.
 */
export class StaffRecords {
  constructor(
    private readonly d: {
      authority: StandaloneAuthority;
      keyring: StoreKeyring;
      credentials: CredentialsService;
    },
  ) {}

  /** The key this session opened, when this PC signs its records; `password_required` if none. */
  signerFor(me: SessionView): Signer | null {
    return this.d.authority.signerFor(me);
  }

  /** A new account's first record; `credential` is its temporary password's. */
  created(signer: Signer, account: AccountRow, credential: Credential): number {
    const managerKey = this.grant(signer, account.id, account.role, credential);
    return this.d.authority.write(signer, account, {}, { credential, managerKey, fresh: true });
  }

  /** A temporary password (`credential`): the record, and the person's key sealed to it. */
  passwordReset(
    signer: Signer,
    account: AccountRow,
    patch: Partial<StandaloneFields>,
    credential: Credential,
  ): number {
    const managerKey = this.grant(signer, account.id, account.role, credential);
    return this.d.authority.write(signer, account, patch, { credential, managerKey });
  }

  /** Any other change: status, role, two-step sign-in reset. */
  changed(signer: Signer, account: AccountRow, patch: Partial<StandaloneFields>): number {
    const role = patch.role ?? account.role;
    const status = patch.status ?? account.status;
    let managerKey: string | null | undefined;
    if (status !== 'active' || role === 'viewer') {
      this.d.keyring.revoke(account.id);
      managerKey = null;
    } else if (patch.role !== undefined || patch.status !== undefined) {
      // A new role, or back from disabled: the key the role holds, sealed to their password.
      const credential = this.d.credentials.current(account);
      if (!credential) {
        throw new KeyholderError(
          'password_key_missing',
          'This person’s password was set before this version of Keyholder. Give them a temporary password first, then try again.',
        );
      }
      managerKey = this.grant(signer, account.id, role, credential);
    }
    return this.d.authority.write(
      signer,
      account,
      patch,
      managerKey === undefined ? {} : { managerKey },
    );
  }

  /** Seals the key `role` holds to `credential`; returns a new manager key's public half. */
  private grant(
    signer: Signer,
    accountId: string,
    role: Role,
    credential: Credential,
  ): string | null {
    if (role === 'viewer') {
      this.d.keyring.revoke(accountId);
      return null;
    }
    if (role === 'manager') return this.d.keyring.newManagerKey(accountId, credential);
    if (signer.kind !== 'store')
      throw new KeyholderError('forbidden', 'You do not have permission to do that.');
    this.d.keyring.grant(accountId, 'store', signer.seed, credential);
    return null;
  }
}
