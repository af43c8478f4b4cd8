import { useI18n } from '../i18n/i18n-context';
import { SyncProgress, SYNC_STATE_LABEL } from '../screens/sync/sync-status-view';
import { useSyncStatus } from '../state/use-sync-status';

/**
 * Under the sign-in screen of a connected PC: the sync state and "Sync now". A PC that reached
 * its offline bound refuses sign-ins until it syncs, so this must work with nobody signed in.
 */
export function SyncFooter() {
  const { t, dateTime } = useI18n();
  const { status, syncing, syncNow } = useSyncStatus();
  if (!status?.connected) return null;
  return (
    <footer className="sync-footer" data-testid="sync-footer">
      <p className={`sync-state sync-${status.state}`}>
        <span className="sync-dot" aria-hidden="true" /> {t(SYNC_STATE_LABEL[status.state])}
        {' · '}
        {t('sync.last_sync')}: {status.lastSyncAt ? dateTime(status.lastSyncAt) : t('sync.never')}
      </p>
      <SyncProgress status={status} />
      <button
        type="button"
        className="button secondary"
        disabled={syncing}
        onClick={() => void syncNow()}
      >
        {syncing ? t('sync.state_syncing') : t('sync.sync_now')}
      </button>
    </footer>
  );
}
