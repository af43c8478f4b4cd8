import type { MessageKey } from '../../i18n/messages.en';
import { errorText } from '../../i18n/error-text';
import { useI18n } from '../../i18n/i18n-context';
import type { SyncStatus } from '../../state/use-sync-status';

export const SYNC_STATE_LABEL: Record<SyncStatus['state'], MessageKey> = {
  idle: 'sync.state_idle',
  syncing: 'sync.state_syncing',
  offline: 'sync.state_offline',
  error: 'sync.state_error',
  revoked: 'sync.state_revoked',
};

/** Progress of a large backlog, as words and a progress bar. */
export function SyncProgress({ status }: { status: SyncStatus }) {
  const { t, number } = useI18n();
  const p = status.progress;
  if (!p) return null;
  const label =
    p.phase === 'upload'
      ? t('sync.progress_upload', { done: number(p.done), total: number(p.total) })
      : t('sync.progress_download', { done: number(p.done) });
  return (
    <div className="sync-progress">
      <p role="status">{label}</p>
      {p.phase === 'upload' && p.total > 0 ? (
        <progress max={p.total} value={p.done} aria-label={label} />
      ) : null}
    </div>
  );
}

/** The facts of a connected PC: server, store, last sync, what waits, the last problem. */
export function SyncFacts({ status }: { status: SyncStatus }) {
  const { t, lang, dateTime, number } = useI18n();
  return (
    <dl className="facts" data-testid="sync-facts">
      <dt>{t('sync.server')}</dt>
      <dd>{status.serverUrl}</dd>
      <dt>{t('sync.store')}</dt>
      <dd>{status.storeName || '—'}</dd>
      <dt>{t('sync.last_sync')}</dt>
      <dd data-testid="sync-last">
        {status.lastSyncAt ? dateTime(status.lastSyncAt) : t('sync.never')}
      </dd>
      <dt>{t('sync.pending')}</dt>
      <dd data-testid="sync-pending">{number(status.pendingEntries)}</dd>
      <dt>{t('sync.pending_changes')}</dt>
      <dd>{number(status.pendingAccountChanges)}</dd>
      {status.nextSyncAt && status.state !== 'syncing' ? (
        <>
          <dt>{t('sync.next_sync')}</dt>
          <dd>{dateTime(status.nextSyncAt)}</dd>
        </>
      ) : null}
      {status.lastError ? (
        <>
          <dt>{t('sync.last_error')}</dt>
          <dd data-testid="sync-error">{errorText(t, lang, status.lastError)}</dd>
        </>
      ) : null}
    </dl>
  );
}
