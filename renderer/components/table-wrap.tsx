import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n-context';

/**
 * A table's scroll container: a named, focusable region, so that when a narrow window makes it
 * scroll sideways, keyboard users can scroll it too (arrow keys once it has focus).
 *
 * Its name is the label with "(table)" after it: a table usually sits in a section named by the
 * same heading, and two region landmarks with one name leave a screen-reader user unable to
 * tell them apart (axe: landmark-unique).
 */
export function TableWrap({
  label,
  children,
  className,
}: {
  label: string;
  children: ReactNode;
  className?: string;
}) {
  const { t } = useI18n();
  return (
    <div
      className={`table-wrap ${className ?? ''}`}
      role="region"
      aria-label={t('common.table_region', { name: label })}
      tabIndex={0}
    >
      {children}
    </div>
  );
}
