import {
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  type AuditAction,
  type AuditOutcome,
} from '../../../common/audit/audit-record';
import { useState } from 'react';
import { DateField } from '../../components/date-field';
import { SelectField } from '../../components/field';
import { useI18n } from '../../i18n/i18n-context';
import { ACTION_LABEL, OUTCOME_LABEL } from './audit-labels';

/** The filters both audit views share (this PC's log and the admin area's search). */
export interface CommonAuditFilters {
  person: string;
  action: AuditAction | '';
  outcome: AuditOutcome | '';
  /** yyyy-mm-dd from the date fields (typed in the reader's order), '' for none. */
  from: string;
  to: string;
}

const isAction = (v: string): v is AuditAction => (AUDIT_ACTIONS as readonly string[]).includes(v);
const isOutcome = (v: string): v is AuditOutcome =>
  (AUDIT_OUTCOMES as readonly string[]).includes(v);

interface Props {
  filters: CommonAuditFilters;
  people: readonly { id: string; displayName: string; username: string }[];
  onChange<K extends keyof CommonAuditFilters>(key: K, value: CommonAuditFilters[K]): void;
  onClear(): void;
}

/** Person, action, outcome, date range and "Clear": the fields inside an audit filter form. */
export function AuditFilterFields({ filters, people, onChange, onClear }: Props) {
  const { t } = useI18n();
  const [cleared, setCleared] = useState(0);
  return (
    <>
      <SelectField
        label={t('audit.person')}
        value={filters.person}
        onChange={(e) => onChange('person', e.target.value)}
      >
        <option value="">{t('audit.anyone')}</option>
        {people.map((p) => (
          <option key={p.id} value={p.id}>
            {p.displayName} ({p.username})
          </option>
        ))}
      </SelectField>
      <SelectField
        label={t('audit.action')}
        value={filters.action}
        onChange={(e) => onChange('action', isAction(e.target.value) ? e.target.value : '')}
      >
        <option value="">{t('audit.any_action')}</option>
        {AUDIT_ACTIONS.map((a) => (
          <option key={a} value={a}>
            {t(ACTION_LABEL[a])}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={t('audit.outcome')}
        value={filters.outcome}
        onChange={(e) => onChange('outcome', isOutcome(e.target.value) ? e.target.value : '')}
      >
        <option value="">{t('audit.any_outcome')}</option>
        {AUDIT_OUTCOMES.map((o) => (
          <option key={o} value={o}>
            {t(OUTCOME_LABEL[o])}
          </option>
        ))}
      </SelectField>
      <DateField
        key={`from-${cleared}`}
        label={t('audit.from')}
        value={filters.from}
        onChange={(iso) => onChange('from', iso)}
      />
      <DateField
        key={`to-${cleared}`}
        label={t('audit.to')}
        value={filters.to}
        onChange={(iso) => onChange('to', iso)}
      />
      <div className="filter-actions">
        <button
          type="button"
          className="button secondary"
          onClick={() => {
            // A date still being typed (not yet a date) goes too.
            setCleared((n) => n + 1);
            onClear();
          }}
        >
          {t('audit.clear')}
        </button>
      </div>
    </>
  );
}
