import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { useSubscription } from 'urql';
import { AlertActions, EnableToggle, SilenceControl } from '../components/alert-actions.tsx';
import { AlertStateBadge, SeverityBadge } from '../components/alert-badges.tsx';
import { AlertHistory } from '../components/alert-history.tsx';
import { MetricChart } from '../components/alert-metric-chart.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { graphql } from '../gql/index.ts';
import { gql, notFound } from '../graphql.server.ts';
import { formatLabels, readRange } from '../lib/alerts.ts';
import { alertIntentAction, loadMetricSeries } from '../lib/alerts.server.ts';
import { formatDateTime, humanize } from '../lib/format.ts';
import { readRowIntent } from '../lib/intent.server.ts';
import { countEvents } from '../lib/live.ts';
import { outcome } from '../lib/mutation.ts';
import { useRevalidateOnEvents } from '../lib/revalidate.ts';
import { useCan } from './_app.tsx';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.rule.name ?? 'Alert rule'} · Opsgraph` }];

const RuleQuery = graphql(`
  query AlertRuleDetail($id: ID!) {
    alertRule(id: $id) {
      ...AlertRuleDefinition
      silenced
      silencedUntil
      lastEvaluatedAt
      createdAt
      tenant {
        id
        name
      }
      alerts(first: 20) {
        id
        state
        severity
        labels
        value
        startedAt
        resolvedAt
        acknowledgedAt
      }
      history(first: 50) {
        id
        alertId
        kind
        fromState
        toState
        value
        note
        at
      }
    }
  }
`);

const Delete = graphql(`
  mutation AlertRuleDelete($id: ID!) {
    deleteAlertRule(id: $id) {
      __typename
      ... on MutationDeleteAlertRuleSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const RuleAlertEvents = graphql(`
  subscription AlertRulePageEvents {
    alertEvents {
      alertId
      ruleId
      kind
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const id = args.params.id!;
  const { alertRule: rule } = await gql(args, RuleQuery, { id });
  if (!rule) throw notFound(args.context, `No alert rule with id ${id}.`);
  const range = readRange(new URL(args.request.url).searchParams, Date.now());
  const series =
    rule.signal === 'METRIC' && rule.metric
      ? await loadMetricSeries(args, { name: rule.metric, from: range.from, to: range.to, aggregation: rule.aggregation, labels: rule.labelFilter, groupBy: rule.groupBy })
      : [];
  return { rule, series, range };
}

export async function action(args: ActionFunctionArgs) {
  const read = await readRowIntent(args.request);
  if (read.kind === 'delete' && !read.refused) {
    const result = outcome((await gql(args, Delete, { id: read.id })).deleteAlertRule);
    if (!result.ok) return read.fail(result.fieldErrors, result.formError);
    return redirect('/monitoring/rules');
  }
  return (await alertIntentAction(args, read)) ?? read.fail({}, `Unknown action “${read.intent}”.`);
}

export default function AlertRuleDetail() {
  const { rule, series, range } = useLoaderData<typeof loader>();
  const canWrite = useCan('MONITORING_WRITE');
  const [events] = useSubscription({ query: RuleAlertEvents }, (n: number | undefined, e) => (e.alertEvents.ruleId === rule.id ? countEvents(n) : (n ?? 0)));
  useRevalidateOnEvents(events.data);
  const watches = rule.signal === 'METRIC' ? `${rule.aggregation}(${rule.metric}) over ${rule.windowSeconds} s` : `${humanize(rule.signal)} of ${rule.task}`;
  return (
    <>
      <PageHeader
        parent={{ to: '/monitoring/rules', label: 'Alert rules' }}
        title={rule.name}
        sub={
          <div className="toolbar" data-testid="rule-summary">
            <SeverityBadge severity={rule.severity} />
            <span className="badge" data-testid="rule-enabled">
              {rule.enabled ? 'Enabled' : 'Disabled'}
            </span>
            {rule.silenced ? <span className="badge" data-testid="rule-silenced">Silenced until {formatDateTime(rule.silencedUntil)}</span> : null}
            <span className="muted small">
              {watches} {rule.operator} {rule.threshold}
              {formatLabels(rule.labelFilter) ? ` where ${formatLabels(rule.labelFilter)}` : ''}
              {rule.groupBy.length ? ` · by ${rule.groupBy.join(', ')}` : ''} · pending {rule.pendingSeconds} s · keep firing {rule.keepFiringSeconds} s · no data: {humanize(rule.noData)}
            </span>
          </div>
        }
      >
        {canWrite ? (
          <div className="actions">
            <Link to={`/monitoring/rules/${rule.id}/edit`} className="button">
              Edit
            </Link>
            <EnableToggle rule={rule} />
            <SilenceControl rule={rule} />
            <Form method="post" onSubmit={(e) => (confirm(`Delete ${rule.name} and its alerts?`) ? undefined : e.preventDefault())}>
              <input type="hidden" name="intent" value={`delete-${rule.id}`} />
              <button type="submit" className="danger">
                Delete
              </button>
            </Form>
          </div>
        ) : null}
      </PageHeader>
      {rule.description ? <p>{rule.description}</p> : null}
      {rule.signal === 'METRIC' ? <MetricChart title={`${rule.metric} · ${formatDateTime(range.from)} – ${formatDateTime(range.to)}`} series={series} threshold={rule.threshold} /> : null}

      <h2>Alerts</h2>
      {rule.alerts.length ? (
        <ul className="timeline" data-testid="rule-alerts">
          {rule.alerts.map((a) => (
            <li key={a.id} data-testid="rule-alert">
              <AlertStateBadge state={a.state} acknowledged={Boolean(a.acknowledgedAt)} /> <Link to={`/monitoring/alerts/${a.id}`}>{formatLabels(a.labels) || 'alert'}</Link>{' '}
              <span className="muted small">
                since {formatDateTime(a.startedAt)}
                {a.resolvedAt ? `, resolved ${formatDateTime(a.resolvedAt)}` : ''}
              </span>{' '}
              {canWrite ? <AlertActions alert={a} /> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">This rule never fired.</p>
      )}

      <h2>History</h2>
      <AlertHistory entries={rule.history} linkAlerts />
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
