import { Link } from '@remix-run/react';
import type { ReactNode } from 'react';

/**
 * A screen's header: the way back to its list (on detail and "new" screens), the title, a line under it
 * and, as children, the screen's actions.
 */
export function PageHeader({
  parent,
  title,
  sub,
  children,
}: {
  parent?: { to: string; label: string };
  title: ReactNode;
  sub?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div>
        {parent ? (
          <div className="muted small">
            <Link to={parent.to}>{parent.label}</Link> /
          </div>
        ) : null}
        <h1>{title}</h1>
        {sub}
      </div>
      {children}
    </header>
  );
}
