import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { ServerClock } from '../clock';
import { statement } from '../db/compiled';
import type { Dialect } from '../db/dialect';
import type { DB } from '../db/schema';

/** Security events of the server itself (sign-ins, lockouts, token revocations, …). */
export type ServerAuditAction =
  | 'admin.create'
  | 'admin.setup'
  | 'auth.sign_in'
  | 'auth.lockout'
  | 'auth.refresh'
  | 'auth.sign_out'
  | 'auth.sign_out_everywhere'
  | 'auth.sessions_revoked'
  | 'password.change'
  | 'admin.two_factor_reset'
  // People (backend-sync/people): accounts, verification, recovery, profile, GDPR.
  | 'user.create'
  | 'user.update'
  | 'user.role_change'
  | 'user.status_change'
  | 'user.unlock'
  | 'user.verification_sent'
  | 'user.verify'
  | 'user.two_factor_reset'
  | 'user.two_factor_setup_sent'
  | 'user.two_factor_enroll'
  | 'password.reset_request'
  | 'password.reset'
  | 'account.find'
  | 'profile.update'
  | 'profile.email_change_request'
  | 'profile.email_change'
  | 'profile.preferences'
  | 'session.revoke'
  | 'gdpr.export'
  | 'gdpr.erase'
  // Stores, devices, policies, sync (backend-sync/{stores,sync,policies,reporting}).
  | 'store.create'
  | 'store.update'
  | 'store.delete'
  | 'device.enrollment_code'
  | 'device.enroll'
  | 'device.revoke'
  | 'policy.change'
  | 'sync.account_change'
  | 'totp.reuse_across_devices'
  // A store PC reported a record changed outside Keyholder (sync/tamper-reports.ts).
  | 'device.tamper'
  | 'audit.export'
  // A month of store audit entries archived and removed (reporting/audit-retention.ts).
  | 'audit.retention'
  // The weekly digest (reporting/weekly-digest.service.ts): one per person per week.
  | 'digest.sent';

export interface ServerAuditEntry {
  action: ServerAuditAction;
  outcome: 'success' | 'failure' | 'denied';
  actorId?: string | null;
  targetId?: string | null;
  storeId?: string | null;
  details?: Record<string, unknown>;
}

/** Keys that could carry a secret: their values are never stored, whoever passes them. */
const SECRET_KEY = /pass(word)?|secret|token|code|hash|key$/i;

function scrub(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(details).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : v]),
  );
}

const insertEntry = statement(`insert into server_audit
    (at, actor_id, action, target_id, store_id, outcome, details) values (?, ?, ?, ?, ?, ?, ?)`);

/**
 * Appends to `server_audit`. Pass the transaction the event belongs to, so the event and the
 * change it records commit (or roll back) together.
 */
export class ServerAudit {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: ServerClock,
  ) {}

  async write(entry: ServerAuditEntry, executor: Kysely<DB> = this.db): Promise<void> {
    // A SQL template, not the builder: this runs on every sign-in and on most writes, and the
    // builder costs more than the insert itself (see docs/PERFORMANCE.md).
    await sql`insert into server_audit (at, actor_id, action, target_id, store_id, outcome, details)
      values (${this.clock.nowMs()}, ${entry.actorId ?? null}, ${entry.action},
        ${entry.targetId ?? null}, ${entry.storeId ?? null}, ${entry.outcome},
        ${JSON.stringify(scrub(entry.details ?? {}))})`.execute(executor);
  }

  /** The same insert as one compiled statement, for a caller that runs its own transaction. */
  insertQuery(entry: ServerAuditEntry, dialect: Dialect): CompiledQuery {
    return insertEntry(dialect, [
      this.clock.nowMs(),
      entry.actorId ?? null,
      entry.action,
      entry.targetId ?? null,
      entry.storeId ?? null,
      entry.outcome,
      JSON.stringify(scrub(entry.details ?? {})),
    ]);
  }
}
