import { useState } from 'react';
import { useI18n } from '../../i18n/i18n-context';
import { ConnectForm } from './connect-form';
import { SyncProgress, SYNC_STATE_LABEL } from './sync-status-view';
import { useSyncStatus } from '../../state/use-sync-status';

/**
 * Under the sign-in screen of a connected PC: the sync state and "Sync now". A PC that reached
 * its offline bound refuses sign-ins until it syncs, so this must work with nobody signed in.
 * A revoked PC signs nobody in at all: here an administrator's new enrollment code connects
 * it again (to the server it knew; the core checks that).
 */
export function SyncFooter({ onConnected }: { onConnected(): void }) {
  const { t, dateTime } = useI18n();
  const { status, syncing, syncNow, refresh } = useSyncStatus();
  const [reconnecting, setReconnecting] = useState(false);
  if (!status?.connected) return null;
  if (status.state === 'revoked' && reconnecting) {
    return (
      <footer className="sync-footer" data-testid="sync-footer">
        <ConnectForm
          handsOverLocalPeople={false}
          initialServerUrl={status.serverUrl ?? undefined}
          onConnected={() => {
            setReconnecting(false);
            void refresh();
            onConnected();
          }}
        />
      </footer>
    );
  }
  return (
    <footer className="sync-footer" data-testid="sync-footer">
      <p className={`sync-state sync-${status.state}`}>
        <span className="sync-dot" aria-hidden="true" /> {t(SYNC_STATE_LABEL[status.state])}
        {' · '}
        {t('sync.last_sync')}: {status.lastSyncAt ? dateTime(status.lastSyncAt) : t('sync.never')}
      </p>
      <SyncProgress status={status} />
      {status.state === 'revoked' ? (
        <button type="button" className="button secondary" onClick={() => setReconnecting(true)}>
          {t('sync.connect_again')}
        </button>
      ) : (
        <button
          type="button"
          className="button secondary"
          disabled={syncing}
          onClick={() => void syncNow()}
        >
          {syncing ? t('sync.state_syncing') : t('sync.sync_now')}
        </button>
      )}
    </footer>
  );
}
