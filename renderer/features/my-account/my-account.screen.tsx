import { useCallback, useEffect, useState } from 'react';
import { useApi } from '../../api/api-context';
import { isSessionError, type ApiError, type MyOverview } from '../../api/types';
import { ErrorAlert } from '../../components/messages';
import { Page } from '../../components/page';
import { useI18n } from '../../i18n/i18n-context';
import type { ScreenProps } from '../shell/shell.types';
import { MyHistory } from './my-history.section';
import { MyPassword } from './my-password.section';
import { MySessions } from './my-sessions.section';
import { MyTwoFactor } from './my-two-factor.section';
import { ROLE_LABEL } from '../../components/role-label';

/** My account: password, two-step sign-in and recovery codes, sign-in history, sessions. */
export function MyAccountScreen(props: ScreenProps) {
  const api = useApi();
  const { t, date } = useI18n();
  const [overview, setOverview] = useState<MyOverview | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const { onSessionError } = props;

  const sessionFailed = useCallback(
    (e: ApiError) => (isSessionError(e) ? (onSessionError(), true) : false),
    [onSessionError],
  );
  const reload = useCallback(() => {
    void api.me.overview({}).then((r) => {
      if (r.ok) setOverview(r.data);
      else if (!sessionFailed(r.error)) setError(r.error);
    });
  }, [api, sessionFailed]);
  useEffect(reload, [reload]);

  return (
    <Page
      title={t('account.title')}
      lead={
        overview
          ? t('account.lead', {
              name: overview.displayName,
              username: overview.username,
              role: t(ROLE_LABEL[overview.role]),
            })
          : undefined
      }
    >
      <ErrorAlert error={error} />
      {overview ? (
        <div className="sections">
          <MyPassword
            {...props}
            overview={overview}
            reload={reload}
            sessionFailed={sessionFailed}
          />
          <MyTwoFactor
            {...props}
            overview={overview}
            reload={reload}
            sessionFailed={sessionFailed}
          />
          <MyHistory {...props} overview={overview} reload={reload} sessionFailed={sessionFailed} />
          <MySessions
            {...props}
            overview={overview}
            reload={reload}
            sessionFailed={sessionFailed}
          />
          <p className="hint">
            {t('account.password_changed', { date: date(overview.passwordChangedAt) })}
            {overview.passwordExpiresAt
              ? ` ${t('account.password_expires', { date: date(overview.passwordExpiresAt) })}`
              : ''}
          </p>
        </div>
      ) : (
        <p className="hint">{t('common.loading')}</p>
      )}
    </Page>
  );
}
