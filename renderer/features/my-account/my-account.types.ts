import type { ApiError, MyOverview } from '../../api/types';
import type { ScreenProps } from '../shell/shell.types';

/** What each section of My account receives from the screen (its own module: no import loop). */
export interface SectionProps extends ScreenProps {
  overview: MyOverview;
  reload(): void;
  /** True when the error was about the session (the app state is re-read); else show it. */
  sessionFailed(error: ApiError): boolean;
}
