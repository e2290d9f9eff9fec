import type { ResultOf } from '@graphql-typed-document-node/core';
import { Link } from '@remix-run/react';
import { DataTable } from '../../components/list.tsx';
import { graphql } from '../../gql/index.ts';
import { formatCount, formatDateTime, humanize } from '../../lib/format.ts';
import { actorLabel } from '../_app.audit._index/audit-log.ts';
import { diffRows } from './audit-diff.ts';

// The audit log seen from a record's own page (a tenant, a plan, an admin): its latest entries.

/**
 * One line of a record's recent history on its detail page. It selects the actor's fields itself rather
 * than spreading AuditActor: the API's cost limit counts each nested spread as one more level, and the
 * detail pages' queries are close to it.
 */
export const HistoryEntryFragment = graphql(`
  fragment HistoryEntry on AuditEvent {
    id
    action
    occurredAt
    actorType
    actorEmail
    actorRole
    diff
  }
`);

const SHOWN_CHANGES = 3;

/**
 * "name: Starter → Starter 2; seats: 3 → 5", or "Created" for a new record, for one line of a table. A
 * status reads as words ("status: Trialing → Suspended").
 */
export function changeSummary(action: string, diff: unknown): string {
  const rows = diffRows(diff).filter((row) => row.field !== 'updatedAt' && row.field !== 'createdAt');
  if (action.endsWith('.create')) return 'Created';
  if (!rows.length) return '';
  const shown = rows
    .slice(0, SHOWN_CHANGES)
    .map((row) => {
      const word = (value: string | null) => (value === null ? '—' : row.field === 'status' ? humanize(value) : value);
      return `${row.field}: ${word(row.from)} → ${word(row.to)}`;
    })
    .join('; ');
  const more = rows.length - SHOWN_CHANGES;
  return more > 0 ? `${shown}; +${more} more` : shown;
}

/** The latest audit entries about one record, each opening its entry, and the way into the full log. */
export function RecordHistory({
  events,
  totalCount,
  auditHref,
}: {
  events: ResultOf<typeof HistoryEntryFragment>[];
  totalCount: number;
  auditHref: string;
}) {
  return (
    <section className="record-history">
      <h2>History</h2>
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
            <tr key={event.id} data-testid="history-row">
              <td>
                <Link to={`/audit/${event.id}`}>{formatDateTime(event.occurredAt)}</Link>
              </td>
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
