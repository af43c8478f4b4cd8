import { useState } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { CopyButton } from './copy-button';
import { downloadText } from './download';
import { Checkbox } from './field';

interface Props {
  codes: string[];
  /** Called when the person confirms they saved the codes. */
  onDone(): void;
  doneLabel?: string;
  username?: string;
}

/**
 * Recovery codes, shown once: copy, download as .txt, print; "I have saved them" before going on.
 */
export function RecoveryCodes({ codes, onDone, doneLabel, username }: Props) {
  const { t } = useI18n();
  const [saved, setSaved] = useState(false);
  const text = [
    t('recovery.file_title'),
    username ? t('recovery.file_account', { username }) : '',
    t('recovery.file_note'),
    '',
    ...codes,
    '',
  ].join('\r\n');
  return (
    <div className="recovery-codes">
      <p>{t('recovery.explain')}</p>
      <ol
        className="codes print-area"
        aria-label={t('recovery.list_label')}
        data-testid="recovery-codes"
      >
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="button-row">
        <CopyButton text={codes.join('\n')} label={t('recovery.copy')} />
        <button
          type="button"
          className="button secondary"
          onClick={() => downloadText('keyholder-recovery-codes.txt', text, 'text/plain')}
        >
          {t('recovery.download')}
        </button>
        <button type="button" className="button secondary" onClick={() => window.print()}>
          {t('recovery.print')}
        </button>
      </div>
      <Checkbox
        label={t('recovery.saved')}
        checked={saved}
        onChange={(e) => setSaved(e.target.checked)}
      />
      <div className="button-row">
        <button type="button" className="button primary" disabled={!saved} onClick={onDone}>
          {doneLabel ?? t('common.continue')}
        </button>
      </div>
    </div>
  );
}
