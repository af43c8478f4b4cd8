import type { Credential } from '../../../common/identity/credential';
import type { PolicyDocument } from '../../../common/policy/policy';
import {
  policySigningInput,
  type SignedPolicy,
  type SyncedAccount,
} from '../../../common/sync/protocol';
import type { AccountRepository, AccountRow } from '../accounts/account-repository';
import { recordCredential, type CredentialsService } from '../accounts/credentials.service';
import type { SessionView } from '../auth/session.service';
import { newCredential, type CredentialMaterial } from '../crypto/credential-key';
import type { AuditLog } from '../audit/audit-log';
import type { Db } from '../db/database';
import type { PolicyService } from '../policy/policy.service';
import { KeyholderError } from '../errors';
import {
  auditedRecordVersion,
  signStandaloneRecord,
  type StandaloneFields,
} from './standalone-records';
import type { Anchor } from './signed-state';
import { AccountTampered, type StoreIntegrity } from './store-integrity.service';
import { tracesOfAnchor } from './store-anchor';
import { signWith, type Signer, type StoreKeyring } from './store-keyring';

/**
 * The standalone PC's own authority at work (integrity/store-keyring.ts): each change an admin or
 * manager makes to an account is written with the next signed record of it, in the same
 * transaction as the change and its audit entry (which names the record's version). The key
 * signing it is the one the person opened for their session with their password; without one,
 * the action asks for it (`password_required`).
 *
 * A record is made from the account's row when the row agrees with its current record (changes
 * the person made here and signed are taken into it), and from the current record itself when
 * it does not: an admin's action on an account someone edited by hand repairs it from what was
 * signed, never signs the edit.
 */
export class StandaloneAuthority {
  constructor(
    private readonly d: {
      db: Db;
      accounts: AccountRepository;
      keyring: StoreKeyring;
      integrity: StoreIntegrity;
      credentials: CredentialsService;
      policies: PolicyService;
      audit: AuditLog;
      now: () => number;
    },
  ) {}

  /** Whether this PC's records are signed by its own store key (standalone, set up with one). */
  active(): boolean {
    return this.d.integrity.anchor()?.kind === 'store';
  }

  /** The key opened for this session. */
  signer(sessionId: string): Signer {
    const signer = this.d.keyring.signerFor(sessionId);
    if (signer) return signer;
    throw passwordRequired();
  }

  /**
   * The key a change made in `session` is signed with: null on a PC that does not sign its
   * records (connected, or standalone from before store keys); `password_required` until the
   * person opened theirs. On a standalone PC from before store keys an admin is asked too: their
   * confirmation makes the store key (`unlock`), and the change is then signed like any other.
   */
  signerFor(session: Pick<SessionView, 'sessionId' | 'role'>): Signer | null {
    if (this.active()) return this.signer(session.sessionId);
    if (this.signs(session)) throw passwordRequired();
    return null;
  }

  /** Whether a change made in `session` is signed here (see `signerFor`). */
  signs(session: Pick<SessionView, 'role'>): boolean {
    return this.active() || (session.role === 'admin' && this.legacy());
  }

  /**
   * Opens, for this session, the key the person holds (an admin the store key, a manager their
   * own), with their password; a wrong one counts like a failed sign-in.
   */
  async unlock(session: SessionView, password: string): Promise<void> {
    const account = this.d.accounts.byId(session.accountId);
    if (!account) throw new KeyholderError('session_ended', 'You are signed out. Sign in again.');
    this.d.integrity.assertAccount(account);
    const proven = await this.d.credentials.prove(account, password);
    if (this.legacy() && account.role === 'admin') {
      // The password was checked against its hash: it becomes the first credential here.
      const material = proven ?? (await newCredential(password));
      const now = this.d.now();
      const signer = this.d.db.transaction(() => {
        const made = this.adopt(account, material, now);
        this.d.audit.append({
          actor: { id: account.id, name: account.username },
          action: 'store.sign',
          outcome: 'success',
          details: { reason: 'adopted', storeKey: this.d.keyring.fingerprint() },
        });
        return made;
      })();
      this.d.keyring.remember(session.sessionId, signer);
      return;
    }
    if (!this.active()) return;
    if (!proven) throw keyMissing();
    const signer = this.d.keyring.open(account.id, proven);
    if (signer) this.d.keyring.remember(session.sessionId, signer);
  }

  /** A standalone PC set up before store keys (nothing signed, no server, no trace of either). */
  private legacy(): boolean {
    return (
      this.d.integrity.anchor() === null &&
      !this.d.db.prepare('SELECT 1 FROM sync_state WHERE id = 1').get() &&
      !tracesOfAnchor(this.d.db)
    );
  }

  /** First run: the store key, pinned and sealed to the first admin; their first record. */
  found(admin: AccountRow, material: CredentialMaterial, now: number): Signer {
    const signer = this.d.keyring.createStore(admin.id, material.credential, now);
    this.write(signer, admin, {}, { credential: material.credential, fresh: true });
    return signer;
  }

  /**
   * A standalone PC set up before store keys: its first admin to confirm their password makes
   * its store key and signs every account and the policy as they are (trusted on first use, as
   * the PC trusted them until then). Inside a transaction, audited by the caller.
   */
  adopt(admin: AccountRow, material: CredentialMaterial, now: number): Signer {
    // Read while nothing is signed yet: the policy in use is the one saved, signed below.
    const policy = this.d.policies.current();
    const signer = this.d.keyring.createStore(admin.id, material.credential, now);
    for (const account of this.d.accounts.list()) {
      const credential = this.d.credentials.current(account);
      const managerKey =
        account.role === 'manager' && credential
          ? this.d.keyring.newManagerKey(account.id, credential)
          : null;
      if (account.role === 'admin' && credential && account.id !== admin.id)
        this.d.keyring.grant(account.id, 'store', signer.seed, credential);
      this.write(
        signer,
        account,
        {},
        {
          credential: account.id === admin.id ? material.credential : credential,
          managerKey,
          fresh: true,
        },
      );
    }
    this.d.policies.replace(
      { id: admin.id, name: admin.username },
      { roles: policy.roles },
      (doc) => this.signPolicy(signer, doc, now),
    );
    return signer;
  }

  /**
   * Writes the next signed record of `account` with `patch` (and the row to match); returns its
   * version for the audit entry (`recordVersion`). Inside the caller's transaction.
   */
  write(
    signer: Signer,
    account: AccountRow,
    patch: Partial<StandaloneFields>,
    extra: { credential?: Credential | null; managerKey?: string | null; fresh?: boolean } = {},
  ): number {
    const anchor = this.d.integrity.anchor();
    if (anchor?.kind !== 'store') throw new Error('no store key on this PC');
    const record = this.d.integrity.recordOf(anchor, account.signedRecord);
    // Only an account made in this very transaction has no record yet (`fresh`).
    const agrees = extra.fresh === true || this.d.integrity.heldVersion(account) !== null;
    if (!agrees && !record) throw new AccountTampered();
    const base: StandaloneFields = agrees
      ? {
          ...account,
          credential: this.d.credentials.current(account),
          managerKey: record?.managerKey ?? null,
        }
      : fromRecord(record!, account.username, recordCredential(account.signedRecord));
    const fields: StandaloneFields = {
      ...base,
      ...patch,
      ...('credential' in extra ? { credential: extra.credential ?? null } : {}),
      ...('managerKey' in extra ? { managerKey: extra.managerKey ?? null } : {}),
    };
    // A manager's key replaced or gone: the crew records it signed are signed again by the store
    // key (read now, while her current record still vouches for them).
    const crew =
      record?.role === 'manager' && (record.managerKey ?? null) !== fields.managerKey
        ? this.crewSignedBy(anchor, account.id)
        : [];
    const version = Math.max(record?.version ?? 0, auditedRecordVersion(this.d.db, account.id)) + 1;
    const signed = signStandaloneRecord(signer, anchor.storeId, fields, version);
    this.d.accounts.update(account.id, {
      displayName: fields.displayName,
      email: fields.email,
      role: fields.role,
      status: fields.status,
      passwordHash: fields.passwordHash,
      passwordChangedAt: fields.passwordChangedAt,
      mustChangePassword: fields.mustChangePassword,
      tempPasswordExpiresAt: fields.tempPasswordExpiresAt,
      totpSecret: fields.totpSecret,
      ...(fields.totpSecret === null ? { totpEnabledAt: null } : {}),
    });
    this.d.db
      .prepare('UPDATE accounts SET signed_record = ?, server_version = ? WHERE id = ?')
      .run(JSON.stringify(signed), version, account.id);
    // Changes the person made here are in this record now.
    this.d.db.prepare('DELETE FROM account_outbox WHERE account_id = ?').run(account.id);
    for (const r of crew) {
      const next = Math.max(r.version, auditedRecordVersion(this.d.db, r.id)) + 1;
      const fresh = fromRecord(r, r.username, r.credential ?? null);
      this.d.db
        .prepare('UPDATE accounts SET signed_record = ? WHERE id = ?')
        .run(JSON.stringify(signStandaloneRecord(signer, anchor.storeId, fresh, next)), r.id);
    }
    return version;
  }

  /** The verified records a manager's key signed. */
  private crewSignedBy(anchor: Anchor, managerId: string): SyncedAccount[] {
    const rows = this.d.db
      .prepare(
        `SELECT signed_record FROM accounts WHERE json_extract(signed_record, '$.signedBy') = ?`,
      )
      .all(managerId) as { signed_record: string }[];
    return rows
      .map((row) => this.d.integrity.recordOf(anchor, row.signed_record))
      .filter((r): r is SyncedAccount => r !== null);
  }

  /** The policy signed with the store key (admins only hold it). */
  signPolicy(signer: Signer, document: PolicyDocument, issuedAt: number): SignedPolicy {
    if (signer.kind !== 'store')
      throw new KeyholderError('forbidden', 'You do not have permission to do that.');
    const unsigned = { version: document.version, issuedAt, document };
    return { ...unsigned, signature: signWith(signer, policySigningInput(unsigned)) };
  }
}

/** What a signed record says, as the fields of the next one (`username` from the row). */
function fromRecord(
  record: SyncedAccount,
  username: string,
  credential: Credential | null,
): StandaloneFields {
  return {
    id: record.id,
    username,
    displayName: record.displayName,
    email: record.email,
    role: record.role,
    status: record.status,
    passwordHash: record.passwordHash ?? '!',
    passwordChangedAt: record.passwordChangedAt ?? 0,
    mustChangePassword: record.mustChangePassword,
    tempPasswordExpiresAt: record.temporaryPasswordExpiresAt ?? null,
    totpSecret: record.totpSecret,
    credential,
    managerKey: record.managerKey ?? null,
  };
}

function passwordRequired(): KeyholderError {
  return new KeyholderError('password_required', 'Confirm your password to do this.');
}

function keyMissing(): KeyholderError {
  return new KeyholderError(
    'password_key_missing',
    'Your password was set before this version of Keyholder. Change your own password once (My account), then try again.',
  );
}
