import { useI18n } from '../../i18n/i18n-context';
import type { MessageKey } from '../../i18n/messages.en';
import { SYNC_STATE_LABEL } from './sync-status-view';
import type { SyncStatus } from '../../state/use-sync-status';

/**
 * How the pill tells entries not uploaded yet, true to the state: after a good sync they are
 * simply new (recorded since, they go with the next run); offline or refused they wait; on a
 * revoked PC they stay here until it is connected again.
 */
export const WAITING_LABEL: Record<SyncStatus['state'], MessageKey> = {
  idle: 'sync.indicator_next',
  syncing: 'sync.indicator_waiting',
  offline: 'sync.indicator_waiting',
  error: 'sync.indicator_waiting',
  revoked: 'sync.indicator_held',
};

/**
 * The header's sync pill: a coloured dot (never colour alone: the state is in words too) and
 * how many entries are not uploaded yet, in words that say why. Pressing it opens Settings.
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
          {t(WAITING_LABEL[status.state], { count: number(waiting) })}
        </span>
      ) : null}
    </button>
  );
}
