import {
  firstJsonTextProblem,
  textProblem,
  truncateCodePoints,
} from '../../../common/text/canonical-text';
import { AUDIT_ID_MAX_LENGTH, AUDIT_NAME_MAX_LENGTH } from '../../../common/text/text-limits';
import { KeyholderError } from '../errors';
import type { AuditEvent } from './audit-log';

/** The event as it will be recorded: parties cut and checked, details checked (`party`). */
export function checkedEvent(event: AuditEvent): AuditEvent {
  const actor = party(event.actor, 'actor');
  const target = party(event.target, 'target');
  const details = event.details ?? {};
  if (firstJsonTextProblem(details)) throw new AuditTextRefused('details');
  return {
    action: event.action,
    outcome: event.outcome,
    details,
    actor: actor.id === null ? null : { id: actor.id, name: actor.name ?? '' },
    target: target.id === null ? null : { id: target.id, name: target.name ?? '' },
  };
}

/**
 * An actor or target as recorded: the name cut to AUDIT_NAME_MAX_LENGTH code points (a refused
 * `staff.create` names the username exactly as typed), then both checked as canonical names.
 * Ids are never cut: a shortened id would name someone else.
 */
function party(
  who: { readonly id: string; readonly name: string } | null | undefined,
  role: 'actor' | 'target',
): { id: string | null; name: string | null } {
  if (!who) return { id: null, name: null };
  const name = truncateCodePoints(who.name, AUDIT_NAME_MAX_LENGTH);
  if (textProblem(name, 'name') || textProblem(who.id, 'name')) throw new AuditTextRefused(role);
  if (Array.from(who.id).length > AUDIT_ID_MAX_LENGTH) throw new AuditTextRefused(role);
  return { id: who.id, name };
}

/**
 * Thrown when an event holds text the audit log cannot record faithfully (a lone surrogate,
 * NUL, a control or text-direction character in a name, a value that is not plain JSON): the
 * action is refused with it (its transaction rolls back), rather than recorded altered.
 */
export class AuditTextRefused extends KeyholderError {
  constructor(readonly part: 'actor' | 'target' | 'details' | 'entry') {
    super(
      'audit_text_refused',
      'This was not done: it contains characters that cannot be recorded in the audit log (such as control or text-direction characters). Check what you entered and try again.',
    );
  }
}
