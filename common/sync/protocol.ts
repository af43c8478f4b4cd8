import { z } from 'zod';
import { auditRecordSchema } from '../audit/audit-record';
import { canonicalJson } from '../audit/canonical-json';
import { policyDocumentSchema, ROLES } from '../policy/policy';
import { nameText } from '../text/canonical-text';
import { timeMs } from '../time/time.schemas';
import { DEVICE_NAME_MAX_LENGTH } from '../text/text-limits';
import {
  changeAuthorizationSchema,
  credentialSchema,
  type AuthorizedChangeFields,
  type AuthorizedTotpFields,
} from '../identity/credential';
import { handoverSchema } from './handover';
import { syncReceiptSchema } from './signed-records';

/**
 * The sync protocol between a store PC and the sync server (docs/SYNC-PROTOCOL.md).
 * Both sides import these schemas; the server validates every request with them and the
 * device validates every response with them.
 */

export const SYNC_API_PREFIX = '/api/v1/sync';
/** Entries per audit upload; a backlog is sent in batches of at most this many. */
export const MAX_AUDIT_BATCH = 500;

const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/);

/** Enrollment: a one-time code (15 minutes) for a store → a device credential. */
export const enrollRequestSchema = z
  .object({
    code: z.string().min(8).max(64),
    /** The PC's own device id (its audit entries already carry it). */
    deviceId: z.string().uuid(),
    deviceName: nameText(DEVICE_NAME_MAX_LENGTH, { trim: true, min: 1 }),
    appVersion: z.string().max(32),
    /** The device's audit MAC key (32 bytes, base64), so the server can verify its chain. */
    auditMacKey: base64.max(64),
    /**
     * A standalone PC's people, handed over to the store (handover.ts): created there in the
     * enrollment's transaction, or the enrollment is refused and the code stays usable.
     */
    handover: handoverSchema.optional(),
  })
  .strict();

export const enrollResponseSchema = z.object({
  deviceId: z.string().uuid(),
  storeId: z.string().uuid(),
  storeName: z.string(),
  /** Opaque bearer secret for this device; kept in the keychain. Shown once. */
  credential: z.string().min(40),
  /** Ed25519 public key (SPKI PEM) that signs policy bundles: pinned by the device. */
  serverPublicKey: z.string(),
  serverTime: z.number(),
  /** How many people the handover created on the store (0 without one). */
  handedOver: z.number().int().nonnegative().optional(),
});

/** A policy document signed by the server. Devices refuse unsigned or older bundles. */
export const signedPolicySchema = z
  .object({
    version: z.number().int().positive(),
    issuedAt: z.number().int(),
    document: policyDocumentSchema,
    /** Ed25519 signature (base64) over `policySigningInput`. */
    signature: base64,
  })
  .strict();
export type SignedPolicy = z.infer<typeof signedPolicySchema>;

/** The exact bytes (UTF-8 of this string) a policy signature covers. */
export function policySigningInput(bundle: Omit<SignedPolicy, 'signature'>): string {
  return canonicalJson({
    kind: 'keyholder-policy',
    version: bundle.version,
    issuedAt: bundle.issuedAt,
    document: bundle.document,
  });
}

/** An account as a store PC needs it to sign people in offline. */
export const syncedAccountSchema = z.object({
  id: z.string().uuid(),
  username: z.string(),
  displayName: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  status: z.enum(['active', 'disabled']),
  passwordHash: z.string().nullable(),
  passwordChangedAt: z.number().nullable(),
  mustChangePassword: z.boolean(),
  /**
   * When the account's password is a temporary one a manager set: when it stops working, on
   * every PC alike. Null otherwise; absent from servers older than this field (read as null).
   */
  temporaryPasswordExpiresAt: z.number().int().nullable().optional(),
  totpSecret: z.string().nullable(),
  /**
   * The credential key of the current password (common/identity/credential.ts): a change the
   * PC makes to this account must be signed by it (or by a manager's). Null for a password set
   * before credential keys, and for disabled accounts.
   */
  credential: credentialSchema.nullable().optional(),
  /**
   * On a standalone PC only (never from the server): a manager's Ed25519 public key (base64),
   * with which they sign crew records (integrity/standalone-records.ts).
   */
  managerKey: base64.nullable().optional(),
  /** Server change sequence: the device keeps the highest it has applied per account. */
  version: z.number().int(),
  /**
   * Ed25519 signature (base64) with the server's pinned key over `accountSigningInput(storeId,
   * …)` (signed-records.ts): the PC verifies it whenever it relies on the account.
   */
  signature: base64,
  /**
   * On a standalone PC only: the manager whose key made `signature` (absent: the store key).
   * Not covered by the signature: a wrong one names a key that does not verify it.
   */
  signedBy: z.string().uuid().optional(),
});
export type SyncedAccount = z.infer<typeof syncedAccountSchema>;

/** Accounts per pull page; a device catching up pulls again with the new cursor. */
export const PULL_PAGE_SIZE = 500;

const uint = z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/**
 * `GET /pull` query. `since`: the cursor of the last page applied (0 at first). `policyVersion`:
 * the version of the server policy bundle the PC holds (the bundle is sent only when newer; leave
 * it out to always get it). `auditHead`: the PC's highest local audit seq, so admins see how
 * many events wait to be uploaded. `appVersion`: shown to admins in the device list.
 */
export const pullQuerySchema = z.strictObject({
  since: uint.default(0),
  policyVersion: uint.optional(),
  auditHead: uint.optional(),
  appVersion: z
    .string()
    .regex(/^[0-9A-Za-z.+_-]{1,32}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(PULL_PAGE_SIZE).default(PULL_PAGE_SIZE),
});
export type PullQuery = z.infer<typeof pullQuerySchema>;

export const pullResponseSchema = z.object({
  /** Pass as `since` next time. Never goes down while the server keeps its data. */
  cursor: z.number().int().nonnegative(),
  /** Server time (ms): re-anchors the PC's trusted time. */
  serverTime: z.number(),
  /** The PC's store as the server knows it (names are context words for the password check). */
  store: z.object({ id: z.string(), name: z.string(), brand: z.string() }),
  /**
   * True when this pull started from 0 (first pull, or the server did not know the cursor,
   * e.g. after a restore from backup): once `more` is false, the accounts received from this
   * page on are the complete set, and synced accounts not among them must be removed.
   */
  fullSync: z.boolean(),
  /**
   * Applied first, before anything else in this response and before any upload (invariant 6):
   * sessions of these accounts end at once. Every revocation since `since` comes in the first
   * page, whatever the page size (a page may repeat some; applying one twice is harmless).
   */
  revocations: z.object({
    /** Disabled by an admin: keep the account, refuse its sign-ins. */
    disabledAccountIds: z.array(z.string()),
    /**
     * The same accounts as signed records (status 'disabled', no password hash, no TOTP secret),
     * so a PC holds a signed record for every account it keeps and a disable cannot be undone
     * by editing the PC's store.
     */
    disabledAccounts: z.array(syncedAccountSchema),
    /** No longer on this store's PCs (removed from the store, erased): delete it locally. */
    removedAccountIds: z.array(z.string()),
  }),
  /** Active accounts assigned to this store, changed since `since`, oldest change first. */
  accounts: z.array(syncedAccountSchema),
  /** The current signed policy, or null when the PC already holds this version. */
  policy: signedPolicySchema.nullable(),
  /** True when more changes wait: pull again with the new cursor. */
  more: z.boolean(),
  /**
   * On the last page (`more` false), the server's signed account of where this pull leaves the
   * PC (signed-records.ts): kept by the PC as the basis of its offline bounds and of the check
   * that it holds exactly the accounts it was sent. Null on the pages before.
   */
  receipt: syncReceiptSchema.nullable(),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

/** Audit upload; the batch carries an Idempotency-Key header. */
export const pushAuditRequestSchema = z
  .object({ entries: z.array(auditRecordSchema).min(1).max(MAX_AUDIT_BATCH) })
  .strict();
export const pushAuditResponseSchema = z.object({
  /** Highest seq the server holds for this device after the batch. */
  acknowledgedSeq: z.number().int().nonnegative(),
  stored: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
});

/**
 * An argon2id hash in PHC form, as both sides produce it. The server also checks the cost
 * parameters, so a device cannot push a hash cheaper to crack than the server would make.
 */
export const ARGON2ID_PHC =
  /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,3})\$[A-Za-z0-9+/]{16,128}\$[A-Za-z0-9+/]{16,256}$/;

/**
 * Local account changes made offline: a password changed by its owner, a temporary password a
 * manager set on the PC (`mustChangePassword`), or an authenticator its owner enrolled. Never a
 * role or status: those are the server's alone (invariant 6).
 */
export const passwordChangeSchema = z
  .object({
    accountId: z.string().uuid(),
    kind: z.enum(['password_changed', 'password_reset']),
    passwordHash: z.string().max(512).regex(ARGON2ID_PHC),
    /** When the change was made, in the PC's trusted time: the latest change wins. */
    changedAt: timeMs(),
    mustChangePassword: z.boolean(),
    /**
     * A `password_reset`'s temporary password stops working at this time (PC trusted time). The
     * server keeps at most TEMPORARY_PASSWORD_TTL_MS after `changedAt`; absent from PCs older
     * than this field, which the server reads as that limit.
     */
    temporaryUntil: timeMs().nullable().optional(),
    /** The account version the device had when the change was made (recorded for audit). */
    baseVersion: z.number().int().nonnegative(),
    /** The credential key of the new password (common/identity/credential.ts). */
    credential: credentialSchema.nullable().optional(),
    /**
     * Who made the change, signed with their credential key over `accountChangeSigningInput`:
     * the owner (their current key) for a password_changed, a manager or admin who manages
     * them for a password_reset. The server refuses a change it cannot check this way, unless
     * the account has no credential key yet (a password set before them).
     */
    authorization: changeAuthorizationSchema.optional(),
  })
  .strict();
export type PasswordChange = z.infer<typeof passwordChangeSchema>;

/**
 * A TOTP secret its owner enrolled on a PC, for an account the server holds none for: the
 * server takes it unless someone reset two-step sign-in since (`changedAt`), and from then on
 * signs it into the record every PC of the store holds (so one authenticator works on all of
 * them, and a PC whose copy is edited notices). Signed by the owner.
 */
export const totpEnrolledChangeSchema = z
  .object({
    accountId: z.string().uuid(),
    kind: z.literal('totp_enrolled'),
    /** Base32, as the authenticator app holds it (otplib's 160-bit secrets: 32 characters). */
    totpSecret: z.string().regex(/^[A-Z2-7]{16,128}$/),
    changedAt: timeMs(),
    baseVersion: z.number().int().nonnegative(),
    authorization: changeAuthorizationSchema.optional(),
  })
  .strict();
export type TotpEnrolledChange = z.infer<typeof totpEnrolledChangeSchema>;

export const accountChangeSchema = z.union([passwordChangeSchema, totpEnrolledChangeSchema]);
export type AccountChange = z.infer<typeof accountChangeSchema>;
/** How long a temporary password a manager sets works, on the PC that set it and everywhere. */
export const TEMPORARY_PASSWORD_TTL_MS = 60 * 60_000;
export const MAX_ACCOUNT_CHANGES = 100;
export const pushAccountChangesRequestSchema = z
  .object({ changes: z.array(accountChangeSchema).min(1).max(MAX_ACCOUNT_CHANGES) })
  .strict();
export const ACCOUNT_CHANGE_OUTCOMES = ['applied', 'superseded', 'refused'] as const;
export const pushAccountChangesResponseSchema = z.object({
  results: z.array(
    z.object({
      accountId: z.string().uuid(),
      /**
       * applied; superseded (a later change already won: pull to get it); refused (the
       * account is disabled, erased, unknown or not in this store, or the hash is too weak).
       */
      outcome: z.enum(ACCOUNT_CHANGE_OUTCOMES),
      /** The account's version on the server after this change (0 when unknown to it). */
      version: z.number().int().nonnegative(),
    }),
  ),
});
export type PushAccountChangesResponse = z.infer<typeof pushAccountChangesResponseSchema>;

/** What a change's authorization signs (common/identity/credential.ts), by kind. */
export function signedFields(change: AccountChange): AuthorizedChangeFields | AuthorizedTotpFields {
  if (change.kind === 'totp_enrolled')
    return {
      accountId: change.accountId,
      kind: change.kind,
      totpSecret: change.totpSecret,
      changedAt: change.changedAt,
    };
  return {
    accountId: change.accountId,
    kind: change.kind,
    passwordHash: change.passwordHash,
    credential: change.credential ?? null,
    changedAt: change.changedAt,
    mustChangePassword: change.mustChangePassword,
    temporaryUntil: change.temporaryUntil ?? null,
  };
}
