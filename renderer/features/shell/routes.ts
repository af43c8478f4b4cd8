import { can } from '../../../common/rbac/permissions';
import type { Role } from '../../../common/policy/policy';
import type { MessageKey } from '../../i18n/messages.en';

export const ROUTES = ['home', 'staff', 'audit', 'admin', 'account', 'settings'] as const;
export type Route = (typeof ROUTES)[number];

export const ROUTE_LABEL: Record<Route, MessageKey> = {
  home: 'nav.home',
  staff: 'nav.staff',
  audit: 'nav.audit',
  admin: 'admin.nav',
  account: 'nav.account',
  settings: 'nav.settings',
};

/** Screens a role can use. The core enforces permissions anyway; this only hides dead ends. */
export function routesFor(role: Role, mode: 'standalone' | 'enrolled' = 'standalone'): Route[] {
  return ROUTES.filter(
    (r) =>
      (r !== 'staff' || can(role, 'staff.read')) &&
      (r !== 'audit' || can(role, 'audit.read')) &&
      // The admin area works on the sync server: admins, on a PC connected to one.
      (r !== 'admin' || (role === 'admin' && mode === 'enrolled')),
  );
}
