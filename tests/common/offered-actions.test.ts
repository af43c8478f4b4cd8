import { describe, expect, it } from 'vitest';
import { ROLES } from '../../common/policy/policy';
import {
  decideStaffAction,
  offeredStaffActions,
  PC_MODES,
  STAFF_ACTION_PERMISSION,
  STAFF_ACTIONS,
  type StaffTargetState,
} from '../../common/rbac/offered-actions';
import { can, canManage } from '../../common/rbac/permissions';

const crew: StaffTargetState = {
  role: 'viewer',
  self: false,
  status: 'active',
  locked: true,
  totpEnabled: true,
};
const offered = (o: Record<string, { offered: boolean }>) =>
  Object.entries(o)
    .filter(([, v]) => v.offered)
    .map(([k]) => k);

describe('offered staff actions', () => {
  it('a manager on a connected PC is offered a temporary password and an unlock, and told who does the rest', () => {
    const offers = offeredStaffActions('manager', crew, 'connected');
    expect(offered(offers)).toEqual(['reset_password', 'unlock']);
    for (const action of ['create', 'disable', 'reset_2fa'] as const) {
      expect(decideStaffAction('manager', action, crew, 'connected')).toEqual({
        allowed: false,
        reason: 'ask_server_admin',
      });
    }
    // Managers never change roles: a permission refusal, not a place to go.
    expect(offers.change_role).toEqual({ offered: false, reason: 'no_permission' });
    // Enabling an active account means nothing: neither a button nor a reason.
    expect(offers.enable).toEqual({ offered: false, reason: 'not_relevant' });
  });

  it('an admin on a connected PC is pointed to the Admin area', () => {
    const offers = offeredStaffActions('admin', { ...crew, role: 'manager' }, 'connected');
    expect(offered(offers)).toEqual(['reset_password', 'unlock']);
    expect(offers.disable).toEqual({ offered: false, reason: 'in_admin_area' });
    expect(offers.change_role).toEqual({ offered: false, reason: 'in_admin_area' });
    expect(decideStaffAction('admin', 'create', null, 'connected')).toEqual({
      allowed: false,
      reason: 'in_admin_area',
    });
  });

  it('a manager on a standalone PC still does everything the matrix gives her, to crew', () => {
    expect(offered(offeredStaffActions('manager', crew, 'standalone'))).toEqual([
      'disable',
      'reset_password',
      'unlock',
      'reset_2fa',
    ]);
    expect(decideStaffAction('manager', 'create', null, 'standalone')).toEqual({ allowed: true });
  });

  it('a revoked PC offers nothing and says why', () => {
    for (const role of ['admin', 'manager'] as const) {
      const offers = offeredStaffActions(role, crew, 'revoked');
      expect(offered(offers)).toEqual([]);
      expect(offers.reset_password).toEqual({ offered: false, reason: 'pc_revoked' });
    }
  });

  it('never offers anything on one’s own account or on a peer or a higher rank', () => {
    for (const mode of PC_MODES) {
      expect(offered(offeredStaffActions('admin', { ...crew, self: true }, mode))).toEqual([]);
      expect(offered(offeredStaffActions('manager', { ...crew, role: 'manager' }, mode))).toEqual(
        [],
      );
      expect(offered(offeredStaffActions('viewer', crew, mode))).toEqual([]);
    }
  });

  it('on a standalone PC the decision is exactly the permission matrix and the rank rule', () => {
    for (const actor of ROLES)
      for (const role of ROLES)
        for (const self of [false, true])
          for (const action of STAFF_ACTIONS) {
            const allowed =
              can(actor, STAFF_ACTION_PERMISSION[action]) && !self && canManage(actor, role);
            expect(
              decideStaffAction(actor, action, { role, self }, 'standalone').allowed,
              `${actor} ${action} ${role} self=${self}`,
            ).toBe(allowed);
          }
  });

  it('a connected or revoked PC never allows more than a standalone one', () => {
    for (const mode of PC_MODES)
      for (const actor of ROLES)
        for (const role of ROLES)
          for (const action of STAFF_ACTIONS) {
            const target = { role, self: false };
            if (decideStaffAction(actor, action, target, mode).allowed)
              expect(decideStaffAction(actor, action, target, 'standalone').allowed).toBe(true);
          }
  });
});
