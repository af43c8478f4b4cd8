import { useEffect, useState } from 'react';
import type {
  ServerAuditEntryDto,
  ServerPersonDto,
  ServerStoreDto,
} from '../../../common/ipc/admin.schemas';
import {
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  type AuditAction,
  type AuditOutcome,
} from '../../../common/audit/audit-record';
import { useApi } from '../../api/api-context';
import type { ApiError } from '../../api/types';
import { downloadText } from '../../components/download';
import { SelectField } from '../../components/field';
import { ErrorAlert } from '../../components/messages';
import { TableWrap } from '../../components/table-wrap';
import { useI18n } from '../../i18n/i18n-context';
import { auditDetailsText } from '../audit/audit-details-text';
import { ACTION_LABEL, OUTCOME_LABEL, auditName } from '../audit/audit-labels';
import { DAY_MS, localDay, type Run } from './admin-run';
import { AuditFilterFields } from '../audit/audit-filter-fields';
import { Pager } from '../../components/pager';

const PAGE = 25;
interface Filters {
  storeId: string;
  person: string;
  action: AuditAction | '';
  outcome: AuditOutcome | '';
  from: string;
  to: string;
}
const EMPTY: Filters = { storeId: '', person: '', action: '', outcome: '', from: '', to: '' };

function toFilter(f: Filters) {
  const from = localDay(f.from);
  const to = localDay(f.to);
  return {
    ...(f.storeId ? { storeId: f.storeId } : {}),
    ...(f.person ? { person: f.person } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(f.outcome ? { outcome: f.outcome } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to: to + DAY_MS } : {}),
  };
}

const isAction = (a: string): a is AuditAction => (AUDIT_ACTIONS as readonly string[]).includes(a);
const isOutcome = (o: string): o is AuditOutcome =>
  (AUDIT_OUTCOMES as readonly string[]).includes(o);

/** The audit trail of every store: filters, pages, and export of the whole result. */
export function AuditSection({ run }: { run: Run }) {
  const api = useApi();
  const i18n = useI18n();
  const { t, dateTime, number } = i18n;
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [page, setPage] = useState(0);
  // Keyset pages: the cursor each page was fetched with (page 0: none), learnt going forward.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [data, setData] = useState<{
    total: number;
    totalCapped: boolean;
    nextCursor: string | null;
    entries: ServerAuditEntryDto[];
  } | null>(null);
  const [stores, setStores] = useState<ServerStoreDto[]>([]);
  const [people, setPeople] = useState<ServerPersonDto[]>([]);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    void run(api.admin.listStores({})).then((r) => r.ok && setStores(r.data.stores));
    void run(api.admin.listPeople({})).then((r) => r.ok && setPeople(r.data.users));
  }, [api, run]);

  const cursor = cursors[page];
  useEffect(() => {
    let live = true;
    void run(
      api.admin.searchAudit({ ...toFilter(filters), limit: PAGE, ...(cursor ? { cursor } : {}) }),
    ).then((r) => {
      if (!live) return;
      if (r.ok) {
        setData(r.data);
        setCursors((known) => [...known.slice(0, page + 1), r.data.nextCursor ?? undefined]);
        setError(null);
      } else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [api, run, filters, page, cursor]);

  const firstPage = () => {
    setPage(0);
    setCursors([undefined]);
  };
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => {
    setFilters((f) => ({ ...f, [key]: value }));
    firstPage();
  };
  const exportAs = async (format: 'csv' | 'json') => {
    const r = await run(api.admin.exportAudit({ format, filter: toFilter(filters) }));
    if (r.ok) downloadText(r.data.filename, r.data.content, r.data.mimeType);
    else setError(r.error);
  };

  const total = data?.total ?? 0;
  const first = total === 0 ? 0 : page * PAGE + 1;
  const last = page * PAGE + (data?.entries.length ?? 0);
  return (
    <section className="panel" aria-labelledby="admin-audit">
      <h2 id="admin-audit">{t('admin.section.audit')}</h2>
      <form
        className="filters"
        aria-label={t('audit.filters')}
        onSubmit={(e) => e.preventDefault()}
      >
        <SelectField
          label={t('admin.audit.store')}
          value={filters.storeId}
          onChange={(e) => set('storeId', e.target.value)}
        >
          <option value="">{t('admin.audit.any_store')}</option>
          {stores.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </SelectField>
        <AuditFilterFields
          filters={filters}
          people={people}
          onChange={set}
          onClear={() => {
            setFilters(EMPTY);
            firstPage();
          }}
        />
      </form>
      <div className="button-row">
        <button type="button" className="button secondary" onClick={() => void exportAs('csv')}>
          {t('audit.export_csv')}
        </button>
        <button type="button" className="button secondary" onClick={() => void exportAs('json')}>
          {t('audit.export_json')}
        </button>
      </div>
      <ErrorAlert error={error} />
      <p className="result-count" role="status" data-testid="admin-audit-count">
        {data
          ? total === 0
            ? t('audit.empty')
            : t('audit.showing', {
                first: number(first),
                last: number(last),
                total: `${number(total)}${data.totalCapped ? '+' : ''}`,
              })
          : t('common.loading')}
      </p>
      {data && data.entries.length > 0 ? (
        <TableWrap label={t('admin.section.audit')}>
          <table className="table audit-table">
            <thead>
              <tr>
                <th scope="col" className="audit-time">
                  {t('admin.audit.time')}
                </th>
                <th scope="col">{t('admin.audit.store')}</th>
                <th scope="col">{t('admin.audit.who')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col" className="audit-outcome">
                  {t('audit.outcome')}
                </th>
                <th scope="col" className="details">
                  {t('audit.col_details')}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.entries.map((e) => (
                <tr key={`${e.deviceId}-${e.seq}`}>
                  <td className="audit-time">{dateTime(e.at)}</td>
                  <td>{auditName(e.storeName ?? '—')}</td>
                  <td>
                    {auditName(e.actorName ?? '—')}
                    {e.targetName && e.targetName !== e.actorName
                      ? ` → ${auditName(e.targetName)}`
                      : ''}
                  </td>
                  <td>{isAction(e.action) ? t(ACTION_LABEL[e.action]) : auditName(e.action)}</td>
                  <td className={`outcome-${e.outcome}`}>
                    {isOutcome(e.outcome) ? t(OUTCOME_LABEL[e.outcome]) : auditName(e.outcome)}
                  </td>
                  <td className="details">{auditDetailsText(i18n, e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <Pager
        page={page}
        pageSize={PAGE}
        total={total}
        onPage={setPage}
        totalCapped={data?.totalCapped ?? false}
        hasNext={(data?.nextCursor ?? null) !== null}
      />
    </section>
  );
}
