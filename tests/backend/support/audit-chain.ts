import { createHash, createHmac, randomUUID } from 'node:crypto';
import {
  auditHashInput,
  GENESIS_HASH,
  type AuditAction,
  type AuditOutcome,
  type AuditRecord,
} from '../../../common/audit/audit-record';

const MIX: Array<[AuditAction, AuditOutcome, Record<string, unknown>]> = [
  ['auth.sign_in', 'success', { method: 'password' }],
  ['auth.sign_in', 'failure', { reason: 'wrong_password', failures: 1 }],
  ['auth.session_lock', 'success', { reason: 'idle', note: 'café ☕ 𝄞' }],
  ['auth.sign_out', 'success', { reason: 'user', nested: { b: [1, 2, { z: null, a: true }] } }],
];

/**
 * A store PC's audit chain as the PC signs it (hash over the canonical form, MAC of the hash
 * with the device's key), for server tests that need more entries than a test PC writes.
 */
export function signedChain(
  deviceId: string,
  macKey: Buffer,
  count: number,
  options: { startSeq?: number; prevHash?: string; at?: number } = {},
): AuditRecord[] {
  const people = Array.from({ length: 5 }, (_, i) => ({ id: randomUUID(), name: `Crew ${i}` }));
  const entries: AuditRecord[] = [];
  let prevHash = options.prevHash ?? GENESIS_HASH;
  for (let i = 0; i < count; i++) {
    const person = people[i % people.length]!;
    const [action, outcome, details] = MIX[i % MIX.length]!;
    const body = {
      seq: (options.startSeq ?? 1) + i,
      at: (options.at ?? Date.UTC(2026, 11, 1)) + i * 1000,
      deviceId,
      actorId: person.id,
      actorName: person.name,
      action,
      targetId: person.id,
      targetName: person.name,
      outcome,
      details,
      prevHash,
    };
    entries.push(sign(body, macKey));
    prevHash = entries[i]!.hash;
  }
  return entries;
}

/** An entry's hash and MAC, computed again after a change to its fields. */
export function sign(body: Omit<AuditRecord, 'hash' | 'mac'>, macKey: Buffer): AuditRecord {
  const hash = createHash('sha256').update(auditHashInput(body), 'utf8').digest('hex');
  const mac = createHmac('sha256', macKey).update(hash, 'utf8').digest('hex');
  return { ...body, hash, mac };
}
