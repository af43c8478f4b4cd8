import type { ApiError } from '../api/types';
import { errorText } from '../i18n/error-text';
import type { Language, Translate } from '../i18n/language';

/**
 * The busy/error state of a user's action (a form's submit, a button's call), kept apart from
 * React so that it can be tested alone; use-action.ts is the hook around it.
 *
 * Invariants: an action that starts clears the last error and is busy until it settles; a form
 * check that fails before any call shows its error without touching `busy`; an outcome that
 * arrives after the component is gone is dropped.
 */
export interface ActionState {
  busy: boolean;
  error: ApiError | null;
}

export type ActionEvent =
  | { type: 'start' }
  /** The call is over: the error to show, or null. */
  | { type: 'settle'; error: ApiError | null }
  /** An error found without a call (a missing field, passwords that differ). */
  | { type: 'fail'; error: ApiError }
  | { type: 'clear' };

export function actionReducer(state: ActionState, event: ActionEvent): ActionState {
  switch (event.type) {
    case 'start':
      return { busy: true, error: null };
    case 'settle':
      return { busy: false, error: event.error };
    case 'fail':
      return { ...state, error: event.error };
    case 'clear':
      return state.error === null ? state : { ...state, error: null };
  }
}

/**
 * What an action does: the call and what follows it. It resolves to the error to show, or to
 * nothing when there is none (done, or dealt with another way).
 */
export type ActionWork = () => Promise<ApiError | null | void>;

export interface ActionRunnerOptions {
  /** Whether the component is still there; its answer is dropped once it is not. */
  isMounted(): boolean;
  /**
   * An error the screen deals with itself (a lost session re-reads the app state): not shown.
   * Called for every error, also once the component is gone.
   */
  handled?(error: ApiError): boolean;
}

/** Runs actions through `dispatch`: busy while the work runs, then its error (if any is shown). */
export function createActionRunner(
  dispatch: (event: ActionEvent) => void,
  options: ActionRunnerOptions,
): (work: ActionWork) => Promise<void> {
  return async (work) => {
    dispatch({ type: 'start' });
    let error: ApiError | null = null;
    try {
      error = (await work()) ?? null;
    } finally {
      // A handled error is dealt with even when the component is gone (the session still is).
      const shown = error !== null && !(options.handled?.(error) ?? false);
      if (options.isMounted()) dispatch({ type: 'settle', error: shown ? error : null });
    }
  };
}

/** The error as one sentence in the person's language (the words ErrorAlert shows). */
export function actionMessage(t: Translate, lang: Language, state: ActionState): string | null {
  return state.error ? errorText(t, lang, state.error) : null;
}
