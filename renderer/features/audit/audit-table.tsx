import type { AuditEntry } from '../../api/types';
import { TableWrap } from '../../components/table-wrap';
import { useI18n } from '../../i18n/i18n-context';
import { auditDetailsText } from './audit-details-text';
import { ACTION_LABEL, OUTCOME_LABEL, auditName } from './audit-labels';

/**
 * One page of audit entries. Details in words (audit-details-text.ts); names and anything taken
 * from an entry are shown escaped (audit-labels.ts).
 */
export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const i18n = useI18n();
  const { t, dateTime } = i18n;
  return (
    <TableWrap label={t('audit.title')}>
      <table className="table audit-table">
        <caption className="visually-hidden">{t('audit.title')}</caption>
        <thead>
          <tr>
            <th scope="col" className="audit-seq">
              #
            </th>
            <th scope="col" className="audit-time">
              {t('audit.col_time')}
            </th>
            <th scope="col">{t('audit.col_who')}</th>
            <th scope="col">{t('audit.action')}</th>
            <th scope="col">{t('audit.col_target')}</th>
            <th scope="col" className="audit-outcome">
              {t('audit.outcome')}
            </th>
            <th scope="col" className="details">
              {t('audit.col_details')}
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.seq} data-action={e.action} data-outcome={e.outcome}>
              <td>{e.seq}</td>
              <td className="audit-time">{dateTime(e.at)}</td>
              <td>{e.actorName === null ? t('audit.system') : auditName(e.actorName)}</td>
              <td>{t(ACTION_LABEL[e.action])}</td>
              <td>{auditName(e.targetName ?? '')}</td>
              <td>
                <span className={`badge outcome-${e.outcome}`}>{t(OUTCOME_LABEL[e.outcome])}</span>
              </td>
              <td className="details">{auditDetailsText(i18n, e)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
