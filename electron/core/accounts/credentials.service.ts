import type { KeyObject } from 'node:crypto';
import {
  accountChangeSigningInput,
  credentialSchema,
  type AuthorizedChangeFields,
  type AuthorizedTotpFields,
  type ChangeAuthorization,
  type Credential,
} from '../../../common/identity/credential';
import type { SignInFailures } from '../auth/sign-in-failures';
import { invalidCredentials } from '../auth/sign-in.service';
import { deriveCredential, signText, type CredentialMaterial } from '../crypto/credential-key';
import { KeyholderError } from '../errors';
import type { SyncStateRepository } from '../sync/sync-state';
import type { AccountRow } from './account-repository';
import type { PasswordHasher } from './password-hasher';

/** Who signs a change: an account and the key its password yielded just now. */
export interface ChangeSigner {
  readonly id: string;
  readonly signingKey: KeyObject;
}

/**
 * People's credential keys on this PC (common/identity/credential.ts): which key an account
 * holds now, proving a password and getting its key, and signing a change with it.
 *
 * An account's current credential is that of its newest change still held in the outbox (a
 * password changed here, which the server has not signed back yet), else its signed record's.
 * Keys exist only in memory, for the action that needed them; nothing derived is stored.
 */
export class CredentialsService {
  constructor(
    private readonly d: {
      hasher: PasswordHasher;
      failures: SignInFailures;
      syncState: SyncStateRepository;
      time: { now(): number };
    },
  ) {}

  /** The credential of the account's current password, or null (set before credential keys). */
  current(account: Pick<AccountRow, 'id' | 'signedRecord'>): Credential | null {
    const held = this.d.syncState.changesOf(account.id);
    for (let i = held.length - 1; i >= 0; i -= 1) {
      const credential = held[i]!.credential;
      if (credential !== undefined) return credential;
    }
    return recordCredential(account.signedRecord);
  }

  /**
   * The key `password` yields for this account, if it is the account's password (else the
   * failure is counted like a sign-in, and `invalid_credentials`). Null when the account has no
   * credential key yet: then the password was checked against its hash.
   */
  async prove(account: AccountRow, password: string): Promise<CredentialMaterial | null> {
    const credential = this.current(account);
    let material: CredentialMaterial | null = null;
    const right = await this.d.failures.verifyCounted(
      account.username,
      account,
      'bad_password',
      this.d.time.now(),
      async () => {
        if (!credential) return (await this.d.hasher.verify(account.passwordHash, password)).ok;
        material = await deriveCredential(password, credential.salt);
        return material.credential.key === credential.key;
      },
    );
    if (!right) throw invalidCredentials();
    return material;
  }

  /**
   * The key of a password that has just been checked (a sign-in that must now change it), or
   * null when the account has no credential key or the password does not yield it.
   */
  async keyOf(account: AccountRow, password: string): Promise<CredentialMaterial | null> {
    const credential = this.current(account);
    if (!credential) return null;
    const material = await deriveCredential(password, credential.salt);
    return material.credential.key === credential.key ? material : null;
  }

  /** `authorize` for a change the owner makes, as the queues take it (none without a key). */
  ownAuthorizer(accountId: string, material: CredentialMaterial | null) {
    return (storeId: string, change: AuthorizedChangeFields | AuthorizedTotpFields) =>
      material
        ? this.authorize(storeId, change, { id: accountId, signingKey: material.signingKey })
        : undefined;
  }

  /** The signature that says `signer` made this change (checked by the server and by PCs). */
  authorize(
    storeId: string | null,
    change: AuthorizedChangeFields | AuthorizedTotpFields,
    signer: ChangeSigner,
  ): ChangeAuthorization {
    return {
      by: signer.id,
      signature: signText(signer.signingKey, accountChangeSigningInput(storeId, change, signer.id)),
    };
  }
}

/** The credential in a stored signed record (its signature is checked where it is relied on). */
export function recordCredential(signedRecord: string | null): Credential | null {
  if (signedRecord === null) return null;
  try {
    const parsed = credentialSchema.safeParse(
      (JSON.parse(signedRecord) as { credential?: unknown }).credential,
    );
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Giving someone a temporary password needs your own credential key. */
export function credentialMissing(): KeyholderError {
  return new KeyholderError(
    'password_key_missing',
    'Your password was set before this version of Keyholder. Change your own password once (My account), then try again.',
  );
}
