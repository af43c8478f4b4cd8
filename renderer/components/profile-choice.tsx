import { PROFILE_WARNINGS, type ProfileId } from '../../common/policy/policy';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages.en';

export const PROFILE_NAME: Record<ProfileId, MessageKey> = {
  standard: 'profile.standard',
  pci: 'profile.pci',
  classic: 'profile.classic',
};
const PROFILE_TEXT: Record<ProfileId, MessageKey> = {
  standard: 'profile.standard_text',
  pci: 'profile.pci_text',
  classic: 'profile.classic_text',
};

interface Props {
  name: string;
  value: ProfileId;
  onChange(profile: ProfileId): void;
  profiles: readonly ProfileId[];
}

/** The policy profiles as radio buttons; Classic shows why it is not recommended. */
export function ProfileChoice({ name, value, onChange, profiles }: Props) {
  const { t } = useI18n();
  return (
    <div className="radio-cards">
      {profiles.map((p) => (
        <label key={p} className={`radio-card ${value === p ? 'selected' : ''}`}>
          <input
            type="radio"
            name={name}
            value={p}
            checked={value === p}
            onChange={() => onChange(p)}
          />
          <span>
            <strong>{t(PROFILE_NAME[p])}</strong>
            {p === 'standard' ? <span className="badge">{t('profile.recommended')}</span> : null}
            <span className="radio-text">{t(PROFILE_TEXT[p])}</span>
          </span>
        </label>
      ))}
      {value === 'classic' ? <ClassicWarning /> : null}
    </div>
  );
}

export function ClassicWarning() {
  const { t, lang } = useI18n();
  // English shows the policy engine's own words (the ones the audit log records).
  return (
    <div className="warning" role="note" data-testid="classic-warning">
      <strong>{t('profile.warning_title')}</strong>
      <p>{lang === 'en' ? (PROFILE_WARNINGS.classic ?? '') : t('profile.classic_warning')}</p>
    </div>
  );
}
