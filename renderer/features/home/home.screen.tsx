import { useState } from 'react';
import { can } from '../../../common/rbac/permissions';
import { useApi } from '../../api/api-context';
import { isSessionError, type ApiError } from '../../api/types';
import { ErrorAlert, StatusMessage } from '../../components/messages';
import { Page } from '../../components/page';
import { useI18n } from '../../i18n/i18n-context';
import type { MessageKey } from '../../i18n/messages.en';
import type { ScreenProps, SignInNotice } from '../shell/shell.types';
import { ROLE_LABEL } from '../../components/role-label';
import type { Route } from '../shell/routes';

interface Props extends ScreenProps {
  notice: SignInNotice | null;
  onDismissNotice(): void;
  onChanged(): void;
}

interface Shortcut {
  route: Route;
  title: MessageKey;
  text: MessageKey;
}

/** Home per role: a greeting, the notices that matter now, and shortcuts to the work. */
export function HomeScreen({
  state,
  session,
  navigate,
  notice,
  onDismissNotice,
  onChanged,
}: Props) {
  const { t } = useI18n();
  const [timeStatus, setTimeStatus] = useState<string | null>(null);
  const shortcuts: Shortcut[] = [
    { route: 'account', title: 'home.account_title', text: 'home.account_text' },
  ];
  if (can(session.role, 'staff.read'))
    shortcuts.unshift({ route: 'staff', title: 'home.staff_title', text: 'home.staff_text' });
  if (can(session.role, 'audit.read'))
    shortcuts.splice(1, 0, { route: 'audit', title: 'home.audit_title', text: 'home.audit_text' });
  if (can(session.role, 'policy.edit'))
    shortcuts.push({ route: 'settings', title: 'home.policy_title', text: 'home.policy_text' });

  return (
    <Page
      title={t('home.greeting', { name: session.displayName })}
      lead={t('home.lead', {
        role: t(ROLE_LABEL[session.role]),
        store: state.device.storeName || 'Keyholder',
      })}
    >
      {!state.time.ok ? (
        <TimeBanner
          admin={can(session.role, 'time.confirm')}
          onConfirmed={() => {
            setTimeStatus(t('home.time_confirmed'));
            onChanged();
          }}
          onSessionError={onChanged}
        />
      ) : null}
      <StatusMessage text={timeStatus} />
      {notice?.recoveryCodesLeft !== undefined ? (
        <div className="banner banner-warning" role="note">
          <p>{t('home.recovery_used', { count: notice.recoveryCodesLeft })}</p>
          <div className="button-row">
            <button type="button" className="button secondary" onClick={() => navigate('account')}>
              {t('home.recovery_manage')}
            </button>
            <button type="button" className="button link" onClick={onDismissNotice}>
              {t('common.dismiss')}
            </button>
          </div>
        </div>
      ) : null}
      <h2 className="section-title">{t('home.shortcuts')}</h2>
      <ul className="shortcuts">
        {shortcuts.map((s) => (
          <li key={s.route}>
            <button type="button" className="shortcut" onClick={() => navigate(s.route)}>
              <span className="shortcut-title">{t(s.title)}</span>
              <span className="shortcut-text">{t(s.text)}</span>
            </button>
          </li>
        ))}
      </ul>
    </Page>
  );
}

/** The clock went backwards: sign-in is paused for all but admins until one confirms the time. */
function TimeBanner(props: { admin: boolean; onConfirmed(): void; onSessionError(): void }) {
  const api = useApi();
  const { t } = useI18n();
  const [error, setError] = useState<ApiError | null>(null);
  const confirm = async () => {
    const result = await api.settings.confirmTime({});
    if (result.ok) props.onConfirmed();
    else if (isSessionError(result.error)) props.onSessionError();
    else setError(result.error);
  };
  return (
    <div className="banner banner-danger" data-testid="time-banner">
      <p>
        <strong>{t('home.time_title')}</strong>{' '}
        {props.admin ? t('home.time_admin') : t('home.time_other')}
      </p>
      {props.admin ? (
        <div className="button-row">
          <button type="button" className="button primary" onClick={() => void confirm()}>
            {t('home.time_confirm')}
          </button>
        </div>
      ) : null}
      <ErrorAlert error={error} />
    </div>
  );
}
