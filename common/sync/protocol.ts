import { z } from 'zod';
import { auditRecordSchema } from '../audit/audit-record';
import { canonicalJson } from '../audit/canonical-json';
import { policyDocumentSchema, ROLES } from '../policy/policy';

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
    deviceName: z.string().trim().min(1).max(100),
    appVersion: z.string().max(32),
    /** The device's audit MAC key (32 bytes, base64), so the server can verify its chain. */
    auditMacKey: base64.max(64),
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
  totpSecret: z.string().nullable(),
  /** Server change sequence: the device keeps the highest it has applied per account. */
  version: z.number().int(),
});
export type SyncedAccount = z.infer<typeof syncedAccountSchema>;

export const pullResponseSchema = z.object({
  cursor: z.number().int().nonnegative(),
  serverTime: z.number(),
  /** Applied first, before anything else in this response (invariant 6). */
  revocations: z.object({ disabledAccountIds: z.array(z.string().uuid()) }),
  accounts: z.array(syncedAccountSchema),
  policy: signedPolicySchema.nullable(),
  /** True when more changes wait: pull again with the new cursor. */
  more: z.boolean(),
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

/** Local account changes made offline (a password changed or reset on the PC). */
export const accountChangeSchema = z
  .object({
    accountId: z.string().uuid(),
    kind: z.literal('password_changed'),
    passwordHash: z.string().min(20).max(512),
    changedAt: z.number().int(),
    mustChangePassword: z.boolean(),
    /** The account version the device had when the change was made. */
    baseVersion: z.number().int().nonnegative(),
  })
  .strict();
export const pushAccountChangesRequestSchema = z
  .object({ changes: z.array(accountChangeSchema).min(1).max(100) })
  .strict();
export const pushAccountChangesResponseSchema = z.object({
  results: z.array(
    z.object({
      accountId: z.string().uuid(),
      /** applied; superseded (a later change already won); refused (account disabled or unknown). */
      outcome: z.enum(['applied', 'superseded', 'refused']),
      version: z.number().int(),
    }),
  ),
});
