import { useState } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { CopyButton } from './copy-button';
import { downloadText } from './download';
import { Checkbox } from './field';

interface Props {
  codes: string[];
  /** Whose codes they are, and the store, named on the printout and in the file. */
  person: { displayName: string; username: string };
  storeName: string;
  /** Called when the person confirms they saved the codes. */
  onDone(): void;
  doneLabel?: string;
}

/**
 * Recovery codes, shown once: copy, download as .txt, print; "I have saved them" before going on.
 * The printout and the file say what they are, for which store and person, and when they were
 * made: a sheet found in a drawer months later must tell whose codes these are (and that older
 * sheets no longer work).
 */
export function RecoveryCodes({ codes, person, storeName, onDone, doneLabel }: Props) {
  const { t, date } = useI18n();
  const [saved, setSaved] = useState(false);
  // When they were made: shown now, and the same on a print made later from this screen.
  const [madeAt] = useState(() => Date.now());
  const heading = [
    t('recovery.file_title'),
    ...(storeName ? [t('recovery.file_store', { store: storeName })] : []),
    t('recovery.file_account', { name: person.displayName, username: person.username }),
    t('recovery.file_date', { date: date(madeAt) }),
  ];
  const text = [...heading, t('recovery.file_note'), '', ...codes, ''].join('\r\n');
  return (
    <div className="recovery-codes">
      <p>{t('recovery.explain')}</p>
      <div className="print-area" data-testid="recovery-printout">
        <div className="print-only">
          <p className="print-title">{heading[0]}</p>
          {heading.slice(1).map((line) => (
            <p key={line}>{line}</p>
          ))}
          <p>{t('recovery.print_note')}</p>
        </div>
        <ol className="codes" aria-label={t('recovery.list_label')} data-testid="recovery-codes">
          {codes.map((code) => (
            <li key={code}>
              <code>{code}</code>
            </li>
          ))}
        </ol>
      </div>
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
