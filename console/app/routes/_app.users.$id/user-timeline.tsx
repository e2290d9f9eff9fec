import type { UserDetailQuery } from '../../gql/graphql.ts';
import { Link, useLocation } from '@remix-run/react';
import { DataTable, StatusBadge } from '../../components/list.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { withParams } from '../../lib/list.ts';
import { changeSummary } from '../_app.audit.$id/record-history.tsx';

// What happened to a user, newest first: admin actions from the audit log and emails sent to them.

export function UserTimeline({ page }: { page: NonNullable<UserDetailQuery['user']>['timeline'] }) {
  const { search } = useLocation();
  return (
    <section className="record-history">
      <h2>Timeline</h2>
      <DataTable
        colSpan={3}
        empty="Nothing has happened to this user yet."
        head={
          <tr>
            <th>When</th>
            <th>What</th>
            <th>Details</th>
          </tr>
        }
      >
        {page.entries.map((entry) => (
          <tr key={entry.id} data-testid="timeline-row">
            <td>{formatDateTime(entry.occurredAt)}</td>
            {entry.kind === 'AUDIT' && entry.action ? (
              <>
                <td>
                  <Link to={`/audit/${entry.id}`}>{entry.action}</Link>
                  <div className="muted small">{entry.actorEmail ?? entry.actorType}</div>
                </td>
                <td>{changeSummary(entry.action, entry.diff)}</td>
              </>
            ) : (
              <>
                <td>
                  Email {entry.emailStatus ? <StatusBadge status={entry.emailStatus} /> : null}
                </td>
                <td>
                  <Link to={`/emails/${entry.id}`}>{entry.subject ?? '(not rendered yet)'}</Link> <span className="muted small">to {entry.toAddress}</span>
                </td>
              </>
            )}
          </tr>
        ))}
      </DataTable>
      {page.endCursor ? (
        <p>
          <Link to={withParams(search, { after: page.endCursor })}>Older entries</Link>
        </p>
      ) : null}
    </section>
  );
}
