import { useState } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { copyText } from './download';

/** Copies `text`; says whether it worked next to the button (role="status"). */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const { t } = useI18n();
  const [result, setResult] = useState<'copied' | 'failed' | null>(null);
  return (
    <span className="copy">
      <button
        type="button"
        className="button secondary"
        onClick={() => void copyText(text).then((ok) => setResult(ok ? 'copied' : 'failed'))}
      >
        {label ?? t('common.copy')}
      </button>
      <span role="status" className="copy-result">
        {result === 'copied'
          ? t('common.copied')
          : result === 'failed'
            ? t('common.copy_failed')
            : ''}
      </span>
    </span>
  );
}
