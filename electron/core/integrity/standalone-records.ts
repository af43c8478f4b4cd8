import { accountSigningInput } from '../../../common/sync/signed-records';
import { syncedAccountSchema, type SyncedAccount } from '../../../common/sync/protocol';
import type { Credential } from '../../../common/identity/credential';
import { signedByCredential } from '../crypto/credential-key';
import type { Db } from '../db/database';
import { KeyholderError } from '../errors';
import { verifiedAccountRecord, type Anchor } from './signed-state';
import { signWith, type Signer } from './store-keyring';

/**
 * Account records on a standalone PC (no server to sign them): the same record as a server
 * sends (common/sync/signed-records.ts), signed with the store key (integrity/store-keyring.ts)
 * — or, for crew only, with the key of a manager whose own record the store key signed and
 * names that key (`managerKey`; the record says `signedBy`). So a manager's password signs crew
 * records and nothing else, and an admin's signs anything.
 *
 * There is no server to say which version of a record is the latest: each signed record's
 * version is written in the audit entry of the action that made it (`recordVersion`), and a
 * record older than the newest one the log names is a record put back from a copy.
 */

/** The record in `json`, if it verifies against the store key or a manager key the store signed. */
export function verifiedStandaloneRecord(
  db: Db,
  anchor: Anchor,
  json: string | null,
): SyncedAccount | null {
  if (json === null) return null;
  let parsed: SyncedAccount;
  try {
    const result = syncedAccountSchema.safeParse(JSON.parse(json));
    if (!result.success) return null;
    parsed = result.data;
  } catch {
    return null;
  }
  if (!parsed.signedBy) return verifiedAccountRecord(anchor, json);
  const manager = db
    .prepare('SELECT signed_record FROM accounts WHERE id = ?')
    .get(parsed.signedBy) as { signed_record: string | null } | undefined;
  const signer = verifiedAccountRecord(anchor, manager?.signed_record ?? null);
  if (
    !signer ||
    signer.signedBy ||
    signer.role !== 'manager' ||
    signer.status !== 'active' ||
    !signer.managerKey ||
    parsed.role !== 'viewer'
  )
    return null;
  const { signature, ...fields } = parsed;
  const text = accountSigningInput(anchor.storeId, fields);
  return signedByCredential({ key: signer.managerKey }, text, signature) ? parsed : null;
}

/** The newest record version the audit log names for an account (0 when none). */
export function auditedRecordVersion(db: Db, accountId: string): number {
  const row = db
    .prepare(
      `SELECT max(json_extract(details, '$.recordVersion')) AS v FROM audit_log
       WHERE target_id = ? AND json_extract(details, '$.recordVersion') IS NOT NULL`,
    )
    .get(accountId) as { v: number | null };
  return row.v ?? 0;
}

/**
 * auditedRecordVersion for the sign-in checks, kept per account and brought up to date from the
 * entries appended since (a rowid range, so a check costs the new entries, not the account's
 * whole history: every failed sign-in names its account, and a store keeps years of them).
 * Only ever stricter than the log: a log found shorter than seen (cut by hand) keeps the higher
 * version. Inside a transaction it asks the log directly, since what that transaction wrote may
 * still be rolled back.
 */
export class AuditedVersions {
  private readonly known = new Map<string, { version: number; upTo: number }>();

  constructor(private readonly db: Db) {}

  of(accountId: string): number {
    if (this.db.inTransaction) return auditedRecordVersion(this.db, accountId);
    const head =
      (this.db.prepare('SELECT max(seq) AS s FROM audit_log').get() as { s: number | null }).s ?? 0;
    const held = this.known.get(accountId);
    if (held && head === held.upTo) return held.version;
    const found =
      held && head > held.upTo
        ? this.newer(accountId, held.upTo)
        : auditedRecordVersion(this.db, accountId);
    const version = Math.max(held?.version ?? 0, found);
    this.known.set(accountId, { version, upTo: head });
    return version;
  }

  private newer(accountId: string, after: number): number {
    // `+target_id`: no index on it, so SQLite walks the rowid range of the new entries.
    const row = this.db
      .prepare(
        `SELECT max(json_extract(details, '$.recordVersion')) AS v FROM audit_log
         WHERE seq > ? AND +target_id = ? AND json_extract(details, '$.recordVersion') IS NOT NULL`,
      )
      .get(after, accountId) as { v: number | null };
    return row.v ?? 0;
  }
}

/** The newest policy version the audit log names (a standalone PC's floor for its bundle). */
export function auditedPolicyVersion(db: Db): number {
  const row = db
    .prepare(
      `SELECT max(json_extract(details, '$.versionAfter')) AS v FROM audit_log
       WHERE action = 'policy.change'`,
    )
    .get() as { v: number | null };
  return row.v ?? 0;
}

/** What a signed record says of an account, before it is signed. */
export interface StandaloneFields {
  id: string;
  username: string;
  displayName: string;
  email: string;
  role: SyncedAccount['role'];
  status: SyncedAccount['status'];
  passwordHash: string;
  passwordChangedAt: number;
  mustChangePassword: boolean;
  tempPasswordExpiresAt: number | null;
  totpSecret: string | null;
  credential: Credential | null;
  managerKey: string | null;
}

/**
 * Signs the next version of an account's record. A manager's key signs crew records only (the
 * check is here as well as in the rule that verifies them).
 */
export function signStandaloneRecord(
  signer: Signer,
  storeId: string,
  fields: StandaloneFields,
  version: number,
): SyncedAccount {
  if (signer.kind === 'manager' && fields.role !== 'viewer')
    throw new KeyholderError('forbidden', 'You do not have permission to do that.');
  const record = {
    id: fields.id,
    username: fields.username,
    displayName: fields.displayName,
    email: fields.email,
    role: fields.role,
    status: fields.status,
    passwordHash: fields.passwordHash,
    passwordChangedAt: fields.passwordChangedAt,
    mustChangePassword: fields.mustChangePassword,
    temporaryPasswordExpiresAt: fields.tempPasswordExpiresAt,
    totpSecret: fields.totpSecret,
    credential: fields.credential,
    managerKey: fields.managerKey,
    version,
  };
  return {
    ...record,
    signature: signWith(signer, accountSigningInput(storeId, record)),
    ...(signer.kind === 'manager' ? { signedBy: signer.accountId } : {}),
  };
}
