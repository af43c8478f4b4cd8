import type { Permission } from '../../../common/rbac/permissions';
import { can, canManage } from '../../../common/rbac/permissions';
import {
  decideStaffAction,
  STAFF_ACTION_PERMISSION,
  type PcMode,
  type StaffActionKind,
} from '../../../common/rbac/offered-actions';
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
    this.denied(session, permission, target);
  }

  /**
   * A staff action, decided by the same function the screens use to offer it
   * (common/rbac/offered-actions.ts), so the two cannot disagree. `target` null: before the
   * account is known (only permission and mode). A refusal for permission or rank is audited
   * like `require`'s; one for the PC's mode names where the action lives.
   */
  requireStaffAction(
    session: SessionView,
    action: StaffActionKind,
    target: { id: string; name: string; role: Role; self: boolean } | null,
    mode: PcMode,
  ): void {
    const decision = decideStaffAction(session.role, action, target, mode);
    if (decision.allowed) return;
    const permission = STAFF_ACTION_PERMISSION[action];
    switch (decision.reason) {
      // Named in the entry as `require` names it (a create's target is the name asked for).
      case 'no_permission':
      case 'outranked':
        return this.denied(session, permission, target ?? undefined);
      case 'own_account':
        throw new KeyholderError(
          'not_on_self',
          'You cannot do this to your own account. Use My account instead.',
        );
      case 'in_admin_area':
        throw new KeyholderError(
          'managed_by_server',
          'This PC is connected to a sync server: add people, disable them, change roles and reset two-step sign-in in the admin area.',
        );
      case 'ask_server_admin':
        throw new KeyholderError(
          'server_admin_only',
          'This PC is connected to a sync server: an administrator adds people, disables them, changes roles and resets two-step sign-in on the server.',
        );
      case 'pc_revoked':
        throw new KeyholderError(
          'device_revoked',
          'This PC is no longer connected to the sync server: an administrator revoked it. Connect it again with a new enrollment code.',
        );
    }
  }

  private denied(
    session: SessionView,
    permission: Permission,
    target?: { id: string; name: string; role: Role },
  ): never {
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
