import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import {
  accountSigningInput,
  accountsDigestInput,
  receiptSigningInput,
  syncReceiptSchema,
  type HeldAccount,
  type SyncReceipt,
} from '../../../common/sync/signed-records';
import { syncedAccountSchema, type SyncedAccount } from '../../../common/sync/protocol';

/**
 * What a connected PC trusts: the server's Ed25519 key pinned at enrollment, for one store and
 * one device. Every signed record is checked against it (common/sync/signed-records.ts).
 */
export interface Anchor {
  /** 'server': the sync server's key, pinned at enrollment; 'store': a standalone PC's own. */
  readonly kind: 'server' | 'store';
  readonly publicKey: KeyObject;
  readonly publicKeyPem: string;
  readonly storeId: string;
  readonly deviceId: string;
}

const keys = new Map<string, KeyObject>();

/** The short name of a pinned key (PEM) that the audit entry pinning it records. */
export function keyFingerprint(pem: string): string {
  return createHash('sha256').update(pem).digest('hex').slice(0, 32);
}

/** The pinned key as a KeyObject (parsed once per PEM), or null when it is not Ed25519. */
export function pinnedKey(pem: string): KeyObject | null {
  let key = keys.get(pem);
  if (!key) {
    try {
      key = createPublicKey(pem);
    } catch {
      return null;
    }
    if (key.asymmetricKeyType !== 'ed25519') return null;
    keys.set(pem, key);
  }
  return key;
}

function signedBy(anchor: Anchor, text: string, signatureBase64: string): boolean {
  try {
    return verify(
      null,
      Buffer.from(text, 'utf8'),
      anchor.publicKey,
      Buffer.from(signatureBase64, 'base64'),
    );
  } catch {
    return false;
  }
}

/**
 * Records already verified in this process, by anchor and exact JSON: memory is trusted, and a
 * record someone changed on disk is another string, so it is verified again. Bounded (a PC
 * holds its store's people, a few hundred at most; the oldest go first).
 */
const verifiedRecords = new Map<string, SyncedAccount>();
const VERIFIED_RECORDS_MAX = 2_000;

/** A stored account record (JSON) that parses, is for this store and verifies; else null. */
export function verifiedAccountRecord(anchor: Anchor, json: string | null): SyncedAccount | null {
  if (json === null) return null;
  const cacheKey = `${anchor.publicKeyPem}\n${anchor.storeId}\n${json}`;
  const known = verifiedRecords.get(cacheKey);
  if (known) return known;
  const record = verifyAccountRecord(anchor, json);
  if (record) {
    if (verifiedRecords.size >= VERIFIED_RECORDS_MAX)
      verifiedRecords.delete(verifiedRecords.keys().next().value!);
    verifiedRecords.set(cacheKey, record);
  }
  return record;
}

function verifyAccountRecord(anchor: Anchor, json: string): SyncedAccount | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  const record = syncedAccountSchema.safeParse(parsed);
  if (!record.success) return null;
  const { signature, ...fields } = record.data;
  return signedBy(anchor, accountSigningInput(anchor.storeId, fields), signature)
    ? record.data
    : null;
}

/** A stored receipt (JSON) that parses, names this device and store, and verifies; else null. */
export function verifiedReceipt(anchor: Anchor, json: string | null): SyncReceipt | null {
  if (json === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  const receipt = syncReceiptSchema.safeParse(parsed);
  if (!receipt.success) return null;
  const { signature, ...fields } = receipt.data;
  if (fields.deviceId !== anchor.deviceId || fields.storeId !== anchor.storeId) return null;
  return signedBy(anchor, receiptSigningInput(fields), signature) ? receipt.data : null;
}

/** A receipt as the pull carried it: checked the same way before it is stored. */
export function checkReceipt(anchor: Anchor, receipt: SyncReceipt): boolean {
  return verifiedReceipt(anchor, JSON.stringify(receipt)) !== null;
}

/** SHA-256 (hex) of the accounts a PC holds, as a receipt's `accountsDigest` states it. */
export function accountsDigest(accounts: readonly HeldAccount[]): string {
  return createHash('sha256').update(accountsDigestInput(accounts), 'utf8').digest('hex');
}
