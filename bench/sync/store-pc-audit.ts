/**
 * What a store PC writes to its audit log: the server benchmark's mix of actions, as the core
 * writes it (auditEvent), and chained, MACed entries for a simulated PC (chain).
 */
import type { AuditRecord } from '../../common/audit/audit-record';
import type { AuditEvent } from '../../electron/core/audit/audit-log';
import { sign, storeDayMix } from '../../tests/backend/support/audit-chain';

export type Person = { id: string; name: string };

const MIX = storeDayMix();

export function auditEvent(i: number, people: Person[], at: number): AuditEvent {
  const person = people[i % people.length]!;
  const [action, outcome, details] = MIX[i % MIX.length]!;
  const actor = { id: person.id, name: person.name };
  return {
    actor: action === 'auth.sign_in' && outcome !== 'success' ? null : actor,
    action,
    target: actor,
    outcome,
    details: details(at),
  };
}

/** Chained, MACed entries seq `from`.. for a simulated PC (common/audit's hash input). */
export function chain(
  device: { id: string; macKey: Buffer; head: { seq: number; hash: string } },
  people: Person[],
  count: number,
  startAt: number,
): AuditRecord[] {
  const entries: AuditRecord[] = [];
  let { seq, hash: prevHash } = device.head;
  for (let i = 0; i < count; i++) {
    seq += 1;
    const at = startAt + i * 60_000;
    const e = auditEvent(seq, people, at);
    const body = {
      seq,
      at,
      deviceId: device.id,
      actorId: e.actor?.id ?? null,
      actorName: e.actor?.name ?? null,
      action: e.action,
      targetId: e.target?.id ?? null,
      targetName: e.target?.name ?? null,
      outcome: e.outcome,
      details: e.details ?? {},
      prevHash,
    };
    const entry = sign(body, device.macKey);
    entries.push(entry);
    prevHash = entry.hash;
  }
  device.head = { seq, hash: prevHash };
  return entries;
}
