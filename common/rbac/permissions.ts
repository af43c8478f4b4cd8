/**
 * Who may do what. Enforced inside the core services (the UI only hides what it cannot do).
 * Changing this matrix is a security change: tests/common/permissions.test.ts pins it.
 */
export const PERMISSIONS = [
  'staff.read',
  'staff.create',
  'staff.disable',
  'staff.reset',
  'staff.unlock',
  'staff.reset_2fa',
  'staff.change_role',
  'audit.read',
  'audit.verify',
  'audit.export',
  'policy.read',
  'policy.edit',
  'device.enroll',
  'time.confirm',
  'store.backup',
  // Sync server (backend-sync/routes/users.routes.ts): edit a person's name, username, stores;
  // GDPR export and erasure of one person's data (admins only).
  'staff.edit',
  'staff.export',
  'staff.erase',
  // Sync server (backend-sync): stores, devices and analytics across the franchise. Managers
  // read only the stores they are assigned to (checked per store by the server).
  'store.read',
  'store.manage',
  'device.read',
  'device.revoke',
  'analytics.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export type StaffRole = 'admin' | 'manager' | 'viewer';

const MANAGER: readonly Permission[] = [
  'staff.read',
  'staff.create',
  'staff.edit',
  'staff.disable',
  'staff.reset',
  'staff.unlock',
  'staff.reset_2fa',
  'audit.read',
  'audit.verify',
  'audit.export',
  'policy.read',
  'store.read',
  'device.read',
];

export const PERMISSION_MATRIX: Readonly<Record<StaffRole, readonly Permission[]>> = {
  admin: PERMISSIONS,
  manager: MANAGER,
  viewer: [],
};

export function can(role: StaffRole, permission: Permission): boolean {
  return PERMISSION_MATRIX[role].includes(permission);
}

const RANK: Readonly<Record<StaffRole, number>> = { viewer: 0, manager: 1, admin: 2 };

/**
 * Whether `actor` may manage an account holding `targetRole` (create, disable, reset, …).
 * Admins manage everyone; managers manage crew (viewers) only, never peers or admins.
 */
export function canManage(actor: StaffRole, targetRole: StaffRole): boolean {
  if (actor === 'admin') return true;
  return RANK[actor] > RANK[targetRole];
}
