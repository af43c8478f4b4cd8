import { useState, type FormEvent } from 'react';
import type { ServerPersonDto, ServerStoreDto } from '../../../common/ipc/admin.schemas';
import { ROLES, type Role } from '../../../common/policy/policy';
import { useApi } from '../../api/api-context';
import type { ApiError } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { Checkbox, Field, SelectField } from '../../components/field';
import { FormActions } from '../../components/form-actions';
import { ErrorAlert } from '../../components/messages';
import { useAction } from '../../components/use-action';
import { useI18n } from '../../i18n/i18n-context';
import { ROLE_LABEL } from '../../components/role-label';
import type { Run } from './admin-run';
import { PersonAccountActions } from './person-actions.dialogs';

function StoreChoices(props: {
  stores: ServerStoreDto[];
  value: string[];
  onChange(ids: string[]): void;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="stack">
      <legend>{t('admin.people.stores')}</legend>
      {props.stores.length === 0 ? <p className="hint">{t('admin.stores.none')}</p> : null}
      {props.stores.map((s) => (
        <Checkbox
          key={s.id}
          label={s.name}
          checked={props.value.includes(s.id)}
          onChange={(e) =>
            props.onChange(
              e.target.checked ? [...props.value, s.id] : props.value.filter((id) => id !== s.id),
            )
          }
        />
      ))}
    </fieldset>
  );
}

function RoleSelect(props: { value: Role; onChange(role: Role): void }) {
  const { t } = useI18n();
  return (
    <SelectField
      label={t('admin.people.role')}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value as Role)}
    >
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {t(ROLE_LABEL[r])}
        </option>
      ))}
    </SelectField>
  );
}

/** A new person on the server: they get an email to choose a password and set up 2FA. */
export function PersonCreateDialog(props: {
  run: Run;
  stores: ServerStoreDto[];
  onClose(): void;
  onCreated(person: ServerPersonDto): void;
}) {
  const api = useApi();
  const { t } = useI18n();
  const [form, setForm] = useState({ displayName: '', username: '', email: '' });
  const [role, setRole] = useState<Role>('viewer');
  const [storeIds, setStoreIds] = useState<string[]>([]);
  const { run, busy, error } = useAction();
  const field = (key: keyof typeof form) => ({
    value: form[key],
    required: true,
    onChange: (e: { target: { value: string } }) =>
      setForm((f) => ({ ...f, [key]: e.target.value })),
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      const r = await props.run(api.admin.createPerson({ ...form, role, storeIds }));
      if (!r.ok) return r.error;
      props.onCreated(r.data);
    });
  };

  return (
    <Dialog title={t('admin.people.create')} onClose={props.onClose}>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <Field label={t('admin.people.name')} maxLength={100} autoFocus {...field('displayName')} />
        <Field label={t('admin.people.username')} maxLength={64} {...field('username')} />
        <Field
          label={t('admin.people.email')}
          hint={t('admin.people.email_hint')}
          type="email"
          maxLength={254}
          {...field('email')}
        />
        <RoleSelect value={role} onChange={setRole} />
        <StoreChoices stores={props.stores} value={storeIds} onChange={setStoreIds} />
        <ErrorAlert error={error} />
        <FormActions
          submitLabel={t('admin.people.create_submit')}
          busy={busy}
          onCancel={props.onClose}
        />
      </form>
    </Dialog>
  );
}

/**
 * One person: role, store assignments, disable or enable, each saved on its own; then unlock,
 * password reset, 2FA reset and erasure, each confirmed first (person-actions.dialogs.tsx).
 */
export function PersonManageDialog(props: {
  run: Run;
  person: ServerPersonDto;
  stores: ServerStoreDto[];
  onClose(): void;
  onChanged(person: ServerPersonDto, status: string): void;
  onDone(status: string): void;
  onErased(person: ServerPersonDto, status: string): void;
}) {
  const { person, run } = props;
  const api = useApi();
  const { t } = useI18n();
  const [role, setRole] = useState<Role>(person.role);
  const [storeIds, setStoreIds] = useState(person.stores.map((s) => s.id));
  const [error, setError] = useState<ApiError | null>(null);
  const name = person.displayName;

  const apply = async (call: ReturnType<typeof api.admin.setRole>, text: string) => {
    setError(null);
    const r = await run(call);
    if (r.ok) props.onChanged(r.data, text);
    else setError(r.error);
  };
  const disabled = person.status === 'disabled';

  return (
    <Dialog title={t('admin.people.manage_title', { name })} onClose={props.onClose}>
      <div className="dialog-body stack">
        <p className="muted">
          {person.username} · {person.email}
        </p>
        <RoleSelect value={role} onChange={setRole} />
        <button
          type="button"
          className="button secondary"
          disabled={role === person.role}
          onClick={() =>
            void apply(
              api.admin.setRole({ personId: person.id, role }),
              t('admin.people.role_done', { name, role: t(ROLE_LABEL[role]) }),
            )
          }
        >
          {t('admin.people.save_role')}
        </button>
        <StoreChoices stores={props.stores} value={storeIds} onChange={setStoreIds} />
        <button
          type="button"
          className="button secondary"
          onClick={() =>
            void apply(
              api.admin.setStores({ personId: person.id, storeIds }),
              t('admin.people.stores_done', { name }),
            )
          }
        >
          {t('admin.people.save_stores')}
        </button>
        <button
          type="button"
          className={`button ${disabled ? 'secondary' : 'danger'}`}
          onClick={() =>
            void apply(
              api.admin.setStatus({
                personId: person.id,
                status: disabled ? 'active' : 'disabled',
              }),
              t(disabled ? 'admin.people.enabled_done' : 'admin.people.disabled_done', { name }),
            )
          }
        >
          {t(disabled ? 'admin.people.enable' : 'admin.people.disable')}
        </button>
        <ErrorAlert error={error} />
        <PersonAccountActions
          run={run}
          person={person}
          onChanged={props.onChanged}
          onDone={props.onDone}
          onErased={props.onErased}
        />
      </div>
      <div className="button-row end">
        <button type="button" className="button primary" onClick={props.onClose}>
          {t('common.close')}
        </button>
      </div>
    </Dialog>
  );
}
