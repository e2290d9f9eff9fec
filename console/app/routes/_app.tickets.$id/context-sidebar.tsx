import { Link } from '@remix-run/react';
import { StatusBadge } from '../../components/list.tsx';
import { TicketStatusBadge } from '../../components/ticket-badges.tsx';
import { formatDate, formatDateTime } from '../../lib/format.ts';
import type { ContextData, TicketData } from './route.tsx';

/**
 * What support needs to know about who asked: the requester, their tenant (plan, status), their other
 * tickets, the emails sent to them, the tenant's failing webhooks and its latest audit entries.
 */
export function ContextSidebar({ ticket, context }: { ticket: TicketData; context: ContextData }) {
  const { requester, tenant } = ticket;
  const others = context.otherTickets.edges.map((e) => e.node).filter((t) => t.id !== ticket.id);
  return (
    <section className="card ticket-context" aria-label="Requester and tenant" data-testid="ticket-context">
      <h2>Requester</h2>
      <dl className="facts">
        <dt>Name</dt>
        <dd>
          <Link to={`/users/${requester.id}`}>{requester.name ?? requester.externalId}</Link> {requester.userBlocked ? <StatusBadge status="BLOCKED" /> : null}
        </dd>
        <dt>Email</dt>
        <dd>{requester.email ?? '—'}</dd>
        <dt>Tenant</dt>
        <dd>
          <Link to={`/tenants/${tenant.id}`}>{tenant.name}</Link>
        </dd>
        <dt>Plan</dt>
        <dd data-testid="tenant-plan">
          <Link to={`/plans/${tenant.plan.id}`}>{tenant.plan.name}</Link>
        </dd>
        <dt>Tenant status</dt>
        <dd data-testid="tenant-status">
          <StatusBadge status={tenant.status} />
        </dd>
      </dl>

      <h3>Their other tickets</h3>
      {others.length ? (
        <ul className="small" data-testid="other-tickets">
          {others.slice(0, 5).map((t) => (
            <li key={t.id}>
              <Link to={`/tickets/${t.id}`}>
                {t.reference} {t.subject}
              </Link>{' '}
              <TicketStatusBadge status={t.status} /> <span className="muted">{formatDate(t.createdAt)}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">None.</p>
      )}
      {context.otherTickets.totalCount > 6 ? (
        <Link className="small" to={`/tickets?requesterId=${requester.id}`}>
          All {context.otherTickets.totalCount} tickets
        </Link>
      ) : null}

      <h3>Recent emails to them</h3>
      {context.emails.edges.length ? (
        <ul className="small" data-testid="recent-emails">
          {context.emails.edges.map(({ node }) => (
            <li key={node.id}>
              <Link to={`/emails/${node.id}`}>{node.subject ?? '(not rendered yet)'}</Link> <StatusBadge status={node.status} />{' '}
              <span className="muted">{formatDateTime(node.createdAt)}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">None.</p>
      )}

      <h3>Failing webhooks of the tenant</h3>
      {context.webhookEvents.edges.length ? (
        <ul className="small" data-testid="webhook-failures">
          {context.webhookEvents.edges.map(({ node }) => (
            <li key={node.id}>
              <Link to={`/webhooks/${node.id}`}>{node.type}</Link> <StatusBadge status={node.status} /> <span className="muted">{formatDateTime(node.receivedAt)}</span>
              {node.lastError ? <div className="job-error">{node.lastError}</div> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">None.</p>
      )}
      {context.webhookEvents.totalCount > 5 ? (
        <Link className="small" to={`/webhooks?tenantId=${tenant.id}&status=FAILED,DEAD`}>
          All {context.webhookEvents.totalCount} failures
        </Link>
      ) : null}

      <h3>Recent audit entries</h3>
      {context.auditEvents.edges.length ? (
        <ul className="small" data-testid="recent-audit">
          {context.auditEvents.edges.map(({ node }) => (
            <li key={node.id}>
              <Link to={`/audit/${node.id}`}><code>{node.action}</code></Link> <span className="muted">{node.actorEmail ?? ''} {formatDateTime(node.occurredAt)}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">None.</p>
      )}
      <Link className="small" to={`/audit?tenantId=${tenant.id}`}>
        Audit log of {tenant.name}
      </Link>
    </section>
  );
}
