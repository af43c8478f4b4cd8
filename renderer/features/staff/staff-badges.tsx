import type { StaffSummary } from '../../api/types';
import { useI18n } from '../../i18n/i18n-context';

/** Status of an account in words (not colour alone). */
export function StaffBadges({ account }: { account: StaffSummary }) {
  const { t } = useI18n();
  return (
    <span className="badges">
      {account.status === 'active' ? (
        <span className="badge badge-ok">{t('staff.active')}</span>
      ) : (
        <span className="badge badge-off">{t('staff.disabled')}</span>
      )}
      {account.locked ? <span className="badge badge-danger">{t('staff.locked')}</span> : null}
      {account.mustChangePassword ? (
        <span className="badge badge-warn">{t('staff.must_change')}</span>
      ) : null}
      <span className="badge">
        {account.totpEnabled ? t('staff.totp_on') : t('staff.totp_off')}
      </span>
    </span>
  );
}
