import { useCallback, useEffect, useState } from 'react';
import type { AuditAction, AuditOutcome } from '../../../common/audit/audit-record';
import { can } from '../../../common/rbac/permissions';
import { useApi } from '../../api/api-context';
import { isSessionError, type ApiError, type AuditEntry, type StaffSummary } from '../../api/types';
import { downloadText } from '../../components/download';
import { ErrorAlert } from '../../components/messages';
import { Page } from '../../components/page';
import { useI18n } from '../../i18n/i18n-context';
import type { ScreenProps } from '../shell/shell.types';
import { AuditTable } from './audit-table';
import { AuditVerify } from './audit-verify';
import { AuditFilterFields } from './audit-filter-fields';
import { Pager } from '../../components/pager';

export const PAGE_SIZE = 20;
const DAY_MS = 86_400_000;

export interface AuditFilters {
  person: string;
  action: AuditAction | '';
  outcome: AuditOutcome | '';
  from: string;
  to: string;
}
const EMPTY: AuditFilters = { person: '', action: '', outcome: '', from: '', to: '' };

/** yyyy-mm-dd (a date input's value) → local midnight, in ms. */
function localDay(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
}

export function toQuery(f: AuditFilters) {
  const from = localDay(f.from);
  const toDay = localDay(f.to);
  return {
    ...(f.person ? { person: f.person } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(f.outcome ? { outcome: f.outcome } : {}),
    ...(from !== undefined ? { from } : {}),
    // "To" includes that whole day.
    ...(toDay !== undefined ? { to: toDay + DAY_MS } : {}),
  };
}

/** The audit log: filters, pages of entries (newest first), chain verification, export. */
export function AuditScreen({ session, onSessionError }: ScreenProps) {
  const api = useApi();
  const { t, number } = useI18n();
  const [filters, setFilters] = useState<AuditFilters>(EMPTY);
  const [page, setPage] = useState(0);
  const [data, setData] = useState<{ entries: AuditEntry[]; total: number } | null>(null);
  const [people, setPeople] = useState<StaffSummary[]>([]);
  const [error, setError] = useState<ApiError | null>(null);

  const failed = useCallback(
    (e: ApiError) => (isSessionError(e) ? (onSessionError(), true) : false),
    [onSessionError],
  );

  useEffect(() => {
    if (!can(session.role, 'staff.read')) return;
    void api.staff.list({ search: '' }).then((r) => {
      if (r.ok) setPeople(r.data);
    });
  }, [api, session.role]);

  useEffect(() => {
    let live = true;
    void api.audit
      .query({ ...toQuery(filters), limit: PAGE_SIZE, offset: page * PAGE_SIZE })
      .then((r) => {
        if (!live) return;
        if (r.ok) {
          setData(r.data);
          setError(null);
        } else if (!failed(r.error)) setError(r.error);
      });
    return () => {
      live = false;
    };
  }, [api, filters, page, failed]);

  const set = <K extends keyof AuditFilters>(key: K, value: AuditFilters[K]) => {
    setFilters((f) => ({ ...f, [key]: value }));
    setPage(0);
  };

  const exportAs = async (format: 'csv' | 'json') => {
    const r = await api.audit.export({ format, filter: toQuery(filters) });
    if (r.ok) downloadText(r.data.filename, r.data.content, r.data.mimeType);
    else if (!failed(r.error)) setError(r.error);
  };

  const total = data?.total ?? 0;
  const first = total === 0 ? 0 : page * PAGE_SIZE + 1;
  const last = Math.min(total, (page + 1) * PAGE_SIZE);
  return (
    <Page title={t('audit.title')} lead={t('audit.lead')}>
      <form
        className="filters"
        aria-label={t('audit.filters')}
        onSubmit={(e) => e.preventDefault()}
      >
        <AuditFilterFields
          filters={filters}
          people={people}
          onChange={set}
          onClear={() => {
            setFilters(EMPTY);
            setPage(0);
          }}
        />
      </form>
      <div className="toolbar-row">
        {can(session.role, 'audit.verify') ? <AuditVerify onSessionError={failed} /> : <span />}
        {can(session.role, 'audit.export') ? (
          <div className="button-row">
            <button type="button" className="button secondary" onClick={() => void exportAs('csv')}>
              {t('audit.export_csv')}
            </button>
            <button
              type="button"
              className="button secondary"
              onClick={() => void exportAs('json')}
            >
              {t('audit.export_json')}
            </button>
          </div>
        ) : null}
      </div>
      <ErrorAlert error={error} />
      <p className="result-count" role="status" data-testid="audit-count">
        {data
          ? total === 0
            ? t('audit.empty')
            : t('audit.showing', { first: number(first), last: number(last), total: number(total) })
          : t('common.loading')}
      </p>
      {data && data.entries.length > 0 ? <AuditTable entries={data.entries} /> : null}
      <Pager page={page} pageSize={PAGE_SIZE} total={total} onPage={setPage} />
    </Page>
  );
}
