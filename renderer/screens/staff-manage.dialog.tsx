import { useState } from 'react';
import { ROLES, type Role } from '../../common/policy/policy';
import { can } from '../../common/rbac/permissions';
import type { StaffSummary } from '../api/types';
import { Dialog } from '../components/dialog';
import { SelectField } from '../components/field';
import { useI18n } from '../i18n/i18n-context';
import { ROLE_LABEL } from './role-label';
import type { StaffAction } from './staff-actions';
import { StaffBadges } from './staff-badges';

interface Props {
  account: StaffSummary;
  actorRole: Role;
  onAction(action: StaffAction): void;
  onClose(): void;
}

/** What the actor may do to one account; each button leads to a confirmation or the result. */
export function StaffManageDialog({ account, actorRole, onAction, onClose }: Props) {
  const { t } = useI18n();
  const [role, setRole] = useState<Role>(account.role);
  return (
    <Dialog title={t('staff.manage_title', { name: account.displayName })} onClose={onClose}>
      <p>
        <span className="muted">{account.username}</span> · {t(ROLE_LABEL[account.role])}
      </p>
      <StaffBadges account={account} />
      <div className="action-list">
        {account.status === 'active' ? (
          <button
            type="button"
            className="button secondary"
            onClick={() => onAction({ type: 'disable' })}
          >
            {t('staff.disable')}
          </button>
        ) : (
          <button
            type="button"
            className="button secondary"
            onClick={() => onAction({ type: 'enable' })}
          >
            {t('staff.enable')}
          </button>
        )}
        <button
          type="button"
          className="button secondary"
          onClick={() => onAction({ type: 'reset_password', password: '' })}
        >
          {t('staff.reset_password')}
        </button>
        {account.locked ? (
          <button
            type="button"
            className="button secondary"
            onClick={() => onAction({ type: 'unlock' })}
          >
            {t('staff.unlock')}
          </button>
        ) : null}
        {account.totpEnabled ? (
          <button
            type="button"
            className="button secondary"
            onClick={() => onAction({ type: 'reset_2fa' })}
          >
            {t('staff.reset_2fa')}
          </button>
        ) : null}
      </div>
      {can(actorRole, 'staff.change_role') ? (
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
