import { useId } from 'react';
import { SelectField } from '../../components/field';
import { Page } from '../../components/page';
import { LANGUAGES, isLanguage, useI18n, type Language } from '../../i18n/i18n-context';
import { THEMES, useTheme, type ThemeChoice } from '../../theme/theme-context';
import type { MessageKey } from '../../i18n/messages.en';
import type { ScreenProps } from '../shell/shell.types';
import { PolicySection } from './policy.section';
import type { useSyncStatus } from '../../state/use-sync-status';
import { SyncSection } from '../sync/sync.section';

const THEME_LABEL: Record<ThemeChoice, MessageKey> = {
  light: 'settings.theme_light',
  dark: 'settings.theme_dark',
  system: 'settings.theme_system',
};
/** Each language in its own words. */
const LANGUAGE_NAME: Record<Language, string> = { en: 'English', es: 'Español', fr: 'Français' };

/** Settings: appearance and language (this PC), the sync server, the password policy, about. */
export function SettingsScreen(props: ScreenProps & { sync: ReturnType<typeof useSyncStatus> }) {
  const { t, lang, setLang } = useI18n();
  const { theme, setTheme } = useTheme();
  const themeLegend = useId();
  const { state } = props;
  return (
    <Page title={t('settings.title')}>
      <div className="sections">
        <section className="panel" aria-labelledby="settings-appearance">
          <h2 id="settings-appearance">{t('settings.appearance')}</h2>
          <fieldset className="inline-radios" aria-describedby={themeLegend}>
            <legend>{t('settings.theme')}</legend>
            {THEMES.map((choice) => (
              <label key={choice} className="radio">
                <input
                  type="radio"
                  name="theme"
                  value={choice}
                  checked={theme === choice}
                  onChange={() => setTheme(choice)}
                />
                <span>{t(THEME_LABEL[choice])}</span>
              </label>
            ))}
          </fieldset>
          <p id={themeLegend} className="hint">
            {t('settings.saved_here')}
          </p>
          <SelectField
            label={t('settings.language')}
            value={lang}
            onChange={(e) => {
              if (isLanguage(e.target.value)) setLang(e.target.value);
            }}
          >
            {LANGUAGES.map((l) => (
              <option key={l} value={l} lang={l}>
                {LANGUAGE_NAME[l]}
              </option>
            ))}
          </SelectField>
        </section>
        <SyncSection {...props} />
        <PolicySection {...props} />
        <section className="panel" aria-labelledby="settings-about">
          <h2 id="settings-about">{t('settings.about')}</h2>
          <dl className="facts">
            <dt>{t('settings.version')}</dt>
            <dd data-testid="app-version">{state.version}</dd>
            <dt>{t('setup.store_name')}</dt>
            <dd>{state.device.storeName || '—'}</dd>
            <dt>{t('setup.brand_name')}</dt>
            <dd>{state.device.brandName || '—'}</dd>
            <dt>{t('settings.mode')}</dt>
            <dd>
              {state.device.mode === 'standalone'
                ? t('settings.mode_standalone')
                : t('settings.mode_enrolled')}
            </dd>
          </dl>
        </section>
      </div>
    </Page>
  );
}
