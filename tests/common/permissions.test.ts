// The permission matrix pinned: who may do what is a security decision, so any change to it must
// change this test too (common/rbac/permissions.ts says so where the matrix is defined).
import { describe, expect, it } from 'vitest';
import {
  can,
  canManage,
  PERMISSION_MATRIX,
  PERMISSIONS,
  type StaffRole,
} from '../../common/rbac/permissions';

const ROLES: readonly StaffRole[] = ['admin', 'manager', 'viewer'];

describe('the permission matrix', () => {
  it('gives admins everything, crew nothing, and managers exactly this', () => {
    expect([...PERMISSION_MATRIX.admin].sort()).toEqual([...PERMISSIONS].sort());
    expect(PERMISSION_MATRIX.viewer).toEqual([]);
    expect([...PERMISSION_MATRIX.manager].sort()).toEqual(
      [
        'audit.export',
        'audit.read',
        'audit.verify',
        'device.read',
        'policy.read',
        'staff.create',
        'staff.disable',
        'staff.edit',
        'staff.read',
        'staff.reset',
        'staff.reset_2fa',
        'staff.unlock',
        'store.read',
      ].sort(),
    );
  });

  it('keeps the admin-only powers from managers', () => {
    for (const p of [
      'staff.change_role',
      'staff.export',
      'staff.erase',
      'policy.edit',
      'device.enroll',
      'device.revoke',
      'time.confirm',
      'store.backup',
      'store.manage',
      'analytics.read',
    ] as const) {
      expect(can('manager', p), p).toBe(false);
      expect(can('admin', p), p).toBe(true);
    }
  });

  it('answers can() from the matrix for every role and permission', () => {
    for (const role of ROLES)
      for (const p of PERMISSIONS) expect(can(role, p)).toBe(PERMISSION_MATRIX[role].includes(p));
  });

  it('lets admins manage everyone and managers crew only, never a peer or an admin', () => {
    const table = ROLES.flatMap((actor) =>
      ROLES.map((target) => `${actor}→${target}: ${canManage(actor, target)}`),
    );
    expect(table).toEqual([
      'admin→admin: true',
      'admin→manager: true',
      'admin→viewer: true',
      'manager→admin: false',
      'manager→manager: false',
      'manager→viewer: true',
      'viewer→admin: false',
      'viewer→manager: false',
      'viewer→viewer: false',
    ]);
  });
});
