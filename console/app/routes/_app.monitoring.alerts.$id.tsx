import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useSubscription } from 'urql';
import { AlertActions } from '../components/alert-actions.tsx';
import { AlertStateBadge, DeliveryStatusBadge, SeverityBadge } from '../components/alert-badges.tsx';
import { AlertHistory } from '../components/alert-history.tsx';
import { DataTable } from '../components/list.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { graphql } from '../gql/index.ts';
import { gql, notFound } from '../graphql.server.ts';
import { formatLabels } from '../lib/alerts.ts';
import { alertActions } from '../lib/alerts.server.ts';
import { formatDateTime, humanize } from '../lib/format.ts';
import { countEvents } from '../lib/live.ts';
import { useRevalidateOnEvents } from '../lib/revalidate.ts';
import { useCan } from './_app.tsx';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.alert.rule.name ?? 'Alert'} · Opsgraph` }];

export const action = alertActions;

const AlertQuery = graphql(`
  query AlertDetail($id: ID!) {
    alert(id: $id) {
      id
      state
      severity
      labels
      value
      startedAt
      firedAt
      resolvedAt
      acknowledgedAt
      acknowledgeNote
      acknowledgedBy {
        id
        name
      }
      lastNotifiedAt
      tenant {
        id
        name
      }
      rule {
        id
        name
        operator
        threshold
      }
      ticket {
        id
        reference
        subject
        status
      }
      history {
        id
        kind
        fromState
        toState
        value
        note
        at
      }
      deliveries {
        id
        reason
        status
        attempts
        lastError
        responseStatus
        createdAt
        sentAt
        channel {
          id
          name
          kind
        }
      }
    }
  }
`);

const AlertPageEvents = graphql(`
  subscription AlertPageEvents {
    alertEvents {
      alertId
      kind
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const id = args.params.id!;
  const { alert } = await gql(args, AlertQuery, { id });
  if (!alert) throw notFound(args.context, `No alert with id ${id}.`);
  return { alert };
}

export default function AlertDetail() {
  const { alert } = useLoaderData<typeof loader>();
  const canWrite = useCan('MONITORING_WRITE');
  const [events] = useSubscription({ query: AlertPageEvents }, (n: number | undefined, e) => (e.alertEvents.alertId === alert.id ? countEvents(n) : (n ?? 0)));
  useRevalidateOnEvents(events.data);
  return (
    <>
      <PageHeader
        parent={{ to: '/monitoring', label: 'Monitoring' }}
        title={
          <>
            <Link to={`/monitoring/rules/${alert.rule.id}`}>{alert.rule.name}</Link> <code className="small">{formatLabels(alert.labels)}</code>
          </>
        }
        sub={
          <div className="toolbar" data-testid="alert-summary">
            <SeverityBadge severity={alert.severity} />
            <AlertStateBadge state={alert.state} acknowledged={Boolean(alert.acknowledgedAt)} />
            <span className="muted small">
              {alert.rule.operator} {alert.rule.threshold} · last value {alert.value ?? 'no data'} · started {formatDateTime(alert.startedAt)}
              {alert.firedAt ? ` · fired ${formatDateTime(alert.firedAt)}` : ''}
              {alert.resolvedAt ? ` · resolved ${formatDateTime(alert.resolvedAt)}` : ''}
              {alert.tenant ? ` · ${alert.tenant.name}` : ''}
            </span>
          </div>
        }
      >
        {canWrite ? <AlertActions alert={alert} /> : null}
      </PageHeader>
      {alert.acknowledgedAt ? (
        <p data-testid="acknowledged-by">
          Acknowledged by {alert.acknowledgedBy?.name ?? 'someone'} {formatDateTime(alert.acknowledgedAt)}
          {alert.acknowledgeNote ? `: “${alert.acknowledgeNote}”` : ''}
        </p>
      ) : null}
      {alert.ticket ? (
        <p data-testid="alert-ticket">
          Ticket <Link to={`/tickets/${alert.ticket.id}`}>{alert.ticket.reference} {alert.ticket.subject}</Link> ({humanize(alert.ticket.status)})
        </p>
      ) : null}
      <h2>History</h2>
      <AlertHistory entries={alert.history} />
      <h2>Deliveries</h2>
      <DeliveriesTable deliveries={alert.deliveries} />
    </>
  );
}

type Delivery = { id: string; reason: string; status: string; attempts: number; lastError?: string | null; responseStatus?: number | null; createdAt: string; sentAt?: string | null; channel: { id: string; name: string; kind: string } };

export function DeliveriesTable({ deliveries }: { deliveries: Delivery[] }) {
  return (
    <DataTable
      colSpan={6}
      empty="No notification was sent."
      head={
        <tr>
          <th>When</th>
          <th>Channel</th>
          <th>Reason</th>
          <th>Status</th>
          <th className="num">Attempts</th>
          <th>Response</th>
        </tr>
      }
    >
      {deliveries.map((d) => (
        <tr key={d.id} data-testid="delivery-row">
          <td className="nowrap">{formatDateTime(d.createdAt, { seconds: true })}</td>
          <td>
            <Link to={`/monitoring/channels/${d.channel.id}`}>{d.channel.name}</Link> <span className="muted small">{humanize(d.channel.kind)}</span>
          </td>
          <td>{humanize(d.reason)}</td>
          <td>
            <DeliveryStatusBadge status={d.status} />
          </td>
          <td className="num">{d.attempts}</td>
          <td className="small">
            {d.responseStatus ?? ''} {d.lastError ? <span className="job-error">{d.lastError}</span> : null}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
