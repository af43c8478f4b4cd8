import { useState, type FormEvent } from 'react';
import { ROLES, type Role } from '../../../common/policy/policy';
import { decideStaffAction, type PcMode } from '../../../common/rbac/offered-actions';
import { useApi } from '../../api/api-context';
import type { ApiError, StaffSummary } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { DISPLAY_NAME_MAX_LENGTH } from '../../../common/text/text-limits';
import { Field, SelectField } from '../../components/field';
import { FormActions } from '../../components/form-actions';
import { ErrorAlert } from '../../components/messages';
import { useAction } from '../../components/use-action';
import { useI18n } from '../../i18n/i18n-context';
import { ROLE_LABEL } from '../../components/role-label';

interface Props {
  actorRole: Role;
  mode: PcMode;
  onCreated(account: StaffSummary, temporaryPassword: string): void;
  onClose(): void;
  onSessionError(error: ApiError): boolean;
}

/**
 * New staff account: name, username, optional email, role (only roles the core would let the
 * actor create on this PC: common/rbac/offered-actions.ts).
 */
export function StaffCreateDialog({ actorRole, mode, onCreated, onClose, onSessionError }: Props) {
  const api = useApi();
  const { t } = useI18n();
  const roles = ROLES.filter(
    (r) => decideStaffAction(actorRole, 'create', { role: r, self: false }, mode).allowed,
  );
  const [displayName, setDisplayName] = useState('');
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const { run, busy, error, fail } = useAction({ handled: onSessionError });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!displayName.trim() || !username.trim())
      return fail({ code: 'missing', message: t('staff.missing') });
    await run(async () => {
      const result = await api.staff.create({ displayName, username, email, role });
      if (!result.ok) return result.error;
      onCreated(result.data.account, result.data.temporaryPassword);
    });
  };

  return (
    <Dialog title={t('staff.create_title')} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} noValidate className="stack">
        <ErrorAlert error={error} />
        <Field
          label={t('staff.display_name')}
          maxLength={DISPLAY_NAME_MAX_LENGTH}
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
          autoFocus
          required
        />
        <Field
          label={t('signin.username')}
          autoCapitalize="none"
          spellCheck={false}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          hint={t('staff.username_hint')}
          required
        />
        <Field
          label={t('staff.email')}
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          hint={t('common.optional')}
        />
        <SelectField
          label={t('staff.role')}
          value={role}
          onChange={(e) => setRole(e.target.value as Role)}
        >
          {roles.map((r) => (
            <option key={r} value={r}>
              {t(ROLE_LABEL[r])}
            </option>
          ))}
        </SelectField>
        <p className="hint">{t('staff.create_note')}</p>
        <FormActions submitLabel={t('staff.create_submit')} busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
