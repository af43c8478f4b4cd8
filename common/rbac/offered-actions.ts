import type { Role } from '../policy/policy';
import { can, canManage, type Permission } from './permissions';

/**
 * Which staff actions a person is offered on this PC, and why not where one is withheld.
 *
 * One decision, two readers: the staff screens show only what `offeredStaffActions` offers
 * (with the reason in words where the action lives elsewhere), and the core's authorizer
 * refuses exactly what `decideStaffAction` refuses (electron/core/rbac/authorizer.ts,
 * `requireStaffAction`). So a button is never shown for something the core then refuses, and
 * the core never accepts something the screen hid. tests/core/accounts/offered-actions-core.test.ts
 * proves the two agree over every role × target × mode × action.
 */

/** What a manager or admin can do to someone's account from the staff screen. */
export const STAFF_ACTIONS = [
  'create',
  'disable',
  'enable',
  'reset_password',
  'unlock',
  'reset_2fa',
  'change_role',
] as const;
export type StaffActionKind = (typeof STAFF_ACTIONS)[number];

/**
 * The PC's mode: standalone (it is its own authority), connected to a sync server (the server
 * decides who exists, roles, status and 2FA: invariant 6), or revoked (an admin revoked it on
 * the server; nobody signs in until it is connected again).
 */
export const PC_MODES = ['standalone', 'connected', 'revoked'] as const;
export type PcMode = (typeof PC_MODES)[number];

/** The permission of the matrix (permissions.ts) each action needs. */
export const STAFF_ACTION_PERMISSION: Readonly<Record<StaffActionKind, Permission>> = {
  create: 'staff.create',
  disable: 'staff.disable',
  enable: 'staff.disable',
  reset_password: 'staff.reset',
  unlock: 'staff.unlock',
  reset_2fa: 'staff.reset_2fa',
  change_role: 'staff.change_role',
};

/**
 * Actions only the sync server makes for a connected PC. A temporary password and an unlock
 * stay on the PC: the reset is signed by the manager and sent to the server, lockouts are
 * counted per PC.
 */
const SERVER_ONLY: ReadonlySet<StaffActionKind> = new Set([
  'create',
  'disable',
  'enable',
  'reset_2fa',
  'change_role',
]);

/**
 * Why an action is withheld. The first three are permission refusals (the screen simply does
 * not show the action); the next three name where it lives instead, in words.
 * - `no_permission`: the role does not have the permission at all;
 * - `outranked`: the target's role is not below the actor's (managers act on crew only);
 * - `own_account`: one's own account is changed in My account;
 * - `in_admin_area`: an admin on a connected PC does it in the Admin area (on the server);
 * - `ask_server_admin`: a manager on a connected PC asks an admin, who does it on the server;
 * - `pc_revoked`: this PC was revoked; nothing changes here until it is connected again.
 */
export type StaffActionRefusal =
  | 'no_permission'
  | 'outranked'
  | 'own_account'
  | 'in_admin_area'
  | 'ask_server_admin'
  | 'pc_revoked';

/** The account acted on. For `create`: the role the new person would have, and self false. */
export interface StaffActionTarget {
  role: Role;
  self: boolean;
}

export type StaffActionDecision =
  { allowed: true } | { allowed: false; reason: StaffActionRefusal };

/**
 * The security decision, shared by screen and core. `target` null asks about an action before
 * its target is known (the "Add a person" button before a role is chosen): permission and mode
 * only.
 */
export function decideStaffAction(
  actor: Role,
  action: StaffActionKind,
  target: StaffActionTarget | null,
  mode: PcMode,
): StaffActionDecision {
  if (!can(actor, STAFF_ACTION_PERMISSION[action])) return refused('no_permission');
  if (target?.self) return refused('own_account');
  if (target && !canManage(actor, target.role)) return refused('outranked');
  if (mode === 'revoked') return refused('pc_revoked');
  if (mode === 'connected' && SERVER_ONLY.has(action))
    return refused(actor === 'admin' ? 'in_admin_area' : 'ask_server_admin');
  return { allowed: true };
}

/** What the screen knows of the account beyond role and self. */
export interface StaffTargetState extends StaffActionTarget {
  status: 'active' | 'disabled';
  locked: boolean;
  totpEnabled: boolean;
}

/**
 * Whether an action means anything for the account as it is now (enable a disabled account,
 * unlock a locked one, reset 2FA someone has). Not a security decision: the core treats the
 * others as changing nothing. The screen only offers relevant actions.
 */
export function isRelevant(action: StaffActionKind, state: StaffTargetState): boolean {
  switch (action) {
    case 'disable':
      return state.status === 'active';
    case 'enable':
      return state.status === 'disabled';
    case 'unlock':
      return state.locked;
    case 'reset_2fa':
      return state.totpEnabled;
    case 'create':
      // Not an action on an existing account: ask decideStaffAction with a null target.
      return false;
    case 'reset_password':
    case 'change_role':
      return true;
  }
}

export type StaffOffer =
  | { offered: true }
  /** `not_relevant`: nothing to do for this account as it is; shown neither as button nor reason. */
  | { offered: false; reason: StaffActionRefusal | 'not_relevant' };

/** Every action for one account on this PC: offered, or why not. */
export function offeredStaffActions(
  actor: Role,
  target: StaffTargetState,
  mode: PcMode,
): Record<StaffActionKind, StaffOffer> {
  const out = {} as Record<StaffActionKind, StaffOffer>;
  for (const action of STAFF_ACTIONS) {
    const decision = decideStaffAction(actor, action, target, mode);
    out[action] = !isRelevant(action, target)
      ? { offered: false, reason: 'not_relevant' }
      : decision.allowed
        ? { offered: true }
        : { offered: false, reason: decision.reason };
  }
  return out;
}

/** Reasons worth telling the person: where the action lives instead. */
export function isElsewhere(
  reason: StaffActionRefusal | 'not_relevant',
): reason is 'in_admin_area' | 'ask_server_admin' | 'pc_revoked' {
  return reason === 'in_admin_area' || reason === 'ask_server_admin' || reason === 'pc_revoked';
}

function refused(reason: StaffActionRefusal): StaffActionDecision {
  return { allowed: false, reason };
}
