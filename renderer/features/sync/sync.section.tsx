import { can } from '../../../common/rbac/permissions';
import { useI18n } from '../../i18n/i18n-context';
import type { SyncStatus } from '../../state/use-sync-status';
import type { ScreenProps } from '../shell/shell.types';
import { ConnectForm } from './connect-form';
import { SyncFacts, SyncProgress, SYNC_STATE_LABEL } from './sync-status-view';

interface Props extends ScreenProps {
  sync: {
    status: SyncStatus | null;
    syncing: boolean;
    syncNow(): Promise<void>;
    refresh(): Promise<void>;
  };
}

/**
 * Settings → Sync server. Connected: the status, "Sync now" and progress. Not connected: an
 * admin may connect this PC, after seeing and confirming what happens to its people.
 */
export function SyncSection({ session, sync, onSessionError }: Props) {
  const { t } = useI18n();
  const { status, syncing } = sync;
  return (
    <section className="panel" aria-labelledby="settings-sync">
      <h2 id="settings-sync">{t('sync.title')}</h2>
      {!status ? (
        <p className="hint">{t('common.loading')}</p>
      ) : status.connected ? (
        <div className="stack">
          <p className={`sync-state sync-${status.state}`} data-testid="sync-state">
            <span className="sync-dot" aria-hidden="true" /> {t(SYNC_STATE_LABEL[status.state])}
          </p>
          <SyncFacts status={status} />
          <SyncProgress status={status} />
          {/* A revoked PC does not sync: no button that would do nothing. */}
          {status.state === 'revoked' ? null : (
            <div className="button-row">
              <button
                type="button"
                className="button primary"
                disabled={syncing}
                onClick={() => void sync.syncNow()}
              >
                {syncing ? t('sync.state_syncing') : t('sync.sync_now')}
              </button>
            </div>
          )}
        </div>
      ) : can(session.role, 'device.enroll') ? (
        <>
          <p className="hint">{t('sync.standalone')}</p>
          <h3>{t('sync.connect_title')}</h3>
          <ConnectForm
            handsOverLocalPeople
            me={session.username}
            onConnected={() => {
              void sync.refresh();
              // The first sync brought the store's people: an admin handed over as a manager,
              // or replaced by the server's account, signs in again.
              onSessionError();
            }}
          />
        </>
      ) : (
        <p className="hint">
          {t('sync.standalone')} {t('sync.admin_only')}
        </p>
      )}
    </section>
  );
}
