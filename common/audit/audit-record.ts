import { z } from 'zod';
import { nameText } from '../text/canonical-text';
import { timeMs } from '../time/time.schemas';
import { AUDIT_ID_MAX_LENGTH, AUDIT_NAME_MAX_LENGTH } from '../text/text-limits';
import { canonicalJson } from './canonical-json';

/** Every security-relevant action Keyholder records. Append new ones; never rename. */
export const AUDIT_ACTIONS = [
  'setup.first_admin',
  'auth.sign_in',
  'auth.sign_out',
  'auth.session_lock',
  'auth.session_unlock',
  'auth.session_expired',
  'auth.lockout',
  'account.create',
  'account.unlock',
  'account.disable',
  'account.enable',
  'account.role_change',
  'account.update',
  'password.change',
  'password.temporary_issued',
  'totp.enroll_start',
  'totp.enroll',
  'totp.disable',
  'totp.reset',
  'recovery_codes.generate',
  'recovery_code.use',
  'policy.change',
  'time.anomaly',
  'time.reanchor',
  'store.backup',
  'store.restore',
  'permission.denied',
  // Sync (electron/core/sync): connecting, applied pulls, refused policies, server answers to
  // password changes made here, and accounts the server took off this PC.
  'sync.connect',
  'sync.pull',
  'sync.policy_refused',
  'sync.account_change',
  'account.remove',
  // The store PC found a record it relies on changed outside Keyholder (docs/SECURITY.md):
  // details say which (`subject`: account, anchor, receipt, policy, device, audit, time).
  'integrity.tamper',
  // A standalone PC's records signed with its store key as they were (an older store adopted).
  'store.sign',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export const GENESIS_HASH = '0'.repeat(64);

/**
 * Ids and names of an entry: canonical names within the shared limits, as patterns without the
 * `u` flag (the server's compiled validator runs them so). Details are checked by the ingest and
 * the PC's audit log (`firstJsonTextProblem`): JSON Schema cannot state it for every key.
 */
const auditId = nameText(AUDIT_ID_MAX_LENGTH);
const auditName = nameText(AUDIT_NAME_MAX_LENGTH);

export const auditRecordSchema = z
  .object({
    seq: z.number().int().positive(),
    at: timeMs(),
    deviceId: auditId.min(1),
    actorId: auditId.nullable(),
    actorName: auditName.nullable(),
    action: z.enum(AUDIT_ACTIONS),
    targetId: auditId.nullable(),
    targetName: auditName.nullable(),
    outcome: z.enum(AUDIT_OUTCOMES),
    details: z.record(z.string(), z.unknown()),
    prevHash: z.string().regex(/^[0-9a-f]{64}$/),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    mac: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type AuditRecord = z.infer<typeof auditRecordSchema>;

/**
 * The bytes an entry's hash covers: every field except `hash` and `mac`, in canonical JSON.
 * `hash = SHA-256(hashInput)`, `mac = HMAC-SHA-256(deviceMacKey, hash)`. Because `prevHash`
 * and `seq` are covered, an edit, a deletion or a reordering breaks the chain at that entry.
 */
export function auditHashInput(record: Omit<AuditRecord, 'hash' | 'mac'>): string {
  return canonicalJson({
    v: 1,
    seq: record.seq,
    at: record.at,
    deviceId: record.deviceId,
    actorId: record.actorId,
    actorName: record.actorName,
    action: record.action,
    targetId: record.targetId,
    targetName: record.targetName,
    outcome: record.outcome,
    details: record.details,
    prevHash: record.prevHash,
  });
}

/** Why a verifier stopped at an entry. */
export type AuditBreak =
  | 'sequence_gap'
  | 'previous_hash_mismatch'
  | 'hash_mismatch'
  | 'mac_mismatch'
  | 'unreadable'
  | 'truncated';
