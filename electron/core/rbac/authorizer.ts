import type { Permission } from '../../../common/rbac/permissions';
import { can, canManage } from '../../../common/rbac/permissions';
import type { Role } from '../../../common/policy/policy';
import type { AuditLog } from '../audit/audit-log';
import type { SessionView } from '../auth/session.service';
import { KeyholderError } from '../errors';

export class Forbidden extends KeyholderError {
  constructor() {
    super('forbidden', 'You do not have permission to do that.');
  }
}

/**
 * Permission checks inside core (invariant: the UI hiding a button is not a control).
 * A refusal is audited, so probing for permissions shows up in the log.
 */
export class Authorizer {
  constructor(private readonly audit: AuditLog) {}

  require(
    session: SessionView,
    permission: Permission,
    target?: { id: string; name: string; role: Role },
  ): void {
    const allowed =
      can(session.role, permission) && (!target || canManage(session.role, target.role));
    if (allowed) return;
    this.audit.append({
      actor: { id: session.accountId, name: session.username },
      action: 'permission.denied',
      target: target ? { id: target.id, name: target.name } : null,
      outcome: 'denied',
      details: { permission, ...(target ? { targetRole: target.role } : {}) },
    });
    throw new Forbidden();
  }
}
