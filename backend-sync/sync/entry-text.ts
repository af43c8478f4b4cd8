import type { AuditRecord } from '../../common/audit/audit-record';
import { firstJsonTextProblem } from '../../common/text/canonical-text';
import { HttpError } from '../errors';

/**
 * Text in uploaded audit entries (common/text/canonical-text.ts). An entry whose ids or names
 * are not canonical names (the body's compiled validator finds those) or whose details are not
 * plain JSON of canonical text within bounds (`assertDetailsText`) is refused with 422
 * `invalid_entry` naming its seq and the field: it is the PC's entry that is wrong, not its
 * chain, so nothing is stored and no chain break is recorded for admins; and it never reaches
 * the database, which would store it altered (a lone surrogate) or fail (NUL on PostgreSQL).
 */

/**
 * The entry fields whose validation failures `entryTextRefusal` reports as `invalid_entry`:
 * the text fields, and the time (`at` beyond what a Date can show would break every export).
 */
const TEXT_FIELDS = new Set(['at', 'deviceId', 'actorId', 'actorName', 'targetId', 'targetName']);

export function invalidEntry(seq: number, field: string): HttpError {
  return new HttpError(
    422,
    'invalid_entry',
    'An audit entry holds a value the server does not accept (such as control characters, an unpaired surrogate or an impossible time).',
    { seq, field },
  );
}

interface ValidationFailure {
  validationContext?: string;
  validation?: readonly { instancePath?: string }[];
}

/**
 * The answer to an upload whose body failed validation: 422 `invalid_entry` when the first
 * failure is in a text field of an entry with a readable seq, else the failure itself (the
 * error handler's generic 400).
 */
export function entryTextRefusal(body: unknown, failure: Error & ValidationFailure): Error {
  if (failure.validationContext !== 'body') return failure;
  const path = /^\/entries\/(\d{1,3})\/(\w+)$/.exec(failure.validation?.[0]?.instancePath ?? '');
  if (!path || !TEXT_FIELDS.has(path[2]!)) return failure;
  const entries = (body as { entries?: unknown } | null)?.entries;
  const entry = Array.isArray(entries) ? (entries[Number(path[1])] as unknown) : undefined;
  const seq = (entry as { seq?: unknown } | undefined)?.seq;
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq > 0
    ? invalidEntry(seq, path[2]!)
    : failure;
}

/** Refuses the batch when an entry's details break the rule; names the lowest such seq. */
export function assertDetailsText(entries: readonly AuditRecord[]): void {
  let bad: number | null = null;
  for (const entry of entries) {
    if ((bad === null || entry.seq < bad) && firstJsonTextProblem(entry.details)) bad = entry.seq;
  }
  if (bad !== null) throw invalidEntry(bad, 'details');
}
