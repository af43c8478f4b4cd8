import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '../api/api-context';
import type { ApiError, AppState } from '../api/types';

export const POLL_MS = 15_000;

export interface AppStateHandle {
  state: AppState | null;
  error: ApiError | null;
  refresh(): Promise<void>;
  /** Applies what an action's answer already says (e.g. the new session), then re-reads. */
  patch(change: (state: AppState) => AppState): void;
}

/**
 * The core's view of this window (setup needed? who is signed in? locked? parked sessions?),
 * loaded at start, polled every 15 s while someone is signed in (the core may have locked the
 * session for idleness or ended it), and refreshed after every action that changes it.
 * Responses are applied in request order, so a slow poll cannot undo a newer answer.
 */
export function useAppState(): AppStateHandle {
  const api = useApi();
  const [state, setState] = useState<AppState | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const issued = useRef(0);
  const applied = useRef(0);

  const refresh = useCallback(async () => {
    const id = ++issued.current;
    const result = await api.app.state({});
    if (id <= applied.current) return;
    applied.current = id;
    if (result.ok) {
      setState(result.data);
      setError(null);
    } else {
      setError(result.error);
    }
  }, [api]);

  const patch = useCallback(
    (change: (state: AppState) => AppState) => {
      applied.current = issued.current; // answers to earlier requests are now stale
      setState((current) => (current ? change(current) : current));
      void refresh();
    },
    [refresh],
  );

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const signedIn = Boolean(state?.session);
  useEffect(() => {
    if (!signedIn) return;
    const timer = setInterval(() => void refresh(), POLL_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [signedIn, refresh]);

  return { state, error, refresh, patch };
}
