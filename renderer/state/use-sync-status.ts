import { useCallback, useEffect, useRef, useState } from 'react';
import type { ResponseOf } from '../../common/ipc/contract';
import { useApi } from '../api/api-context';

export type SyncStatus = ResponseOf<'sync.status'>;

/**
 * The sync engine's status, kept fresh: every 15 s, every second while a run is in progress
 * (for the progress figures), and at once when the browser says the network is back (the core
 * is told too, so it syncs without waiting for its backoff timer).
 */
export function useSyncStatus(): {
  status: SyncStatus | null;
  syncing: boolean;
  syncNow(): Promise<void>;
  refresh(): Promise<void>;
} {
  const api = useApi();
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [syncing, setSyncing] = useState(false);
  const alive = useRef(true);

  const refresh = useCallback(async () => {
    const result = await api.sync.status({});
    if (alive.current && result.ok) setStatus(result.data);
  }, [api]);

  useEffect(() => {
    alive.current = true;
    void refresh();
    const online = () => {
      void api.sync.networkChanged({ online: true }).then(() => refresh());
    };
    window.addEventListener('online', online);
    return () => {
      alive.current = false;
      window.removeEventListener('online', online);
    };
  }, [api, refresh]);

  const busy = syncing || status?.state === 'syncing';
  useEffect(() => {
    const timer = window.setInterval(() => void refresh(), busy ? 1_000 : 15_000);
    return () => window.clearInterval(timer);
  }, [busy, refresh]);

  // When the next run is due before the next poll, look again just after it: the time shown
  // never stays in the past (counted on the core's clock, not this window's).
  const dueIn = status?.nextSyncAt ? status.nextSyncAt - status.checkedAt : null;
  useEffect(() => {
    if (dueIn === null || dueIn > 15_000) return;
    const timer = window.setTimeout(() => void refresh(), Math.max(dueIn, 0) + 1_000);
    return () => window.clearTimeout(timer);
  }, [dueIn, refresh]);

  const syncNow = useCallback(async () => {
    setSyncing(true);
    const result = await api.sync.syncNow({});
    if (alive.current) {
      setSyncing(false);
      if (result.ok) setStatus(result.data);
    }
  }, [api]);

  return { status, syncing: busy, syncNow, refresh };
}
