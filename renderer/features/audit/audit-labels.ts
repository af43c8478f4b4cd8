import type { AuditAction, AuditOutcome } from '../../../common/audit/audit-record';
import { escapeForDisplay } from '../../../common/text/canonical-text';
import type { MessageKey } from '../../i18n/messages.en';

export const ACTION_LABEL: Record<AuditAction, MessageKey> = {
  'setup.first_admin': 'action.setup.first_admin',
  'auth.sign_in': 'action.auth.sign_in',
  'auth.sign_out': 'action.auth.sign_out',
  'auth.session_lock': 'action.auth.session_lock',
  'auth.session_unlock': 'action.auth.session_unlock',
  'auth.session_expired': 'action.auth.session_expired',
  'auth.lockout': 'action.auth.lockout',
  'account.create': 'action.account.create',
  'account.unlock': 'action.account.unlock',
  'account.disable': 'action.account.disable',
  'account.enable': 'action.account.enable',
  'account.role_change': 'action.account.role_change',
  'account.update': 'action.account.update',
  'password.change': 'action.password.change',
  'password.temporary_issued': 'action.password.temporary_issued',
  'totp.enroll_start': 'action.totp.enroll_start',
  'totp.enroll': 'action.totp.enroll',
  'totp.disable': 'action.totp.disable',
  'totp.reset': 'action.totp.reset',
  'recovery_codes.generate': 'action.recovery_codes.generate',
  'recovery_code.use': 'action.recovery_code.use',
  'policy.change': 'action.policy.change',
  'time.anomaly': 'action.time.anomaly',
  'time.reanchor': 'action.time.reanchor',
  'store.backup': 'action.store.backup',
  'store.restore': 'action.store.restore',
  'permission.denied': 'action.permission.denied',
  'sync.connect': 'action.sync.connect',
  'sync.pull': 'action.sync.pull',
  'sync.policy_refused': 'action.sync.policy_refused',
  'sync.account_change': 'action.sync.account_change',
  'account.remove': 'action.account.remove',
  'integrity.tamper': 'action.integrity.tamper',
  'store.sign': 'action.store.sign',
};

export const OUTCOME_LABEL: Record<AuditOutcome, MessageKey> = {
  success: 'outcome.success',
  failure: 'outcome.failure',
  denied: 'outcome.denied',
};

/**
 * Details as short "key: value" text; values are data (names, numbers), not UI words. Controls
 * and text-direction characters are shown escaped (details may hold any canonical text).
 */
export function detailsText(details: Record<string, unknown>): string {
  return escapeForDisplay(
    Object.entries(details)
      .map(
        ([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`,
      )
      .join(' · '),
  );
}

/**
 * A name from an audit entry as people see it: controls and text-direction characters escaped
 * (`\u202E`), so an entry recorded before the canonical-text rule cannot reorder its row.
 */
export const auditName = (name: string): string => escapeForDisplay(name);
