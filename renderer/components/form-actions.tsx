import { useI18n } from '../i18n/i18n-context';

/**
 * The footer of a dialog's form: Cancel, then the submit button, which is disabled while the
 * request runs (so a double click cannot send it twice).
 */
export function FormActions(props: {
  submitLabel: string;
  busy: boolean;
  danger?: boolean;
  onCancel(): void;
}) {
  const { t } = useI18n();
  return (
    <div className="button-row end">
      <button type="button" className="button secondary" onClick={props.onCancel}>
        {t('common.cancel')}
      </button>
      <button
        type="submit"
        className={`button ${props.danger ? 'danger' : 'primary'}`}
        disabled={props.busy}
      >
        {props.submitLabel}
      </button>
    </div>
  );
}
