import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import { auditHashInput, type AuditRecord } from '../../common/audit/audit-record';
import { canonicalJson } from '../../common/audit/canonical-json';

const text = (v: unknown): v is string => typeof v === 'string';
const textOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * `auditHashInput(entry)` — the same bytes — written out for the record's fixed shape: the
 * canonical form sorts the keys of every object, and the record's own keys are always the same
 * twelve, so their order is fixed here (code-point order: action, actorId, actorName, at,
 * details, deviceId, outcome, prevHash, seq, targetId, targetName, v) and only `details`, a
 * free-form object, goes through the generic `canonicalJson`. About four times faster than
 * building the object and sorting its keys for each of 500 entries of an upload. Anything
 * outside the shape the protocol schema allows (a missing field, a number that is not finite)
 * takes the generic path, so the result is always exactly `auditHashInput`'s
 * (tests/backend/sync/audit-hash.test.ts compares them).
 */
export function auditHashInputFast(e: Omit<AuditRecord, 'hash' | 'mac'>): string {
  if (
    !text(e.action) ||
    !textOrNull(e.actorId) ||
    !textOrNull(e.actorName) ||
    !finite(e.at) ||
    typeof e.details !== 'object' ||
    e.details === null ||
    Array.isArray(e.details) ||
    !text(e.deviceId) ||
    !text(e.outcome) ||
    !text(e.prevHash) ||
    !finite(e.seq) ||
    !textOrNull(e.targetId) ||
    !textOrNull(e.targetName)
  ) {
    return auditHashInput(e);
  }
  const s = JSON.stringify;
  return `{"action":${s(e.action)},"actorId":${s(e.actorId)},"actorName":${s(e.actorName)},"at":${s(e.at)},"details":${canonicalJson(e.details)},"deviceId":${s(e.deviceId)},"outcome":${s(e.outcome)},"prevHash":${s(e.prevHash)},"seq":${s(e.seq)},"targetId":${s(e.targetId)},"targetName":${s(e.targetName)},"v":1}`;
}

// One-shot hashing: about twice as fast as a Hash object for 500 short inputs per upload.
const sha256 = (input: string) => hash('sha256', input, 'hex');

/** An entry's verdict, one byte each so a batch's verdicts travel between threads as a buffer. */
export const ENTRY_OK = 0;
export const ENTRY_HASH_MISMATCH = 1;
export const ENTRY_MAC_MISMATCH = 2;
export type EntryVerdict = typeof ENTRY_OK | typeof ENTRY_HASH_MISMATCH | typeof ENTRY_MAC_MISMATCH;

/**
 * The checks of one entry that need no other entry: its hash recomputed from its fields, then
 * its MAC under the device's key (compared in constant time). Linkage (prevHash, seq, device)
 * is the caller's, in order. Safe on any input, since uploads are checked while they are still
 * being validated: whatever is not an entry (no hash to recompute) fails as a hash mismatch.
 */
export function entryVerdict(entry: AuditRecord, macKey: Buffer): EntryVerdict {
  try {
    if (sha256(auditHashInputFast(entry)) !== entry.hash) return ENTRY_HASH_MISMATCH;
    const mac = createHmac('sha256', macKey).update(entry.hash, 'utf8').digest();
    const given = Buffer.from(entry.mac, 'hex');
    if (given.length !== mac.length || !timingSafeEqual(given, mac)) return ENTRY_MAC_MISMATCH;
    return ENTRY_OK;
  } catch {
    return ENTRY_HASH_MISMATCH;
  }
}

/** `entryVerdict` of each entry, in order, written into `into` when given (shared memory). */
export function entryVerdicts(
  entries: readonly AuditRecord[],
  macKey: Buffer,
  into: Uint8Array<ArrayBufferLike> = new Uint8Array(entries.length),
): Uint8Array<ArrayBufferLike> {
  for (let i = 0; i < entries.length; i++) into[i] = entryVerdict(entries[i]!, macKey);
  return into;
}
