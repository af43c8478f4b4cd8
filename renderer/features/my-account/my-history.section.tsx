import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context';
import type { AuditEntry } from '../../api/types';
import { TableWrap } from '../../components/table-wrap';
import { useI18n } from '../../i18n/i18n-context';
import { auditDetailsText } from '../audit/audit-details-text';
import { OUTCOME_LABEL } from '../audit/audit-labels';
import type { SectionProps } from './my-account.types';

/** My recent sign-ins on this PC, successful or not (someone else may have tried my name). */
export function MyHistory({ sessionFailed }: SectionProps) {
  const api = useApi();
  const i18n = useI18n();
  const { t, dateTime } = i18n;
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  useEffect(() => {
    void api.me.signInHistory({}).then((r) => {
      if (r.ok) setEntries(r.data);
      else sessionFailed(r.error);
    });
  }, [api, sessionFailed]);
  return (
    <section className="panel" aria-labelledby="my-history">
      <h2 id="my-history">{t('account.history_title')}</h2>
      {entries === null ? (
        <p className="hint">{t('common.loading')}</p>
      ) : entries.length === 0 ? (
        <p>{t('account.history_none')}</p>
      ) : (
        <TableWrap label={t('account.history_title')} className="scroll-y">
          <table className="table">
            <caption className="visually-hidden">{t('account.history_title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.col_time')}</th>
                <th scope="col">{t('audit.outcome')}</th>
                <th scope="col">{t('audit.col_details')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.seq}>
                  <td className="nowrap">{dateTime(e.at)}</td>
                  <td>
                    <span className={`badge outcome-${e.outcome}`}>
                      {t(OUTCOME_LABEL[e.outcome])}
                    </span>
                  </td>
                  <td className="details">{auditDetailsText(i18n, e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}
