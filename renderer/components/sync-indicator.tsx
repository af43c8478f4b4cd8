import { useI18n } from '../i18n/i18n-context';
import { SYNC_STATE_LABEL } from '../screens/sync/sync-status-view';
import type { SyncStatus } from '../state/use-sync-status';

/**
 * The header's sync pill: a coloured dot (never colour alone: the state is in words too) and
 * how many entries wait. Pressing it opens Settings, where "Sync now" is.
 */
export function SyncIndicator({ status, onOpen }: { status: SyncStatus | null; onOpen(): void }) {
  const { t, number } = useI18n();
  if (!status?.connected) return null;
  const state = t(SYNC_STATE_LABEL[status.state]);
  const waiting = status.pendingEntries + status.pendingAccountChanges;
  return (
    <button
      type="button"
      className={`sync-indicator sync-${status.state}`}
      onClick={onOpen}
      data-testid="sync-indicator"
    >
      <span className="sync-dot" aria-hidden="true" />
      <span>
        <span className="visually-hidden">{t('sync.indicator_label')}</span>
        {state}
      </span>
      {waiting > 0 ? (
        <span className="sync-waiting">
          {t('sync.indicator_waiting', { count: number(waiting) })}
        </span>
      ) : null}
    </button>
  );
}
