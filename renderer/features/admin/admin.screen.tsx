import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AdminStatusDto } from '../../../common/ipc/admin.schemas';
import { useApi } from '../../api/api-context';
import type { ApiError } from '../../api/types';
import { ErrorAlert } from '../../components/messages';
import { Page } from '../../components/page';
import { useI18n } from '../../i18n/i18n-context';
import type { MessageKey } from '../../i18n/messages.en';
import type { ScreenProps } from '../shell/shell.types';
import { createRun } from './admin-run';
import { AdminSignIn } from './admin-sign-in';
import { AnalyticsSection } from './analytics.section';
import { AuditSection } from './audit.section';
import { PeopleSection } from './people.section';
import { PoliciesSection } from './policies.section';
import { StoresSection } from './stores.section';

const SECTIONS = ['stores', 'people', 'policies', 'audit', 'analytics'] as const;
type Section = (typeof SECTIONS)[number];
const SECTION_LABEL: Record<Section, MessageKey> = {
  stores: 'admin.section.stores',
  people: 'admin.section.people',
  policies: 'admin.section.policies',
  audit: 'admin.section.audit',
  analytics: 'admin.section.analytics',
};

/**
 * The admin area (loaded on demand): the franchise's stores and devices, people, policies,
 * audit and figures, on the sync server. It needs the server sign-in first.
 */
export default function AdminScreen({ onSessionError }: ScreenProps) {
  const api = useApi();
  const { t } = useI18n();
  const [status, setStatus] = useState<AdminStatusDto | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [section, setSection] = useState<Section>('stores');

  const reload = useCallback(() => {
    void api.admin.status({}).then((r) => {
      if (r.ok) setStatus(r.data);
      else setError(r.error);
    });
  }, [api]);
  const run = useMemo(
    () =>
      createRun(t, onSessionError, () => {
        setStatus((s) => (s ? { ...s, signedIn: false, serverUser: null } : s));
        reload();
      }),
    [t, onSessionError, reload],
  );
  useEffect(reload, [reload]);

  const signOut = async () => {
    const r = await run(api.admin.signOut({}));
    if (r.ok) setStatus(r.data);
  };

  const signedIn = status?.signedIn === true;
  return (
    <Page
      title={t('admin.title')}
      lead={status?.serverUrl ? t('admin.lead', { server: status.serverUrl }) : undefined}
      actions={
        signedIn ? (
          <button type="button" className="button secondary" onClick={() => void signOut()}>
            {t('admin.sign_out')}
          </button>
        ) : null
      }
    >
      <ErrorAlert error={error} />
      {!status ? (
        <p className="hint">{t('common.loading')}</p>
      ) : !status.connected ? (
        <p>{t('admin.not_connected')}</p>
      ) : !signedIn ? (
        <AdminSignIn status={status} run={run} onSignedIn={setStatus} />
      ) : (
        <>
          <p className="hint" data-testid="admin-signed-in">
            {t('admin.signed_in_as', { name: status.serverUser ?? status.email })}
          </p>
          <nav className="admin-tabs" aria-label={t('admin.sections')}>
            {SECTIONS.map((s) => (
              <button
                key={s}
                type="button"
                className="button secondary"
                aria-current={s === section ? 'page' : undefined}
                onClick={() => setSection(s)}
              >
                {t(SECTION_LABEL[s])}
              </button>
            ))}
          </nav>
          {section === 'stores' ? (
            <StoresSection run={run} />
          ) : section === 'people' ? (
            <PeopleSection run={run} />
          ) : section === 'policies' ? (
            <PoliciesSection run={run} />
          ) : section === 'audit' ? (
            <AuditSection run={run} />
          ) : (
            <AnalyticsSection run={run} />
          )}
        </>
      )}
    </Page>
  );
}
