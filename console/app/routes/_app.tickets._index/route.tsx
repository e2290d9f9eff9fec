import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useLocation, useSearchParams } from '@remix-run/react';
import { useState } from 'react';
import { useSubscription } from 'urql';
import { DataTable, FilterForm, ListHeader, Pagination, SortHeader } from '../../components/list.tsx';
import { PriorityBadge, SlaCountdown, TicketStatusBadge } from '../../components/ticket-badges.tsx';
import { EnumSelect, TICKET_STATUSES } from '../../components/ticket-enum-select.tsx';
import { graphql } from '../../gql/index.ts';
import { SlaStateValues, TicketFilterFields, TicketPriorityValues, ticketsList } from '../../gql/lists.ts';
import { gql } from '../../graphql.server.ts';
import { formatCount, formatRelative } from '../../lib/format.ts';
import { countEvents } from '../../lib/live.ts';
import { exportHref, pageVariables, readFilter, readSort, withParams } from '../../lib/list.ts';
import { useRevalidateOnEvents } from '../../lib/revalidate.ts';
import { useCan } from '../_app.tsx';
import { BulkBar } from './bulk-bar.tsx';

export { action } from './actions.server.ts';

/** The statuses still being worked, as one filter value. */
const OPEN_STATUSES = 'NEW,OPEN,PENDING,ON_HOLD';

export const meta: MetaFunction = () => [{ title: 'Tickets · Opsgraph' }];

const TicketsQuery = graphql(`
  query TicketsQueue($first: Int, $after: String, $last: Int, $before: String, $filter: TicketFilter, $sort: TicketSort, $totalsFilter: TicketFilter) {
    tickets(first: $first, after: $after, last: $last, before: $before, filter: $filter, sort: $sort) {
      totalCount
      pageInfo {
        ...PageLinks
      }
      edges {
        node {
          id
          reference
          subject
          status
          priority
          category
          tags
          slaState
          slaDueAt
          updatedAt
          tenant {
            id
            name
            plan {
              name
            }
          }
          requester {
            id
            name
            email
          }
          assignee {
            id
            name
          }
        }
      }
    }
    ticketCounts(filter: $totalsFilter) {
      NEW
      OPEN
      PENDING
      ON_HOLD
      RESOLVED
      CLOSED
      total
    }
    agents {
      admin {
        id
        name
      }
      available
    }
  }
`);

// Any change to any ticket, and every SLA clock moving (at risk, breached): the queue reloads its rows.
const QueueChanged = graphql(`
  subscription TicketsQueueChanged {
    ticketChanged {
      ticketId
      kind
    }
  }
`);

const QueueSlaChanged = graphql(`
  subscription TicketsQueueSlaChanged {
    ticketSlaChanged {
      ticketId
      state
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const params = new URL(args.request.url).searchParams;
  const sort = readSort(params, ticketsList);
  const filter = readFilter(params, TicketFilterFields);
  // One assignee, or nobody's: the API takes one of the two, and the named agent is the narrower ask.
  if (filter.assigneeId) delete filter.unassigned;
  // The totals per status count what the other filters match, so each status link says what it would show.
  const { status: _status, ...totalsFilter } = filter;
  const result = await gql(args, TicketsQuery, { ...pageVariables(params), sort, filter, totalsFilter });
  return { ...result, sort, filter, serverNow: Date.now(), exportHref: exportHref('tickets', filter, sort) };
}

export default function TicketsQueue() {
  const { tickets, ticketCounts, agents, sort, filter, serverNow, exportHref } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { search } = useLocation();
  const canWrite = useCan('TICKETS_WRITE');
  const [changes] = useSubscription({ query: QueueChanged }, countEvents);
  const [slaChanges] = useSubscription({ query: QueueSlaChanged }, countEvents);
  useRevalidateOnEvents((changes.data ?? 0) + (slaChanges.data ?? 0));
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const rowIds = tickets.edges.map((e) => e.node.id);
  // Ticks of rows that left the page (another page, a live reload) no longer count.
  const ticked = rowIds.filter((id) => selected.has(id));
  const toggle = (id: string, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const currentStatus = filter.status ?? [];

  return (
    <>
      <ListHeader
        title="Tickets"
        totalCount={tickets.totalCount}
        exportHref={exportHref}
        actions={
          <>
            <Link to="/tickets/stats" className="button">
              Stats
            </Link>
            <Link to="/tickets/settings" className="button">
              Settings
            </Link>
          </>
        }
      />
      <ul className="ticket-totals" aria-label="Ticket totals" data-testid="status-totals">
        <li>
          <Link to={withParams(search, { status: null })} aria-current={currentStatus.length === 0 ? 'page' : undefined}>
            All <strong>{formatCount(ticketCounts.total)}</strong>
          </Link>
        </li>
        {TICKET_STATUSES.map((s) => (
          <li key={s} data-testid={`status-total-${s}`}>
            <Link to={withParams(search, { status: s })} aria-current={currentStatus.length === 1 && currentStatus[0] === s ? 'page' : undefined}>
              <TicketStatusBadge status={s} /> <strong>{formatCount(ticketCounts[s])}</strong>
            </Link>
          </li>
        ))}
      </ul>
      <FilterForm>
        <input type="hidden" name="sort" value={sort} />
        {filter.tenantId ? <input type="hidden" name="tenantId" value={filter.tenantId} /> : null}
        {filter.requesterId ? <input type="hidden" name="requesterId" value={filter.requesterId} /> : null}
        <label>
          Search
          <input type="search" name="text" defaultValue={params.get('text') ?? ''} placeholder='words, "a phrase", -not' />
        </label>
        <EnumSelect label="Status" name="status" values={TICKET_STATUSES} defaultValue={params.get('status')} blank="Any">
          <option value={OPEN_STATUSES}>Open (not resolved)</option>
        </EnumSelect>
        <EnumSelect label="Priority" name="priority" values={TicketPriorityValues} defaultValue={params.get('priority')} blank="Any" />
        <EnumSelect label="SLA" name="slaState" values={SlaStateValues} defaultValue={params.get('slaState')} blank="Any" />
        <label>
          Assignee
          <select name="assigneeId" defaultValue={params.get('assigneeId') ?? ''}>
            <option value="">Anyone</option>
            {agents.map((a) => (
              <option key={a.admin.id} value={a.admin.id}>
                {a.admin.name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" name="unassigned" value="true" defaultChecked={filter.unassigned === true} />
          Unassigned
        </label>
        <label>
          Tag
          <input type="text" name="tag" defaultValue={params.get('tag') ?? ''} size={10} />
        </label>
        <label>
          Category
          <input type="text" name="category" defaultValue={params.get('category') ?? ''} size={10} />
        </label>
        {filter.tenantId || filter.requesterId ? (
          <span className="filter-chip" data-testid="scope-filter">
            {filter.tenantId ? 'One tenant' : 'One requester'}
            <Link to={withParams(search, { tenantId: null, requesterId: null })} aria-label="Remove the tenant or requester filter">
              ×
            </Link>
          </span>
        ) : null}
      </FilterForm>
      {canWrite ? <BulkBar ticked={ticked} matching={tickets.totalCount} agents={agents} onDone={() => setSelected(new Set())} /> : null}
      <DataTable
        colSpan={canWrite ? 9 : 8}
        empty="No tickets match these filters."
        head={
          <tr>
            {canWrite ? (
              <th>
                <input
                  type="checkbox"
                  aria-label="Select every ticket on this page"
                  checked={rowIds.length > 0 && ticked.length === rowIds.length}
                  onChange={(e) => setSelected(e.target.checked ? new Set(rowIds) : new Set())}
                />
              </th>
            ) : null}
            <th>Ticket</th>
            <th>Tenant</th>
            <th>Requester</th>
            <th>Status</th>
            <SortHeader label="Priority" desc="PRIORITY_DESC" current={sort} first="desc" />
            <th>Assignee</th>
            <SortHeader label="SLA" asc="SLA_DUE_ASC" current={sort} />
            <SortHeader label="Updated" desc="UPDATED_AT_DESC" current={sort} first="desc" />
          </tr>
        }
      >
        {tickets.edges.map(({ node }) => (
          <tr key={node.id} data-testid="ticket-row" data-ticket={node.reference}>
            {canWrite ? (
              <td>
                <input type="checkbox" form="bulk" name="ids" value={node.id} aria-label={`Select ${node.reference}`} checked={selected.has(node.id)} onChange={(e) => toggle(node.id, e.target.checked)} />
              </td>
            ) : null}
            <td>
              <Link to={`/tickets/${node.id}`}>
                <span className="muted">{node.reference}</span> {node.subject}
              </Link>
              {node.tags.length || node.category ? (
                <div className="muted small">{[node.category, node.tags.map((t) => `#${t}`).join(' ')].filter(Boolean).join(' · ')}</div>
              ) : null}
            </td>
            <td>
              <Link to={`/tenants/${node.tenant.id}`}>{node.tenant.name}</Link>
              <div className="muted small">{node.tenant.plan?.name}</div>
            </td>
            <td>
              <Link to={`/users/${node.requester.id}`}>{node.requester.name ?? node.requester.email ?? 'requester'}</Link>
            </td>
            <td>
              <TicketStatusBadge status={node.status} />
            </td>
            <td>
              <PriorityBadge priority={node.priority} />
            </td>
            <td>{node.assignee?.name ?? <span className="muted">unassigned</span>}</td>
            <td className="nowrap">
              <SlaCountdown state={node.slaState} dueAt={node.slaDueAt} serverNow={serverNow} />
            </td>
            <td className="nowrap" title={node.updatedAt}>
              {formatRelative(node.updatedAt, serverNow)}
            </td>
          </tr>
        ))}
      </DataTable>
      <Pagination pageInfo={tickets.pageInfo} />
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
