import { canonicalJson } from '../../../common/audit/canonical-json';
import type { PolicyDocument, Role } from '../../../common/policy/policy';
import type { SignedPolicy, SyncedAccount } from '../../../common/sync/protocol';
import { recordedAccountFields, type SyncReceipt } from '../../../common/sync/signed-records';
import type { AccountRow } from '../accounts/account-repository';
import type { AuditLog } from '../audit/audit-log';
import type { Db } from '../db/database';
import { KeyholderError } from '../errors';
import { verifySignedPolicy } from '../sync/policy-verifier';
import { checkHeldChanges, type HeldPassword } from './held-changes';
import {
  auditedPolicyVersion,
  AuditedVersions,
  verifiedStandaloneRecord,
} from './standalone-records';
import { namedInChain, tracesOfAnchor } from './store-anchor';
import type { StoreKeyring } from './store-keyring';
import {
  accountsDigest,
  pinnedKey,
  verifiedAccountRecord,
  verifiedReceipt,
  type Anchor,
} from './signed-state';

/** A password no input can match (an account the server sent without one). */
export const NO_PASSWORD = '!';

/** What a tamper event is about (the `subject` of an `integrity.tamper` audit entry). */
export type TamperSubject = 'account' | 'anchor' | 'receipt' | 'policy' | 'device' | 'audit';

/** A problem of the store as a whole that stops every sign-in until a sync settles it. */
type Blocker = 'anchor' | 'receipt' | 'policy' | 'audit';

export class AccountTampered extends KeyholderError {
  constructor() {
    super(
      'account_tampered',
      'This account’s record on this PC was changed outside Keyholder, so it cannot be used here until the PC syncs with the server again. Tell your manager.',
    );
  }
}

/**
 * Invariant 9: every record a sign-in decision rests on verifies against the key this PC pinned
 * (the server's at enrollment, or on a standalone PC its own store key at first run:
 * integrity/standalone-records.ts), each time the PC relies on it.
 *
 * - An account row agrees with its signed record (signed-records.ts), except for a password
 *   changed here and waiting in the outbox, and a TOTP secret enrolled here for an account the
 *   server has none for. Its record is never older than the last receipt said (`floor`), and an
 *   account the receipt did not name must be newer than the receipt's cursor: a row restored
 *   from a copy (a disable undone) does not verify.
 * - The receipt verifies; the accounts it names (`receipt_accounts`) hash to its digest; when no
 *   pull ran since, the store holds exactly those accounts.
 * - The policy is the signed bundle, no older than the receipt's policy version (policy.service).
 * - A store that was connected keeps its anchor: without `sync_state`, any trace of a server
 *   (signed records, a receipt, the enrolled mode) means the anchor was removed.
 *
 * Every problem is audited once per run (`integrity.tamper`, uploaded at the next sync), and the
 * next pull starts again from 0, so genuine signed records replace whatever was edited. Problems
 * of the whole store stop every sign-in until then (`signInBlocker`); on a standalone PC, which
 * has no server to heal it, an admin still signs in and signs the store's state again.
 */
export class StoreIntegrity {
  private readonly reported = new Set<string>();
  private readonly blockers = new Set<Blocker>();
  /** Account id → the lowest record version the PC may hold (receipt, then later pulls). */
  private floor = new Map<string, number>();
  private receiptCursor = 0;
  /** The anchor last found named in the audit log (`namedInChain`). */
  private namedPem: string | null = null;
  /** The stored receipt last verified (its JSON), so a sign-in does not verify it again. */
  private verified: { json: string; receipt: SyncReceipt } | null = null;

  private readonly audited: AuditedVersions;

  constructor(
    private readonly d: { db: Db; audit: AuditLog; deviceId: string; keyring: StoreKeyring },
  ) {
    this.audited = new AuditedVersions(d.db);
  }

  /**
   * What this PC checks its records against: the server key pinned at enrollment, or on a
   * standalone PC the store key pinned at first run (integrity/store-keyring.ts); null on a
   * standalone PC set up before store keys (nothing is signed there yet).
   */
  anchor(): Anchor | null {
    const row = this.d.db
      .prepare('SELECT store_id, server_public_key FROM sync_state WHERE id = 1')
      .get() as { store_id: string; server_public_key: string } | undefined;
    const own = row ? null : this.d.keyring.anchorKey();
    const pem = row?.server_public_key ?? own;
    if (!pem) return null;
    const publicKey = pinnedKey(pem);
    if (!publicKey) {
      this.problem('anchor', 'bad_pinned_key', {}, 'anchor');
      return null;
    }
    if (this.namedPem !== pem) {
      if (!namedInChain(this.d.db, row ? 'serverKey' : 'storeKey', pem)) {
        this.problem('anchor', 'anchor_replaced', {}, 'anchor');
        return null;
      }
      this.namedPem = pem;
    }
    return {
      kind: row ? 'server' : 'store',
      publicKey,
      publicKeyPem: pem,
      // A standalone PC is its own store: its records are signed for its device id.
      storeId: row?.store_id ?? this.d.deviceId,
      deviceId: this.d.deviceId,
    };
  }

  /** The verified record of an account, by the anchor's rules (null: none, or it does not verify). */
  recordOf(anchor: Anchor, signedRecord: string | null): SyncedAccount | null {
    return anchor.kind === 'server'
      ? verifiedAccountRecord(anchor, signedRecord)
      : verifiedStandaloneRecord(this.d.db, anchor, signedRecord);
  }

  /**
   * A connected PC's policy: the stored signed bundle, if it verifies, is no older than the
   * receipt says and is the document in use; else the problem is reported (sign-in stops until
   * a sync brings the bundle again) and null is returned.
   */
  trustedPolicy(
    anchor: Anchor,
    row: { document: string; signed_bundle: string | null } | undefined,
  ): PolicyDocument | null {
    let bundle: SignedPolicy | null;
    try {
      bundle = verifySignedPolicy(JSON.parse(row?.signed_bundle ?? 'null'), anchor.publicKeyPem, 0);
    } catch {
      bundle = null;
    }
    const receipt = this.receipt(anchor);
    const floor =
      anchor.kind === 'server' ? (receipt?.policyVersion ?? 0) : auditedPolicyVersion(this.d.db);
    const reason = !bundle
      ? 'bundle_invalid'
      : bundle.version < floor
        ? 'bundle_rolled_back'
        : !sameDocument(row!.document, bundle.document)
          ? 'document_edited'
          : null;
    // A PC that never completed a pull has no policy yet: nothing to report.
    if (reason && (row || receipt)) this.problem('policy', reason, {}, 'policy');
    return reason ? null : bundle!.document;
  }

  /** Checks the whole store (at start-up): anchor, receipt, every account, device mirror. */
  checkStore(): void {
    const anchor = this.anchor();
    if (!anchor) {
      if (!this.blockers.has('anchor') && tracesOfAnchor(this.d.db))
        this.problem('anchor', 'anchor_missing', {}, 'anchor');
      return;
    }
    if (anchor.kind === 'store') {
      for (const raw of this.d.db.prepare('SELECT id, signed_record FROM accounts').all() as {
        id: string;
        signed_record: string | null;
      }[]) {
        if (!this.recordOf(anchor, raw.signed_record))
          this.problem('account', 'record_invalid', { accountId: raw.id });
      }
      return;
    }
    const receipt = this.receipt(anchor);
    // Without a receipt nobody signs in (offline bounds), and the next sync brings every record.
    if (!receipt) return;
    // A break of the audit log found since the last receipt: its count of sign-ins cannot be
    // trusted until a sync has reported the break and started a new count (restarts included).
    const unreported = this.d.db
      .prepare(
        `SELECT 1 FROM audit_log WHERE seq > ? AND +action = 'integrity.tamper'
           AND json_extract(details, '$.subject') = 'audit' LIMIT 1`,
      )
      .get(receipt.auditHead);
    if (unreported) this.blockers.add('audit');
    const rows = this.d.db.prepare('SELECT * FROM accounts').all() as Record<string, unknown>[];
    const held = new Set<string>();
    for (const raw of rows) {
      const id = raw.id as string;
      held.add(id);
      const record = verifiedAccountRecord(anchor, raw.signed_record as string | null);
      if (!record) this.problem('account', 'record_invalid', { accountId: id });
    }
    const state = this.d.db.prepare('SELECT cursor, full_sync_pending FROM sync_state').get() as {
      cursor: number;
      full_sync_pending: number;
    };
    if (state.cursor === receipt.cursor && state.full_sync_pending === 0) {
      // No pull since the receipt: the store holds exactly the accounts it names.
      const missing = [...this.floor.keys()].filter((id) => !held.has(id));
      const extra = [...held].filter((id) => !this.floor.has(id));
      if (missing.length || extra.length)
        this.problem('account', 'set_differs', { missing: missing.length, extra: extra.length });
    }
    const mode = this.d.db.prepare('SELECT mode FROM device WHERE id = 1').get() as
      { mode: string } | undefined;
    if (mode && mode.mode !== 'enrolled') this.problem('device', 'mode_edited', {});
  }

  /**
   * Throws unless the row may be relied on: the store is trusted (`signInBlocker`), a connected
   * PC has a verified receipt, and the row agrees with its signed record (else AccountTampered,
   * audited once). Call with a row just read, outside any transaction (the audit entry must
   * stay), at every decision: sign-in steps, unlocking, proving a password.
   */
  assertAccount(row: AccountRow): void {
    const blocker = this.signInBlocker(row.role);
    if (blocker) throw blocker;
    const anchor = this.anchor();
    if (!anchor) return;
    if (anchor.kind === 'server' && !this.receipt(anchor)) throw syncRequired();
    const reason = this.accountProblem(anchor, row);
    if (!reason) return;
    this.problem('account', reason, { accountId: row.id });
    throw new AccountTampered();
  }

  /**
   * The version of the genuine record a row agrees with, or null (unsigned, forged, rolled back
   * or edited): a pull replaces such a row even with a record of the same version.
   */
  heldVersion(row: AccountRow): number | null {
    const anchor = this.anchor();
    if (!anchor || this.accountProblem(anchor, row)) return null;
    return this.recordOf(anchor, row.signedRecord)?.version ?? null;
  }

  /** The verified receipt of a connected PC, or null (none yet, or it does not verify). */
  receipt(anchor = this.anchor()): SyncReceipt | null {
    if (anchor?.kind !== 'server') return null;
    const row = this.d.db
      .prepare('SELECT receipt, last_success_at FROM sync_state WHERE id = 1')
      .get() as { receipt: string | null; last_success_at: number | null } | undefined;
    if (!row) return null;
    if (this.verified && this.verified.json === row.receipt) return this.verified.receipt;
    const receipt = verifiedReceipt(anchor, row.receipt);
    if (!receipt) {
      // Never synced yet: nothing to verify, and nobody to sign in. Synced before: tampering.
      if (row.receipt !== null || row.last_success_at !== null)
        this.problem('receipt', row.receipt === null ? 'missing' : 'invalid', {}, 'receipt');
      return null;
    }
    const accounts = this.d.db
      .prepare('SELECT account_id AS id, version, status FROM receipt_accounts')
      .all() as { id: string; version: number; status: 'active' | 'disabled' }[];
    if (accountsDigest(accounts) !== receipt.accountsDigest) {
      this.problem('receipt', 'accounts_edited', {}, 'receipt');
      return null;
    }
    // Floors only rise while the app runs, even if an older receipt is put back meanwhile.
    for (const a of accounts) this.noteRecord(a.id, a.version);
    this.receiptCursor = Math.max(this.receiptCursor, receipt.cursor);
    this.verified = { json: row.receipt!, receipt };
    return receipt;
  }

  /** A pull stored a signed record: the PC may never hold an older one from now on. */
  noteRecord(accountId: string, version: number): void {
    this.floor.set(accountId, Math.max(version, this.floor.get(accountId) ?? 0));
  }

  /** A new anchor (a connect): what was known of the previous one no longer applies. */
  anchored(): void {
    this.settled();
    this.floor = new Map();
    this.receiptCursor = 0;
    this.verified = null;
  }

  /** An admin signed the policy again (standalone): a policy found edited is answered. */
  policySigned(): void {
    this.blockers.delete('policy');
  }

  /** A pull settled the store: problems found before are answered by what it brought. */
  settled(): void {
    this.blockers.clear();
    this.reported.clear();
  }

  /**
   * Why nobody may sign in now, or null. On a standalone PC a policy that does not verify stops
   * everyone but admins (`role`): an admin saves the policy again, and so signs it.
   */
  signInBlocker(role?: Role): KeyholderError | null {
    if (this.blockers.has('anchor'))
      return new KeyholderError(
        'store_tampered',
        'This PC’s store was changed outside Keyholder, so nobody can sign in here. Ask your administrator to reset this device.',
      );
    if (this.blockers.size === 0) return null;
    if (this.anchor()?.kind !== 'store') return syncRequired();
    return role === 'admin'
      ? null
      : new KeyholderError(
          'store_check_failed',
          'This PC’s records could not be verified, so only an administrator can sign in. An administrator signs in and saves the password policy again (Settings).',
        );
  }

  /**
   * The audit log found its tail cut or its head gone (and recorded it itself). On a connected
   * PC the sign-ins counted since the last receipt can no longer be trusted: nobody signs in
   * until a sync starts a new count.
   */
  auditTampered(): void {
    if (this.anchor()?.kind === 'server') this.blockers.add('audit');
  }

  /** Records a problem found elsewhere (the audit log, the policy) the same way. */
  reportProblem(subject: TamperSubject, reason: string, blocks: boolean): void {
    this.problem(subject, reason, {}, blocks ? (subject as Blocker) : undefined);
  }

  private accountProblem(anchor: Anchor, row: AccountRow): string | null {
    const record = this.recordOf(anchor, row.signedRecord);
    if (!record || record.id !== row.id) return 'record_invalid';
    if (anchor.kind === 'store') {
      // No receipt on a standalone PC: the audit log names each record version it made.
      if (record.version < this.audited.of(row.id)) return 'record_rolled_back';
    } else {
      const floor = this.floor.get(row.id);
      if (floor !== undefined ? record.version < floor : record.version <= this.receiptCursor)
        return 'record_rolled_back';
    }
    const expected = recordedAccountFields(record, NO_PASSWORD);
    if (
      row.username !== expected.username ||
      row.displayName !== expected.displayName ||
      row.email !== expected.email ||
      row.role !== expected.role ||
      row.status !== expected.status
    )
      return 'fields_edited';
    // A disabled account signs nobody in: what it keeps of its password and secret is moot.
    if (record.status === 'disabled') return null;
    const password = (p: HeldPassword) =>
      row.passwordHash === p.passwordHash &&
      row.passwordChangedAt === p.passwordChangedAt &&
      row.mustChangePassword === p.mustChangePassword &&
      row.tempPasswordExpiresAt === p.tempPasswordExpiresAt;
    // Changes made here wait in the outbox; each must be signed by whoever may make it.
    const held = checkHeldChanges(this.d.db, anchor, row, record);
    if (!held.ok) return held.reason;
    if (!password(held.latest ?? expected)) return 'password_edited';
    const totpLocal = expected.totpSecret === null && row.totpOrigin === 'local';
    if (row.totpSecret !== expected.totpSecret && !totpLocal) return 'totp_edited';
    return null;
  }

  /** Audits a problem once per run; a store-wide one also blocks sign-in until a sync. */
  private problem(
    subject: TamperSubject,
    reason: string,
    details: Record<string, unknown>,
    blocks?: Blocker,
  ): void {
    if (blocks) this.blockers.add(blocks);
    const key = `${subject}:${reason}:${JSON.stringify(details)}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.d.db.transaction(() => {
      this.d.audit.append({
        action: 'integrity.tamper',
        outcome: 'failure',
        details: { subject, reason, ...details },
      });
      // The next pull starts from 0: genuine records replace whatever was changed.
      this.d.db
        .prepare('UPDATE sync_state SET cursor = 0, full_sync_pending = 1, policy_version = 0')
        .run();
    })();
  }
}

function syncRequired(): KeyholderError {
  return new KeyholderError(
    'sync_required',
    'This PC’s records could not be verified, so nobody can sign in until it syncs with the server. Connect it to the network; it syncs on its own.',
  );
}

/** Whether the stored document text is the signed one (text edited into non-JSON is not). */
function sameDocument(text: string, signed: PolicyDocument): boolean {
  try {
    return canonicalJson(JSON.parse(text)) === canonicalJson(signed);
  } catch {
    return false;
  }
}
