import type { ApiError } from '../../api/types';
import { ErrorAlert } from '../../components/messages';
import { CardLayout, Page } from '../../components/page';
import { useI18n } from '../../i18n/i18n-context';

/** The app state could not be read: no token (wrong address) or Keyholder is not running. */
export function NotConnectedScreen({ error, onRetry }: { error: ApiError; onRetry(): void }) {
  const { t } = useI18n();
  return (
    <CardLayout>
      <Page title={t('notconnected.title')}>
        <ErrorAlert error={error} />
        <p>{error.code === 'unauthorized' ? t('notconnected.token') : t('notconnected.running')}</p>
        <div className="button-row">
          <button type="button" className="button primary" onClick={onRetry}>
            {t('common.retry')}
          </button>
        </div>
      </Page>
    </CardLayout>
  );
}
