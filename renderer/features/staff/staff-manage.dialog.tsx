import { useState } from 'react';
import { ROLES, type Role } from '../../../common/policy/policy';
import {
  isElsewhere,
  offeredStaffActions,
  type PcMode,
  type StaffActionKind,
} from '../../../common/rbac/offered-actions';
import type { StaffSummary } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { SelectField } from '../../components/field';
import { useI18n } from '../../i18n/i18n-context';
import type { MessageKey } from '../../i18n/messages.en';
import { ROLE_LABEL } from '../../components/role-label';
import type { StaffAction } from './staff-actions';
import { StaffBadges } from './staff-badges';

interface Props {
  account: StaffSummary;
  actorRole: Role;
  mode: PcMode;
  onAction(action: StaffAction): void;
  onClose(): void;
}

/** Where an action withheld on this PC is done instead, in words. */
export const ELSEWHERE_TEXT: Record<
  'in_admin_area' | 'ask_server_admin' | 'pc_revoked',
  MessageKey
> = {
  in_admin_area: 'staff.elsewhere_admin_area',
  ask_server_admin: 'staff.elsewhere_server_admin',
  pc_revoked: 'staff.elsewhere_revoked',
};

/** The buttons in the order they are shown; `role` is the form below them. */
const BUTTONS: { kind: StaffActionKind; action: StaffAction; label: MessageKey }[] = [
  { kind: 'disable', action: { type: 'disable' }, label: 'staff.disable' },
  { kind: 'enable', action: { type: 'enable' }, label: 'staff.enable' },
  {
    kind: 'reset_password',
    action: { type: 'reset_password', password: '' },
    label: 'staff.reset_password',
  },
  { kind: 'unlock', action: { type: 'unlock' }, label: 'staff.unlock' },
  { kind: 'reset_2fa', action: { type: 'reset_2fa' }, label: 'staff.reset_2fa' },
];

/**
 * What the actor may do to one account on this PC (common/rbac/offered-actions.ts, the same
 * decision the core makes); each button leads to a confirmation or the result. An action that
 * lives elsewhere (the server, for a connected PC) is not offered: the dialog says where.
 */
export function StaffManageDialog({ account, actorRole, mode, onAction, onClose }: Props) {
  const { t } = useI18n();
  const [role, setRole] = useState<Role>(account.role);
  const offers = offeredStaffActions(actorRole, { ...account, self: false }, mode);
  const elsewhere = new Set(
    Object.values(offers).flatMap((o) => (!o.offered && isElsewhere(o.reason) ? [o.reason] : [])),
  );
  return (
    <Dialog title={t('staff.manage_title', { name: account.displayName })} onClose={onClose}>
      <p>
        <span className="muted">{account.username}</span> · {t(ROLE_LABEL[account.role])}
      </p>
      <StaffBadges account={account} />
      <div className="action-list">
        {BUTTONS.filter((b) => offers[b.kind].offered).map((b) => (
          <button
            key={b.kind}
            type="button"
            className="button secondary"
            onClick={() => onAction(b.action)}
          >
            {t(b.label)}
          </button>
        ))}
      </div>
      {[...elsewhere].map((reason) => (
        <p key={reason} className="hint" data-testid="staff-elsewhere">
          {t(ELSEWHERE_TEXT[reason])}
        </p>
      ))}
      {offers.change_role.offered ? (
        <div className="inline-form">
          <SelectField
            label={t('staff.new_role')}
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(ROLE_LABEL[r])}
              </option>
            ))}
          </SelectField>
          <button
            type="button"
            className="button secondary"
            disabled={role === account.role}
            onClick={() => onAction({ type: 'role', role })}
          >
            {t('staff.change_role')}
          </button>
        </div>
      ) : null}
      <div className="button-row end">
        <button type="button" className="button primary" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </Dialog>
  );
}
