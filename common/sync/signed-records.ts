import { z } from 'zod';
import { canonicalJson } from '../audit/canonical-json';
import type { Credential } from '../identity/credential';
import { normalizeUsername } from '../identity/username';

/**
 * What the sync server signs so that a store PC can trust its own disk no more than it must
 * (docs/SECURITY.md, "The shared store PC"). Anyone who uses a store PC's desktop can read its
 * keychain and so open and edit its store; they do not hold the server's Ed25519 key. Every
 * record a connected PC signs people in with is signed by that key, and verified against the key
 * pinned at enrollment each time the PC relies on it:
 *
 * - an account record (`accountSigningInput`): who the person is, their role and status, their
 *   password hash and TOTP secret, for one store;
 * - a sync receipt (`receiptSigningInput`) at the end of every pull: the server time (the last
 *   sync, for the offline bounds), the audit head the PC reported (sign-ins since are counted
 *   from the chain after it), the policy version and a digest of every account version the PC
 *   must then hold (`accountsDigestInput`), so an account rolled back to an older signed record,
 *   removed or added is noticed as well as one edited.
 *
 * Each signing input is canonical JSON with its own `kind`, so a signature over one kind can
 * never be presented as another (policy bundles use 'keyholder-policy'). The signature itself
 * is computed and checked by each side with its own crypto: common/ stays pure.
 */

export const ACCOUNT_RECORD_KIND = 'keyholder-account';
export const SYNC_RECEIPT_KIND = 'keyholder-sync-receipt';

/** The fields of an account record that a signature covers (everything but `signature`). */
export interface AccountRecordFields {
  id: string;
  username: string;
  displayName: string;
  email: string;
  role: 'admin' | 'manager' | 'viewer';
  status: 'active' | 'disabled';
  passwordHash: string | null;
  passwordChangedAt: number | null;
  mustChangePassword: boolean;
  temporaryPasswordExpiresAt?: number | null | undefined;
  totpSecret: string | null;
  credential?: Credential | null | undefined;
  managerKey?: string | null | undefined;
  version: number;
}

/**
 * The bytes (UTF-8 of this string) an account record's signature covers. `storeId` binds the
 * record to the store it was sent for: a record copied from another store's PC does not verify.
 */
export function accountSigningInput(storeId: string, a: AccountRecordFields): string {
  return canonicalJson({
    kind: ACCOUNT_RECORD_KIND,
    v: 1,
    storeId,
    id: a.id,
    username: a.username,
    displayName: a.displayName,
    email: a.email,
    role: a.role,
    status: a.status,
    passwordHash: a.passwordHash,
    passwordChangedAt: a.passwordChangedAt,
    mustChangePassword: a.mustChangePassword,
    temporaryPasswordExpiresAt: a.temporaryPasswordExpiresAt ?? null,
    totpSecret: a.totpSecret,
    credential: a.credential ?? null,
    managerKey: a.managerKey ?? null,
    version: a.version,
  });
}

const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/);
const uint = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** A sync receipt: the state a pull left the PC in, as the server saw it, signed. */
export const syncReceiptSchema = z
  .object({
    deviceId: z.string().uuid(),
    storeId: z.string().uuid(),
    /** Server time of the pull: the PC's last sync for its offline bounds. */
    serverTime: uint,
    /** The audit head the PC reported with the pull (0 when it reported none). */
    auditHead: uint,
    /** The cursor the PC holds once it has applied this page. */
    cursor: uint,
    /** The version of the policy bundle the PC holds once it has applied this page. */
    policyVersion: uint,
    /** SHA-256 (hex) of `accountsDigestInput` over every account the PC must hold. */
    accountsDigest: z.string().regex(/^[0-9a-f]{64}$/),
    /** Ed25519 signature (base64) over `receiptSigningInput`. */
    signature: base64,
  })
  .strict();
export type SyncReceipt = z.infer<typeof syncReceiptSchema>;

export function receiptSigningInput(r: Omit<SyncReceipt, 'signature'>): string {
  return canonicalJson({
    kind: SYNC_RECEIPT_KIND,
    v: 1,
    deviceId: r.deviceId,
    storeId: r.storeId,
    serverTime: r.serverTime,
    auditHead: r.auditHead,
    cursor: r.cursor,
    policyVersion: r.policyVersion,
    accountsDigest: r.accountsDigest,
  });
}

/** One account a PC holds, as the accounts digest sees it. */
export interface HeldAccount {
  id: string;
  version: number;
  status: 'active' | 'disabled';
}

/**
 * The text whose SHA-256 is a receipt's `accountsDigest`: every account of the store a PC holds
 * (active ones and disabled ones; removed, erased and pending people are not held), sorted by
 * id. The server computes it over the store's membership; the PC over its signed records.
 */
export function accountsDigestInput(accounts: readonly HeldAccount[]): string {
  const sorted = [...accounts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return canonicalJson(sorted.map((a) => [a.id, a.version, a.status]));
}

/**
 * The fields of a stored account a signed record decides, in the form the PC stores them:
 * the username normalised, a missing password as `noPassword`.
 */
export function recordedAccountFields(a: AccountRecordFields, noPassword: string) {
  return {
    username: normalizeUsername(a.username),
    displayName: a.displayName,
    email: a.email,
    role: a.role,
    status: a.status,
    passwordHash: a.passwordHash ?? noPassword,
    passwordChangedAt: a.passwordChangedAt ?? 0,
    mustChangePassword: a.mustChangePassword,
    tempPasswordExpiresAt: a.temporaryPasswordExpiresAt ?? null,
    totpSecret: a.totpSecret,
  };
}
