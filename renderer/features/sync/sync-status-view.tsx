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

/**
 * The facts of a connected PC: server, store, last sync, what waits and why, the next run, the
 * last problem. Only what is true: a revoked PC has no next sync and keeps what it holds; the
 * next sync is never a time past (the core gives none then: offline, "as soon as the network is
 * back").
 */
export function SyncFacts({ status }: { status: SyncStatus }) {
  const { t, lang, dateTime, number, relative } = useI18n();
  const revoked = status.state === 'revoked';
  const retrying = status.state === 'offline' || status.state === 'error';
  const next = status.nextSyncAt
    ? t('sync.next_at', {
        time: dateTime(status.nextSyncAt),
        relative: relative(status.nextSyncAt, status.checkedAt),
      })
    : revoked
      ? t('sync.next_none_revoked')
      : status.state === 'offline'
        ? t('sync.next_when_online')
        : null;
  return (
    <>
      {revoked ? (
        <p className="hint" data-testid="sync-revoked-note">
          {t('sync.revoked_explained')}
        </p>
      ) : null}
      <dl className="facts" data-testid="sync-facts">
        <dt>{t('sync.server')}</dt>
        <dd>{status.serverUrl}</dd>
        <dt>{t('sync.store')}</dt>
        <dd>{status.storeName || '—'}</dd>
        <dt>{t('sync.last_sync')}</dt>
        <dd data-testid="sync-last">
          {status.lastSyncAt ? dateTime(status.lastSyncAt) : t('sync.never')}
        </dd>
        <dt>{t(revoked ? 'sync.pending_held' : 'sync.pending')}</dt>
        <dd data-testid="sync-pending">{number(status.pendingEntries)}</dd>
        <dt>{t(revoked ? 'sync.changes_held' : 'sync.pending_changes')}</dt>
        <dd>{number(status.pendingAccountChanges)}</dd>
        {next !== null && status.state !== 'syncing' ? (
          <>
            <dt>{t(retrying ? 'sync.next_try' : 'sync.next_sync')}</dt>
            <dd data-testid="sync-next">{next}</dd>
          </>
        ) : null}
        {status.lastError ? (
          <>
            <dt>{t('sync.last_error')}</dt>
            <dd data-testid="sync-error">{errorText(t, lang, status.lastError)}</dd>
          </>
        ) : null}
      </dl>
      {status.state === 'idle' && status.pendingEntries > 0 ? (
        <p className="hint" data-testid="sync-pending-note">
          {t('sync.pending_after_sync', { count: status.pendingEntries })}
        </p>
      ) : null}
    </>
  );
}
