import type { KeyholderApi } from '../../../common/ipc/contract';
import type { Role } from '../../../common/policy/policy';
import type { StaffActionKind } from '../../../common/rbac/offered-actions';
import type { ApiResult, StaffSummary } from '../../api/types';
import type { MessageKey } from '../../i18n/messages.en';

export type StaffAction =
  | { type: 'disable' }
  | { type: 'enable' }
  /** `password`: the manager's own, asked for in the confirmation (it signs the change). */
  | { type: 'reset_password'; password: string }
  | { type: 'unlock' }
  | { type: 'reset_2fa' }
  | { type: 'role'; role: Role };

/** The action as common/rbac/offered-actions.ts names it (what is offered, what core accepts). */
export function actionKind(action: StaffAction): StaffActionKind {
  return action.type === 'role' ? 'change_role' : action.type;
}

/** Actions that take something away from the person: confirmed first. */
export function needsConfirmation(action: StaffAction): boolean {
  return action.type !== 'enable' && action.type !== 'unlock';
}

export const CONFIRM_TEXT: Record<
  Exclude<StaffAction['type'], 'enable' | 'unlock'>,
  {
    title: MessageKey;
    body: MessageKey;
    button: MessageKey;
  }
> = {
  disable: {
    title: 'staff.confirm_disable_title',
    body: 'staff.confirm_disable',
    button: 'staff.disable',
  },
  reset_password: {
    title: 'staff.confirm_reset_title',
    body: 'staff.confirm_reset',
    button: 'staff.reset_password',
  },
  reset_2fa: {
    title: 'staff.confirm_2fa_title',
    body: 'staff.confirm_2fa',
    button: 'staff.reset_2fa',
  },
  role: {
    title: 'staff.confirm_role_title',
    body: 'staff.confirm_role',
    button: 'staff.change_role',
  },
};

export const DONE_TEXT: Record<StaffAction['type'], MessageKey> = {
  disable: 'staff.done_disable',
  enable: 'staff.done_enable',
  reset_password: 'staff.done_reset',
  unlock: 'staff.done_unlock',
  reset_2fa: 'staff.done_2fa',
  role: 'staff.done_role',
};

/** `unlocked`: a password reset also lifted the account's lockout. */
export type ActionResult = ApiResult<{
  account: StaffSummary;
  temporaryPassword?: string;
  unlocked?: boolean;
}>;

export async function runStaffAction(
  api: KeyholderApi,
  account: StaffSummary,
  action: StaffAction,
): Promise<ActionResult> {
  const accountId = account.id;
  const wrap = (r: ApiResult<StaffSummary>): ActionResult =>
    r.ok ? { ok: true, data: { account: r.data } } : r;
  switch (action.type) {
    case 'disable':
      return wrap(await api.staff.setStatus({ accountId, status: 'disabled' }));
    case 'enable':
      return wrap(await api.staff.setStatus({ accountId, status: 'active' }));
    case 'reset_password':
      return api.staff.resetPassword({ accountId, password: action.password });
    case 'unlock':
      return wrap(await api.staff.unlock({ accountId }));
    case 'reset_2fa':
      return wrap(await api.staff.resetTwoFactor({ accountId }));
    case 'role':
      return wrap(await api.staff.changeRole({ accountId, role: action.role }));
  }
}
