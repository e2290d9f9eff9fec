import { Link } from '@remix-run/react';
import { diffRows } from '../lib/audit-diff.ts';
import { actorLabel } from '../lib/audit-log.ts';
import { formatCount, formatDateTime } from '../lib/format.ts';
import { DataTable } from './list.tsx';

type AuditEntry = {
  id: string;
  action: string;
  occurredAt: string;
  actorType: 'ADMIN' | 'SYSTEM' | 'TENANT';
  actorEmail?: string | null;
  actorRole?: string | null;
  diff?: unknown;
};

const SHOWN_CHANGES = 3;

/** "name: Starter → Starter 2; seats: 3 → 5", or "Created" for a new record, for one line of a table. */
export function changeSummary(action: string, diff: unknown): string {
  const rows = diffRows(diff).filter((row) => row.field !== 'updatedAt' && row.field !== 'createdAt');
  if (action.endsWith('.create')) return 'Created';
  if (!rows.length) return '';
  const shown = rows
    .slice(0, SHOWN_CHANGES)
    .map((row) => `${row.field}: ${row.from ?? '—'} → ${row.to ?? '—'}`)
    .join('; ');
  const more = rows.length - SHOWN_CHANGES;
  return more > 0 ? `${shown}; +${more} more` : shown;
}

/** The latest audit entries about one record, with a way into the full, filtered audit log. */
export function RecentAudit({ events, totalCount, auditHref }: { events: AuditEntry[]; totalCount: number; auditHref: string }) {
  return (
    <section className="recent-audit">
      <h2>Recent changes</h2>
      <DataTable
        colSpan={4}
        empty="No recorded changes yet."
        head={
          <tr>
            <th>When</th>
            <th>Action</th>
            <th>By</th>
            <th>Change</th>
          </tr>
        }
      >
        {events.map((event) => {
          const actor = actorLabel(event);
          return (
            <tr key={event.id} data-testid="audit-row">
              <td>{formatDateTime(event.occurredAt)}</td>
              <td>
                <code>{event.action}</code>
              </td>
              <td>
                {actor.name}
                {actor.role ? <span className="muted small"> ({actor.role.toLowerCase()})</span> : null}
              </td>
              <td className="small">{changeSummary(event.action, event.diff)}</td>
            </tr>
          );
        })}
      </DataTable>
      <p>
        <Link to={auditHref} data-testid="audit-link">
          {totalCount > events.length ? `All ${formatCount(totalCount)} entries in the audit log →` : 'Open in the audit log →'}
        </Link>
      </p>
    </section>
  );
}
