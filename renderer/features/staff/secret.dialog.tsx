import { CopyButton } from '../../components/copy-button';
import { Dialog } from '../../components/dialog';
import { useI18n } from '../../i18n/i18n-context';

interface Props {
  name: string;
  username: string;
  password: string;
  /** The reset also lifted the account's lockout: said, so nobody waits for the lock to end. */
  unlocked?: boolean;
  onClose(): void;
}

/** A temporary password, shown this once: the manager hands it over; it is never shown again. */
export function TemporaryPasswordDialog({ name, username, password, unlocked, onClose }: Props) {
  const { t } = useI18n();
  return (
    <Dialog title={t('staff.temp_title', { name })} onClose={onClose}>
      {unlocked ? (
        <p data-testid="temporary-unlocked">{t('staff.temp_unlocked', { name })}</p>
      ) : null}
      <p>{t('staff.temp_explain', { username })}</p>
      <p className="label" id="temp-label">
        {t('staff.temp_label')}
      </p>
      <p
        className="secret"
        data-testid="temporary-password"
        aria-labelledby="temp-label"
        role="note"
      >
        {password}
      </p>
      <p className="hint">{t('staff.temp_once')}</p>
      <div className="button-row end">
        <CopyButton text={password} />
        <button type="button" className="button primary" onClick={onClose}>
          {t('common.done')}
        </button>
      </div>
    </Dialog>
  );
}
