import { useState } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { datePattern, formatLocalDate, parseLocalDate } from '../i18n/local-date';
import { Field } from './field';

interface Props {
  label: string;
  /** yyyy-mm-dd, or '' for none. */
  value: string;
  onChange(iso: string): void;
}

/**
 * A date typed in the order of the reader's language, the pattern in its label ("From
 * (dd/mm/aaaa)"): see local-date.ts for why not a native date input. A date that is not a real
 * one is said so under the field and not applied (the parent gets '').
 */
export function DateField({ label, value, onChange }: Props) {
  const { t, lang } = useI18n();
  const [shown, setShown] = useState(() => ({ text: formatLocalDate(value, lang), lang }));
  // Shown again from the value when the language changes, or when the value changes from
  // outside (Clear); a text being typed agrees with the value it gave, even one that does not
  // parse yet (the value is then '').
  if (shown.lang !== lang || (parseLocalDate(shown.text, lang) ?? '') !== value)
    setShown({ text: formatLocalDate(value, lang), lang });
  const text = shown.lang === lang ? shown.text : formatLocalDate(value, lang);
  const parsed = parseLocalDate(text, lang);
  const { order, separator } = datePattern(lang);
  const pattern = order.map((part) => t(`date.letters_${part}`)).join(separator);

  return (
    <Field
      label={`${label} (${pattern})`}
      inputMode="numeric"
      autoComplete="off"
      value={text}
      error={text.trim() !== '' && !parsed ? t('date.invalid', { pattern }) : undefined}
      onChange={(e) => {
        setShown({ text: e.target.value, lang });
        onChange(parseLocalDate(e.target.value, lang) ?? '');
      }}
    />
  );
}
