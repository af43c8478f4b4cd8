import { useEffect, useRef, type ReactNode } from 'react';

interface PageProps {
  title: string;
  /** Text under the heading. */
  lead?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  /** Move focus to the heading when the page appears (navigation). Off when a field autofocuses. */
  focusHeading?: boolean;
  className?: string;
}

/**
 * A screen: one h1 that receives focus when the screen appears, so keyboard and screen reader
 * users start at the top of what changed.
 */
export function Page({
  title,
  lead,
  actions,
  children,
  focusHeading = true,
  className,
}: PageProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusHeading) heading.current?.focus();
  }, [focusHeading]);
  return (
    <div className={`page ${className ?? ''}`}>
      <header className="page-head">
        <div>
          <h1 ref={heading} tabIndex={-1}>
            {title}
          </h1>
          {lead ? <p className="lead">{lead}</p> : null}
        </div>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </header>
      {children}
    </div>
  );
}

/** Signed-out screens (first run, sign-in, lock): a centred card inside <main>. */
export function CardLayout({ children, wide }: { children: ReactNode; wide?: boolean }) {
  return (
    <main id="main" className="card-layout">
      <div className={`card ${wide ? 'card-wide' : ''}`}>{children}</div>
    </main>
  );
}
