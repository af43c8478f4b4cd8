import { createHash, createHmac, randomUUID } from 'node:crypto';
import {
  auditHashInput,
  GENESIS_HASH,
  type AuditAction,
  type AuditOutcome,
  type AuditRecord,
} from '../../../common/audit/audit-record';

/** One kind of entry in a chain: its action, outcome and details (from the entry's time). */
export type ChainMix = Array<[AuditAction, AuditOutcome, (at: number) => Record<string, unknown>]>;

const MIX: ChainMix = [
  ['auth.sign_in', 'success', () => ({ method: 'password' })],
  ['auth.sign_in', 'failure', () => ({ reason: 'wrong_password', failures: 1 })],
  ['auth.session_lock', 'success', () => ({ reason: 'idle', note: 'café ☕ 𝄞' })],
  [
    'auth.sign_out',
    'success',
    () => ({ reason: 'user', nested: { b: [1, 2, { z: null, a: true }] } }),
  ],
];

/**
 * A store PC's day as the benches write it: eight kinds of entries in turn, a quarter of them
 * password + TOTP sign-ins with their TOTP step (or password sign-ins, without `withTotp`).
 */
export function storeDayMix(withTotp = true): ChainMix {
  const signIn = (at: number) =>
    withTotp
      ? { method: 'password+totp', totpStep: Math.floor(at / 30_000) }
      : { method: 'password' };
  return [
    ['auth.sign_in', 'success', signIn],
    ['auth.sign_in', 'success', signIn],
    ['auth.sign_in', 'success', () => ({ method: 'password' })],
    ['auth.sign_in', 'failure', () => ({ reason: 'wrong_password', failures: 1 })],
    ['auth.session_lock', 'success', () => ({ reason: 'idle' })],
    ['auth.session_unlock', 'success', () => ({})],
    ['auth.sign_out', 'success', () => ({ reason: 'user' })],
    ['auth.sign_out', 'success', () => ({ reason: 'user' })],
  ];
}

/**
 * A store PC's audit chain as the PC signs it (hash over the canonical form, MAC of the hash
 * with the device's key), for server tests and benches that need more entries than a test PC
 * writes.
 */
export function signedChain(
  deviceId: string,
  macKey: Buffer,
  count: number,
  options: {
    startSeq?: number;
    prevHash?: string;
    /** The first entry's time, and the time between two entries. */
    at?: number;
    spacingMs?: number;
    /** How many people take turns, and the kinds of entries, in turn. */
    people?: number;
    mix?: ChainMix;
  } = {},
): AuditRecord[] {
  const people = Array.from({ length: options.people ?? 5 }, (_, i) => ({
    id: randomUUID(),
    name: `Crew ${i + 1}`,
  }));
  const mix = options.mix ?? MIX;
  const entries: AuditRecord[] = [];
  let prevHash = options.prevHash ?? GENESIS_HASH;
  for (let i = 0; i < count; i++) {
    const person = people[i % people.length]!;
    const [action, outcome, details] = mix[i % mix.length]!;
    const at = (options.at ?? Date.UTC(2026, 11, 1)) + i * (options.spacingMs ?? 1000);
    const body = {
      seq: (options.startSeq ?? 1) + i,
      at,
      deviceId,
      actorId: person.id,
      actorName: person.name,
      action,
      targetId: person.id,
      targetName: person.name,
      outcome,
      details: details(at),
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
