import type { ReactNode } from 'react';

/**
 * A table's scroll container: a named, focusable region, so that when a narrow window makes it
 * scroll sideways, keyboard users can scroll it too (arrow keys once it has focus).
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
  return (
    <div className={`table-wrap ${className ?? ''}`} role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
