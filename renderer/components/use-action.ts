import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import type { ApiError } from '../api/types';
import { useI18n } from '../i18n/i18n-context';
import { actionMessage, actionReducer, createActionRunner, type ActionWork } from './action-state';

export interface ActionOptions {
  /** An error to show from the start (a sign-in sent back to its first step says why). */
  initialError?: ApiError | null;
  /** An error the screen deals with itself (a lost session): not shown. */
  handled?(error: ApiError): boolean;
}

export interface Action {
  /** Runs the work: busy until it settles, then the error it resolved to (if not handled). */
  run(work: ActionWork): Promise<void>;
  busy: boolean;
  /** For ErrorAlert, which also lists a rejected password's rules and counts a lockout down. */
  error: ApiError | null;
  /** The error in the person's language (i18n/error-text.ts), or null. */
  message: string | null;
  /** Shows an error found before any call (a form check). */
  fail(error: ApiError): void;
  clearError(): void;
}

/**
 * One action's busy/error state (action-state.ts). The outcome of a call that ends after the
 * component is gone (a dialog closed meanwhile) is dropped; what the work itself does with the
 * answer (close a dialog, re-read the state) still happens, as the core did the change.
 */
export function useAction(options: ActionOptions = {}): Action {
  const { t, lang } = useI18n();
  const [state, dispatch] = useReducer(actionReducer, {
    busy: false,
    error: options.initialError ?? null,
  });
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  // The latest callback, without making `run` change with every render.
  const handled = useRef(options.handled);
  handled.current = options.handled;
  const run = useMemo(
    () =>
      createActionRunner(dispatch, {
        isMounted: () => mounted.current,
        handled: (error) => handled.current?.(error) ?? false,
      }),
    [],
  );
  const fail = useCallback((error: ApiError) => dispatch({ type: 'fail', error }), []);
  const clearError = useCallback(() => dispatch({ type: 'clear' }), []);
  return {
    run,
    busy: state.busy,
    error: state.error,
    message: actionMessage(t, lang, state),
    fail,
    clearError,
  };
}
