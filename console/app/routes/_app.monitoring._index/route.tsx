import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { useSubscription } from 'urql';
import { AlertActions } from '../../components/alert-actions.tsx';
import { AlertStateBadge, HealthBadge, SeverityBadge } from '../../components/alert-badges.tsx';
import { MetricChart } from '../../components/alert-metric-chart.tsx';
import { DataTable } from '../../components/list.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { graphql } from '../../gql/index.ts';
import { MetricAggregationValues } from '../../gql/lists.ts';
import { gql } from '../../graphql.server.ts';
import { formatLabels, parseLabels, RANGES, readRange } from '../../lib/alerts.ts';
import { alertActions, loadMetricSeries } from '../../lib/alerts.server.ts';
import { formatCount, formatDateTime, formatRelative } from '../../lib/format.ts';
import { countEvents } from '../../lib/live.ts';
import { useRevalidateOnEvents } from '../../lib/revalidate.ts';
import { useCan } from '../_app.tsx';

export const meta: MetaFunction = () => [{ title: 'Monitoring · Opsgraph' }];

export const action = alertActions;

const MonitoringQuery = graphql(`
  query MonitoringOverviewPage {
    monitoringOverview {
      health
      firing
      pending
      bySeverity {
        severity
        count
      }
    }
    alerts(first: 50, filter: { open: true }, sort: STARTED_AT_DESC) {
      totalCount
      edges {
        node {
          id
          state
          severity
          labels
          value
          startedAt
          firedAt
          acknowledgedAt
          acknowledgeNote
          acknowledgedBy {
            name
          }
          rule {
            id
            name
            silenced
            silencedUntil
          }
        }
      }
    }
    metricNames(first: 200) {
      name
      seriesCount
      lastAt
      labelKeys
    }
  }
`);

const MonitoringAlertEvents = graphql(`
  subscription MonitoringAlertEvents {
    alertEvents {
      alertId
      kind
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const params = new URL(args.request.url).searchParams;
  const now = Date.now();
  const overview = await gql(args, MonitoringQuery);
  const range = readRange(params, now);
  const metric = params.get('metric') || overview.metricNames[0]?.name || null;
  const aggregation = MetricAggregationValues.find((a) => a === params.get('aggregation')) ?? 'AVG';
  const labels = parseLabels(params.get('labels') ?? '') ?? {};
  const groupBy = (params.get('groupBy') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const series = metric ? await loadMetricSeries(args, { name: metric, from: range.from, to: range.to, aggregation, labels, groupBy }) : [];
  return { ...overview, chart: { metric, range, aggregation, labels, groupBy, series }, serverNow: now };
}

export default function Monitoring() {
  const { monitoringOverview: overview, alerts, metricNames, chart, serverNow } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const canWrite = useCan('MONITORING_WRITE');
  const [events] = useSubscription({ query: MonitoringAlertEvents }, countEvents);
  useRevalidateOnEvents(events.data);
  const chosen = metricNames.find((m) => m.name === chart.metric);

  return (
    <>
      <PageHeader title="Monitoring" sub={<HealthBadge health={overview.health} />}>
        <div className="actions">
          <Link to="/monitoring/rules" className="button">
            Alert rules
          </Link>
          <Link to="/monitoring/channels" className="button">
            Channels
          </Link>
        </div>
      </PageHeader>
      <div className="monitoring-grid">
        <div className="card" data-testid="firing-count">
          <div className="muted small">Firing</div>
          <strong>{formatCount(overview.firing)}</strong>
        </div>
        <div className="card" data-testid="pending-count">
          <div className="muted small">Pending</div>
          <strong>{formatCount(overview.pending)}</strong>
        </div>
        {overview.bySeverity.map((s) => (
          <div key={s.severity} className="card">
            <div className="muted small">
              <SeverityBadge severity={s.severity} />
            </div>
            <strong>{formatCount(s.count)}</strong>
          </div>
        ))}
      </div>

      <h2>Active alerts</h2>
      <DataTable
        colSpan={6}
        empty="No alert is open."
        head={
          <tr>
            <th>Rule</th>
            <th>Severity</th>
            <th>State</th>
            <th>Labels</th>
            <th>Since</th>
            <th />
          </tr>
        }
      >
        {alerts.edges.map(({ node }) => (
          <tr key={node.id} data-testid="active-alert" data-alert={node.id} data-rule={node.rule.name}>
            <td>
              <Link to={`/monitoring/alerts/${node.id}`}>{node.rule.name}</Link>
              {node.rule.silenced ? <div className="muted small">silenced until {formatDateTime(node.rule.silencedUntil)}</div> : null}
            </td>
            <td>
              <SeverityBadge severity={node.severity} />
            </td>
            <td>
              <AlertStateBadge state={node.state} acknowledged={Boolean(node.acknowledgedAt)} />
              {node.acknowledgedAt ? (
                <div className="muted small" data-testid="acknowledged-by">
                  by {node.acknowledgedBy?.name ?? 'someone'}
                  {node.acknowledgeNote ? `: ${node.acknowledgeNote}` : ''}
                </div>
              ) : null}
            </td>
            <td>
              <code className="small">{formatLabels(node.labels) || '—'}</code>
              {node.value !== null && node.value !== undefined ? <div className="muted small">value {node.value}</div> : null}
            </td>
            <td className="nowrap" title={node.firedAt ?? node.startedAt}>
              {formatRelative(node.firedAt ?? node.startedAt, serverNow)}
            </td>
            <td>{canWrite ? <AlertActions alert={node} /> : null}</td>
          </tr>
        ))}
      </DataTable>

      <h2>Metrics</h2>
      <Form method="get" className="filters" key={params.toString()}>
        <label>
          Metric
          <select name="metric" defaultValue={chart.metric ?? ''}>
            {metricNames.map((m) => (
              <option key={m.name} value={m.name}>
                {m.name} ({m.seriesCount})
              </option>
            ))}
          </select>
        </label>
        <label>
          Range
          <select name="range" defaultValue={chart.range.key}>
            {Object.keys(RANGES).map((r) => (
              <option key={r} value={r}>
                Last {r}
              </option>
            ))}
            <option value="custom">Custom</option>
          </select>
        </label>
        <label>
          From (UTC)
          <input type="datetime-local" name="from" defaultValue={chart.range.key === 'custom' ? chart.range.from.slice(0, 16) : ''} />
        </label>
        <label>
          To (UTC)
          <input type="datetime-local" name="to" defaultValue={chart.range.key === 'custom' ? chart.range.to.slice(0, 16) : ''} />
        </label>
        <label>
          Aggregation
          <select name="aggregation" defaultValue={chart.aggregation}>
            {MetricAggregationValues.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label>
          Labels
          <input name="labels" defaultValue={formatLabels(chart.labels)} placeholder="key=value, …" list="label-keys" />
        </label>
        <label>
          Group by
          <input name="groupBy" defaultValue={chart.groupBy.join(', ')} placeholder={chosen?.labelKeys.join(', ') || 'label keys'} size={14} />
        </label>
        <datalist id="label-keys">
          {chosen?.labelKeys.map((k) => <option key={k} value={`${k}=`} />)}
        </datalist>
        <button type="submit">Show</button>
      </Form>
      {chart.metric ? (
        <MetricChart title={`${chart.metric} · ${chart.aggregation} · ${formatDateTime(chart.range.from)} – ${formatDateTime(chart.range.to)}`} series={chart.series} />
      ) : (
        <p className="muted">No metric recorded yet.</p>
      )}
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
