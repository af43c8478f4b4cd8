import { useCallback, useEffect, useState } from 'react';
import { decideStaffAction, isElsewhere } from '../../../common/rbac/offered-actions';
import { useApi } from '../../api/api-context';
import { isSessionError, type ApiError, type StaffSummary } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Field } from '../../components/field';
import { ErrorAlert, StatusMessage } from '../../components/messages';
import { Page } from '../../components/page';
import { TableWrap } from '../../components/table-wrap';
import { useAction } from '../../components/use-action';
import { useI18n } from '../../i18n/i18n-context';
import type { ScreenProps } from '../shell/shell.types';
import { ROLE_LABEL } from '../../components/role-label';
import { TemporaryPasswordDialog } from './secret.dialog';
import {
  CONFIRM_TEXT,
  DONE_TEXT,
  needsConfirmation,
  runStaffAction,
  type StaffAction,
} from './staff-actions';
import { StaffBadges } from './staff-badges';
import { StaffCreateDialog } from './staff-create.dialog';
import { StaffManageDialog, type ELSEWHERE_TEXT } from './staff-manage.dialog';

type DialogState =
  | { kind: 'create' }
  | { kind: 'manage'; account: StaffSummary }
  | { kind: 'confirm'; account: StaffSummary; action: StaffAction; error?: ApiError }
  | { kind: 'secret'; account: StaffSummary; password: string; unlocked?: boolean };

/** Staff on this PC: search, create, and the manager's actions on each account. */
export function StaffScreen({ state, session, onSessionError }: ScreenProps) {
  const api = useApi();
  const { t, dateTime } = useI18n();
  const [search, setSearch] = useState('');
  const [staff, setStaff] = useState<StaffSummary[] | null>(null);
  const [dialog, setDialog] = useState<DialogState | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const failed = useCallback(
    (e: ApiError): boolean => {
      if (!isSessionError(e)) return false;
      onSessionError();
      return true;
    },
    [onSessionError],
  );
  const { run, busy, error, fail } = useAction({ handled: failed });

  const load = useCallback(
    async (term: string) => {
      const result = await api.staff.list({ search: term });
      if (result.ok) setStaff(result.data);
      else if (!failed(result.error)) fail(result.error);
    },
    [api, failed, fail],
  );

  useEffect(() => {
    const timer = setTimeout(() => void load(search), search ? 250 : 0);
    return () => clearTimeout(timer);
  }, [search, load]);

  const perform = (account: StaffSummary, action: StaffAction) => {
    setStatus(null);
    return run(async () => {
      const result = await runStaffAction(api, account, action);
      if (!result.ok) {
        // A wrong own password is for the confirmation to show: it stays open to try again.
        if (action.type === 'reset_password' && OWN_PASSWORD_ERRORS.has(result.error.code)) {
          setDialog({ kind: 'confirm', account, action, error: result.error });
          return;
        }
        setDialog(null);
        return result.error;
      }
      const name = account.displayName;
      const role = action.type === 'role' ? t(ROLE_LABEL[action.role]) : '';
      const { temporaryPassword: password, unlocked } = result.data;
      setStatus(t(unlocked ? 'staff.done_reset_unlocked' : DONE_TEXT[action.type], { name, role }));
      setDialog(
        password ? { kind: 'secret', account: result.data.account, password, unlocked } : null,
      );
      void load(search);
    });
  };

  const choose = (account: StaffSummary, action: StaffAction) => {
    if (needsConfirmation(action)) setDialog({ kind: 'confirm', account, action });
    else void perform(account, action);
  };

  // The same decision the core makes (common/rbac/offered-actions.ts), for this PC's mode.
  const mode = state.device.pcMode;
  const create = decideStaffAction(session.role, 'create', null, mode);
  // Someone this person may act on at all: a higher rank or oneself is never manageable here.
  const manageable = (a: StaffSummary) => {
    const d = decideStaffAction(
      session.role,
      'reset_password',
      { role: a.role, self: a.id === session.accountId },
      mode,
    );
    return d.allowed || isElsewhere(d.reason);
  };

  return (
    <Page
      title={t('staff.title')}
      lead={t('staff.lead')}
      actions={
        create.allowed ? (
          <button
            type="button"
            className="button primary"
            onClick={() => setDialog({ kind: 'create' })}
          >
            {t('staff.create')}
          </button>
        ) : null
      }
    >
      <div className="toolbar" role="search">
        <Field
          label={t('staff.search')}
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          hint={t('staff.search_hint')}
        />
      </div>
      {!create.allowed && isElsewhere(create.reason) ? (
        <p className="hint" data-testid="staff-create-elsewhere">
          {t(CREATE_ELSEWHERE_TEXT[create.reason])}
        </p>
      ) : null}
      <StatusMessage text={status} />
      <ErrorAlert error={error} />
      {staff === null ? (
        <p className="hint">{t('common.loading')}</p>
      ) : staff.length === 0 ? (
        <p>{t('staff.none')}</p>
      ) : (
        <TableWrap label={t('staff.title')}>
          <table className="table">
            <caption className="visually-hidden">
              {t('staff.count', { count: staff.length })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('staff.col_name')}</th>
                <th scope="col">{t('staff.role')}</th>
                <th scope="col">{t('staff.col_status')}</th>
                <th scope="col">{t('staff.col_last')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('staff.col_actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {staff.map((a) => (
                <tr key={a.id} data-testid={`staff-row-${a.username}`}>
                  <th scope="row">
                    <span className="name">{a.displayName}</span>
                    <span className="muted small">{a.username}</span>
                  </th>
                  <td>{t(ROLE_LABEL[a.role])}</td>
                  <td>
                    <StaffBadges account={a} />
                  </td>
                  <td>{a.lastSignInAt ? dateTime(a.lastSignInAt) : t('staff.never')}</td>
                  <td className="actions-cell">
                    {a.id === session.accountId ? (
                      <span className="muted">{t('staff.you')}</span>
                    ) : manageable(a) ? (
                      <button
                        type="button"
                        className="button secondary"
                        aria-label={t('staff.manage_for', { name: a.displayName })}
                        onClick={() => setDialog({ kind: 'manage', account: a })}
                      >
                        {t('staff.manage')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {dialog?.kind === 'create' ? (
        <StaffCreateDialog
          actorRole={session.role}
          mode={mode}
          onClose={() => setDialog(null)}
          onSessionError={failed}
          onCreated={(account, password) => {
            setStatus(t('staff.done_create', { name: account.displayName }));
            setDialog({ kind: 'secret', account, password });
            void load(search);
          }}
        />
      ) : null}
      {dialog?.kind === 'manage' ? (
        <StaffManageDialog
          account={dialog.account}
          actorRole={session.role}
          mode={mode}
          onClose={() => setDialog(null)}
          onAction={(action) => choose(dialog.account, action)}
        />
      ) : null}
      {dialog?.kind === 'confirm' ? (
        <StaffConfirm
          account={dialog.account}
          action={dialog.action}
          busy={busy}
          error={dialog.error ?? null}
          onConfirm={(action) => void perform(dialog.account, action)}
          onCancel={() => setDialog({ kind: 'manage', account: dialog.account })}
        />
      ) : null}
      {dialog?.kind === 'secret' ? (
        <TemporaryPasswordDialog
          name={dialog.account.displayName}
          username={dialog.account.username}
          password={dialog.password}
          unlocked={dialog.unlocked ?? false}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </Page>
  );
}

/** Where people are added when this PC does not add them. */
const CREATE_ELSEWHERE_TEXT: typeof ELSEWHERE_TEXT = {
  in_admin_area: 'staff.create_elsewhere_admin_area',
  ask_server_admin: 'staff.create_elsewhere_server_admin',
  pc_revoked: 'staff.elsewhere_revoked',
};

/** Errors about the manager's own password in a confirmation that asks for it. */
const OWN_PASSWORD_ERRORS = new Set(['invalid_credentials', 'account_locked', 'throttled']);

function StaffConfirm(props: {
  account: StaffSummary;
  action: StaffAction;
  busy: boolean;
  error: ApiError | null;
  onConfirm(action: StaffAction): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const type = props.action.type;
  if (type === 'enable' || type === 'unlock') return null;
  const text = CONFIRM_TEXT[type];
  const name = props.account.displayName;
  const role = props.action.type === 'role' ? t(ROLE_LABEL[props.action.role]) : '';
  const asksPassword = type === 'reset_password';
  return (
    <ConfirmDialog
      title={t(text.title, { name })}
      confirmLabel={t(text.button)}
      danger={type !== 'role'}
      busy={props.busy || (asksPassword && password === '')}
      onConfirm={() =>
        props.onConfirm(asksPassword ? { type: 'reset_password', password } : props.action)
      }
      onCancel={props.onCancel}
    >
      <p>{t(text.body, { name, role, from: t(ROLE_LABEL[props.account.role]) })}</p>
      {asksPassword && props.account.locked ? <p>{t('staff.confirm_reset_unlocks')}</p> : null}
      {asksPassword ? (
        <>
          {props.error ? <ErrorAlert error={props.error} /> : null}
          <Field
            label={t('staff.confirm_your_password')}
            hint={t('staff.confirm_reset_signed')}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </>
      ) : null}
    </ConfirmDialog>
  );
}
