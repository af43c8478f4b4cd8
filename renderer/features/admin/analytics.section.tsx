import { useEffect, useState } from 'react';
import type { AnalyticsDto, ServerStoreDto } from '../../../common/ipc/admin.schemas';
import { useApi } from '../../api/api-context';
import type { ApiError } from '../../api/types';
import { SelectField } from '../../components/field';
import { ErrorAlert } from '../../components/messages';
import { TableWrap } from '../../components/table-wrap';
import { useI18n } from '../../i18n/i18n-context';
import { auditName } from '../audit/audit-labels';
import { DAY_MS, type Run } from './admin-run';
import { BarChart } from './bar-chart';

const RANGES = [7, 14, 30, 90] as const;

/** The local days of the last `n` days, as the server names them (yyyy-mm-dd). */
function lastDays(n: number, now = new Date()): { labels: string[]; from: number; to: number } {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const labels: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() - i);
    const mm = String(d.getMonth() + 1).padStart(2, '0');
    const dd = String(d.getDate()).padStart(2, '0');
    labels.push(`${d.getFullYear()}-${mm}-${dd}`);
  }
  const from = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (n - 1)).getTime();
  return { labels, from, to: today.getTime() + DAY_MS };
}

/** Figures across the franchise: sign-ins and failures per store per day, lockouts, silent PCs. */
export function AnalyticsSection({ run }: { run: Run }) {
  const api = useApi();
  const { t, number, dateTime } = useI18n();
  const [days, setDays] = useState<(typeof RANGES)[number]>(14);
  const [storeId, setStoreId] = useState('');
  const [stores, setStores] = useState<ServerStoreDto[]>([]);
  const [data, setData] = useState<AnalyticsDto | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const range = lastDays(days);

  useEffect(() => {
    void run(api.admin.listStores({})).then((r) => r.ok && setStores(r.data.stores));
  }, [api, run]);
  useEffect(() => {
    const { from, to } = lastDays(days);
    void run(
      api.admin.analytics({
        ...(storeId ? { storeId } : {}),
        from,
        to,
        utcOffsetMinutes: -new Date().getTimezoneOffset(),
        outOfSyncHours: 24,
      }),
    ).then((r) => {
      if (r.ok) {
        setData(r.data);
        setError(null);
      } else setError(r.error);
    });
  }, [api, run, days, storeId]);

  const byStore = new Map<string, { name: string; rows: AnalyticsDto['signIns']['days'] }>();
  for (const d of data?.signIns.days ?? []) {
    const entry = byStore.get(d.storeId) ?? { name: d.storeName ?? '—', rows: [] };
    entry.rows.push(d);
    byStore.set(d.storeId, entry);
  }
  const valuesOf = (rows: AnalyticsDto['signIns']['days'], key: 'signIns' | 'failures') =>
    range.labels.map((label) => rows.find((r) => r.day === label)?.[key] ?? 0);

  return (
    <section className="panel" aria-labelledby="admin-analytics">
      <h2 id="admin-analytics">{t('admin.section.analytics')}</h2>
      <div className="filters">
        <SelectField
          label={t('admin.analytics.range')}
          value={String(days)}
          onChange={(e) => setDays(Number(e.target.value) as (typeof RANGES)[number])}
        >
          {RANGES.map((n) => (
            <option key={n} value={n}>
              {t('admin.analytics.last_days', { days: n })}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('admin.audit.store')}
          value={storeId}
          onChange={(e) => setStoreId(e.target.value)}
        >
          <option value="">{t('admin.audit.any_store')}</option>
          {stores.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </SelectField>
      </div>
      <ErrorAlert error={error} />
      {!data ? (
        <p className="hint">{t('common.loading')}</p>
      ) : (
        <>
          <p data-testid="analytics-totals">
            {t('admin.analytics.totals', {
              signIns: number(data.signIns.totals.signIns),
              failures: number(data.signIns.totals.failures),
              lockouts: number(data.signIns.totals.lockouts),
            })}
          </p>
          <h3>{t('admin.analytics.per_store')}</h3>
          {byStore.size === 0 ? <p>{t('admin.analytics.no_activity')}</p> : null}
          {[...byStore.entries()].map(([id, { name, rows }]) => {
            const signIns = valuesOf(rows, 'signIns');
            const failures = valuesOf(rows, 'failures');
            const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
            return (
              <BarChart
                key={id}
                title={name}
                summary={t('admin.analytics.chart_summary', {
                  name,
                  signIns: sum(signIns),
                  failures: sum(failures),
                  days,
                })}
                labels={range.labels}
                series={[
                  { label: t('admin.analytics.sign_ins'), className: 'chart-ok', values: signIns },
                  {
                    label: t('admin.analytics.failures'),
                    className: 'chart-bad',
                    values: failures,
                  },
                ]}
              />
            );
          })}
          <h3>{t('admin.analytics.lockouts')}</h3>
          {data.lockouts.lockouts.length === 0 ? (
            <p>{t('admin.analytics.no_lockouts')}</p>
          ) : (
            <TableWrap label={t('admin.analytics.lockouts')}>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('admin.audit.store')}</th>
                    <th scope="col">{t('admin.people.name')}</th>
                    <th scope="col">{t('admin.analytics.lockouts')}</th>
                    <th scope="col">{t('admin.analytics.last')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.lockouts.lockouts.map((l, i) => (
                    <tr key={i}>
                      <td>{auditName(l.storeName ?? '—')}</td>
                      <td>
                        {l.accountName === null
                          ? t('admin.analytics.unknown_name')
                          : auditName(l.accountName)}
                      </td>
                      <td>{number(l.lockouts)}</td>
                      <td>{dateTime(l.lastAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
          <h3>{t('admin.analytics.out_of_sync', { hours: data.outOfSync.hours })}</h3>
          {data.outOfSync.devices.length === 0 ? (
            <p>{t('admin.analytics.all_in_sync')}</p>
          ) : (
            <TableWrap label={t('admin.analytics.out_of_sync', { hours: data.outOfSync.hours })}>
              <table className="table" data-testid="out-of-sync">
                <thead>
                  <tr>
                    <th scope="col">{t('admin.audit.store')}</th>
                    <th scope="col">{t('admin.devices.name')}</th>
                    <th scope="col">{t('admin.devices.last_sync')}</th>
                    <th scope="col">{t('admin.devices.pending')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.outOfSync.devices.map((d) => (
                    <tr key={d.id}>
                      <td>{d.storeName ?? '—'}</td>
                      <th scope="row">{d.name}</th>
                      <td>
                        {d.hoursSinceSync === null
                          ? t('admin.never')
                          : t('admin.analytics.hours_ago', { hours: d.hoursSinceSync })}
                      </td>
                      <td>{number(d.pendingEvents)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </>
      )}
    </section>
  );
}
