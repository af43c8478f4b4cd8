import type { AppState, SessionView } from '../../api/types';
import type { Route } from './routes';

/**
 * Props the signed-in screens share, in their own module: the screens, their sections and the
 * shell all import these types, so none of them imports the component above it
 * (tests/renderer/import-cycles.test.ts keeps the renderer free of import loops).
 */

/** What the sign-in said that the home screen shows once (clock trouble, recovery codes left). */
export interface SignInNotice {
  clockProblem: boolean;
  recoveryCodesLeft?: number;
}

/** What every signed-in screen receives. */
export interface ScreenProps {
  state: AppState;
  session: SessionView;
  navigate(route: Route): void;
  /** A call failed because the session is locked or gone: re-read the app state. */
  onSessionError(): void;
}
