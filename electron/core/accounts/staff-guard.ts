import type { StaffActionKind } from '../../../common/rbac/offered-actions';
import { STAFF_ACTION_PERMISSION } from '../../../common/rbac/offered-actions';
import type { SessionService, SessionView } from '../auth/session.service';
import type { DeviceService } from '../device/device.service';
import { KeyholderError } from '../errors';
import { AccountTampered, type StoreIntegrity } from '../integrity/store-integrity.service';
import type { Authorizer } from '../rbac/authorizer';
import type { AccountRepository, AccountRow } from './account-repository';

/**
 * The checks before every staff action: an active session, the permission, a real target as
 * its signed record has it, then the one decision the screens offer from
 * (common/rbac/offered-actions.ts: rank, never oneself, the PC's mode).
 */
export class StaffGuard {
  constructor(
    private readonly d: {
      accounts: AccountRepository;
      sessions: SessionService;
      authz: Authorizer;
      integrity: StoreIntegrity;
      device: DeviceService;
    },
  ) {}

  /** For `create`: the new person's role is the target's. */
  creating(sessionId: string, input: { username: string; role: AccountRow['role'] }): SessionView {
    const me = this.d.sessions.requireActive(sessionId);
    this.d.authz.requireStaffAction(
      me,
      'create',
      { id: '', name: input.username, role: input.role, self: false },
      this.d.device.pcMode(),
    );
    return me;
  }

  guard(
    sessionId: string,
    accountId: string,
    action: Exclude<StaffActionKind, 'create'>,
  ): { me: SessionView; target: AccountRow } {
    const me = this.d.sessions.requireActive(sessionId);
    // Without the permission, nobody learns whether an account id exists.
    this.d.authz.require(me, STAFF_ACTION_PERMISSION[action]);
    const row = this.d.accounts.byId(accountId);
    if (!row) throw new KeyholderError('not_found', 'That account does not exist.');
    // The rank check reads the target's role: it must be the role that was signed.
    const target = this.trustedTarget(row);
    this.d.authz.requireStaffAction(
      me,
      action,
      { id: target.id, name: target.username, role: target.role, self: target.id === me.accountId },
      this.d.device.pcMode(),
    );
    return { me, target };
  }

  /**
   * The target as its signed record has it. On a standalone PC an account someone edited by
   * hand can still be acted on (that is how an admin repairs it: the next record is made from
   * what was signed, StandaloneAuthority.write), with the role and status of its record; on a
   * connected PC the next sync repairs it, and nobody acts on it meanwhile.
   */
  private trustedTarget(row: AccountRow): AccountRow {
    try {
      this.d.integrity.assertAccount(row);
      return row;
    } catch (error) {
      const anchor = this.d.integrity.anchor();
      const record =
        error instanceof AccountTampered && anchor?.kind === 'store'
          ? this.d.integrity.recordOf(anchor, row.signedRecord)
          : null;
      if (!record) throw error;
      return { ...row, role: record.role, status: record.status };
    }
  }
}
