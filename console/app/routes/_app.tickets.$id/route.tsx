import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useSubscription } from 'urql';
import { PageHeader } from '../../components/page-header.tsx';
import { PriorityBadge, TicketStatusBadge } from '../../components/ticket-badges.tsx';
import { graphql } from '../../gql/index.ts';
import { gql, notFound } from '../../graphql.server.ts';
import { formatDateTime, humanize } from '../../lib/format.ts';
import { countEvents } from '../../lib/live.ts';
import { useRevalidateOnEvents } from '../../lib/revalidate.ts';
import { useCan } from '../_app.tsx';
import { ContextSidebar } from './context-sidebar.tsx';
import { TicketHistory } from './history.tsx';
import { QuickActions } from './quick-actions.tsx';
import { ReplyBox } from './reply-box.tsx';
import { SlaPanel } from './sla-panel.tsx';
import { Thread } from './thread.tsx';

export { action } from './actions.server.ts';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data ? `${data.ticket.reference} ${data.ticket.subject}` : 'Ticket'} · Opsgraph` }];

const TicketQuery = graphql(`
  query TicketDetail($id: ID!) {
    ticket(id: $id) {
      id
      reference
      subject
      descriptionHtml
      status
      priority
      source
      category
      tags
      createdAt
      updatedAt
      firstRespondedAt
      awaitingReplySince
      resolvedAt
      closedAt
      slaState
      slaDueAt
      firstResponseDueAt
      nextResponseDueAt
      resolutionDueAt
      assignee {
        id
        name
        email
      }
      tenant {
        id
        name
        status
        plan {
          id
          name
        }
      }
      requester {
        id
        name
        email
        externalId
        userBlocked
      }
      comments {
        id
        internal
        authorType
        bodyHtml
        createdAt
        authorAdmin {
          name
          email
        }
        authorUser {
          name
          email
        }
        attachments {
          id
          filename
          contentType
          size
        }
      }
      history {
        id
        kind
        actorType
        actorAdmin {
          name
        }
        actorUser {
          name
        }
        from
        to
        message
        internal
        createdAt
      }
    }
    agents {
      admin {
        id
        name
      }
      available
      openTickets
      capacity
    }
    ticketSettings {
      attachmentMaxBytes
    }
  }
`);

// What the sidebar shows about the requester and their tenant: a snapshot for debugging the request.
const TicketContextQuery = graphql(`
  query TicketContext($requesterId: ID!, $tenantId: ID!) {
    otherTickets: tickets(first: 6, filter: { requesterId: $requesterId }, sort: CREATED_AT_DESC) {
      totalCount
      edges {
        node {
          id
          reference
          subject
          status
          createdAt
        }
      }
    }
    emails(first: 5, filter: { userId: $requesterId }, sort: CREATED_AT_DESC) {
      totalCount
      edges {
        node {
          id
          subject
          status
          createdAt
        }
      }
    }
    webhookEvents(first: 5, filter: { tenantId: $tenantId, status: [FAILED, DEAD] }, sort: RECEIVED_AT_DESC) {
      totalCount
      edges {
        node {
          id
          type
          status
          lastError
          receivedAt
        }
      }
    }
    auditEvents(first: 5, filter: { tenantId: $tenantId }) {
      edges {
        node {
          id
          action
          actorEmail
          occurredAt
        }
      }
    }
  }
`);

const TicketChanged = graphql(`
  subscription TicketPageChanged($id: ID!) {
    ticketChanged(id: $id) {
      ticketId
      kind
    }
  }
`);

const TicketSlaChanged = graphql(`
  subscription TicketPageSlaChanged($id: ID!) {
    ticketSlaChanged(id: $id) {
      ticketId
      target
      state
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const id = args.params.id!;
  const result = await gql(args, TicketQuery, { id });
  const ticket = result.ticket;
  if (!ticket) throw notFound(args.context, `No ticket with id ${id}.`);
  const context = await gql(args, TicketContextQuery, { requesterId: ticket.requester.id, tenantId: ticket.tenant.id });
  return { ticket, agents: result.agents, attachmentMaxBytes: result.ticketSettings.attachmentMaxBytes, context, serverNow: Date.now() };
}

export default function TicketDetail() {
  const { ticket, agents, attachmentMaxBytes, context, serverNow } = useLoaderData<typeof loader>();
  const canWrite = useCan('TICKETS_WRITE');
  const [changes] = useSubscription({ query: TicketChanged, variables: { id: ticket.id } }, countEvents);
  const [slaChanges] = useSubscription({ query: TicketSlaChanged, variables: { id: ticket.id } }, countEvents);
  useRevalidateOnEvents((changes.data ?? 0) + (slaChanges.data ?? 0));
  const closed = ticket.status === 'CLOSED';

  return (
    <>
      <PageHeader
        parent={{ to: '/tickets', label: 'Tickets' }}
        title={
          <>
            <span className="muted">{ticket.reference}</span> {ticket.subject}
          </>
        }
        sub={
          <div className="toolbar" data-testid="ticket-summary">
            <TicketStatusBadge status={ticket.status} />
            <PriorityBadge priority={ticket.priority} />
            <span className="muted small">
              {humanize(ticket.source)} · opened {formatDateTime(ticket.createdAt)} · {ticket.assignee ? `assigned to ${ticket.assignee.name}` : 'unassigned'}
              {ticket.category ? ` · ${ticket.category}` : ''}
            </span>
            {ticket.tags.map((t) => (
              <Link key={t} to={`/tickets?tag=${encodeURIComponent(t)}`} className="badge">
                #{t}
              </Link>
            ))}
          </div>
        }
      />
      <div className="ticket-layout">
        <div className="ticket-main">
          {canWrite ? <QuickActions ticket={ticket} agents={agents} /> : null}
          <Thread ticket={ticket} />
          {canWrite && !closed ? <ReplyBox attachmentMaxBytes={attachmentMaxBytes} /> : null}
          {closed ? <p className="muted">The ticket is closed: it takes no more replies.</p> : null}
          <TicketHistory entries={ticket.history} agents={agents} />
        </div>
        <aside className="ticket-side">
          <SlaPanel ticket={ticket} serverNow={serverNow} />
          <ContextSidebar ticket={ticket} context={context} />
        </aside>
      </div>
    </>
  );
}

export type TicketData = ReturnType<typeof useLoaderData<typeof loader>>['ticket'];
export type AgentData = ReturnType<typeof useLoaderData<typeof loader>>['agents'][number];
export type ContextData = ReturnType<typeof useLoaderData<typeof loader>>['context'];

export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
