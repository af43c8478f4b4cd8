import type { ApiError, ResponseOf } from '../../common/ipc/contract';

export type { ApiError, ApiResult } from '../../common/ipc/contract';
export type {
  AppStateDto as AppState,
  AuditEntryDto as AuditEntry,
  SessionViewDto as SessionView,
  SignInStepDto as SignInStep,
  StaffSummaryDto as StaffSummary,
} from '../../common/ipc/schemas';
export type Enrollment = ResponseOf<'auth.beginEnrollment'>;
export type MyOverview = ResponseOf<'me.overview'>;
export type PolicyView = ResponseOf<'settings.policy'>;
export type AuditVerification = ResponseOf<'audit.verify'>;
export type SignedIn = Extract<ResponseOf<'auth.signIn'>, { status: 'signed_in' }>;

/** Error codes that mean "this screen's session is gone or locked": refresh the app state. */
export const SESSION_CODES = new Set(['session_locked', 'session_ended', 'session_expired']);

export function isSessionError(error: ApiError): boolean {
  return SESSION_CODES.has(error.code);
}
