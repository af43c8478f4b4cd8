import type { AuditRecord } from '../../../common/audit/audit-record';
import { csvCell } from '../../../common/text/csv-cell';
import type { SessionService } from '../auth/session.service';
import type { Authorizer } from '../rbac/authorizer';
import type { AuditFilter, AuditLog, AuditVerification } from './audit-log';

const CSV_COLUMNS = [
  'seq',
  'at',
  'deviceId',
  'actorName',
  'action',
  'targetName',
  'outcome',
  'details',
  'hash',
] as const;

/** Reading the audit log: permission-checked, paged, verifiable, exportable. */
export class AuditService {
  constructor(
    private readonly d: { audit: AuditLog; sessions: SessionService; authz: Authorizer },
  ) {}

  query(sessionId: string, filter: AuditFilter): { entries: AuditRecord[]; total: number } {
    this.d.authz.require(this.d.sessions.requireActive(sessionId), 'audit.read');
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
    return this.d.audit.query({ ...filter, limit, offset: Math.max(filter.offset ?? 0, 0) });
  }

  verify(sessionId: string): AuditVerification {
    this.d.authz.require(this.d.sessions.requireActive(sessionId), 'audit.verify');
    return this.d.audit.verify();
  }

  export(
    sessionId: string,
    format: 'csv' | 'json',
    filter: Omit<AuditFilter, 'limit' | 'offset'> = {},
  ): string {
    this.d.authz.require(this.d.sessions.requireActive(sessionId), 'audit.export');
    const entries = this.d.audit
      .query({ ...filter, limit: 1_000_000, offset: 0 })
      .entries.reverse();
    if (format === 'json') return JSON.stringify(entries, null, 2);
    const lines = [CSV_COLUMNS.join(',')];
    for (const e of entries) {
      const row = CSV_COLUMNS.map((c) => {
        const v =
          c === 'at'
            ? new Date(e.at).toISOString()
            : c === 'details'
              ? JSON.stringify(e.details)
              : e[c];
        return csvCell(v === null ? '' : String(v));
      });
      lines.push(row.join(','));
    }
    return `${lines.join('\r\n')}\r\n`;
  }
}
