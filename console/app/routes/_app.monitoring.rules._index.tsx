import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { EnableToggle } from '../components/alert-actions.tsx';
import { SeverityBadge } from '../components/alert-badges.tsx';
import { DataTable, FilterForm, ListHeader, Pagination, SortHeader } from '../components/list.tsx';
import { EnumSelect } from '../components/ticket-enum-select.tsx';
import { graphql } from '../gql/index.ts';
import { AlertRuleFilterFields, AlertSeverityValues, AlertSignalValues, alertRulesList } from '../gql/lists.ts';
import { gql } from '../graphql.server.ts';
import { alertActions } from '../lib/alerts.server.ts';
import { formatDateTime, humanize } from '../lib/format.ts';
import { exportHref, pageVariables, readFilter, readSort } from '../lib/list.ts';
import { useCan } from './_app.tsx';

export const meta: MetaFunction = () => [{ title: 'Alert rules · Opsgraph' }];

export const action = alertActions;

const RulesQuery = graphql(`
  query AlertRulesList($first: Int, $after: String, $last: Int, $before: String, $filter: AlertRuleFilter, $sort: AlertRuleSort) {
    alertRules(first: $first, after: $after, last: $last, before: $before, filter: $filter, sort: $sort) {
      totalCount
      pageInfo {
        ...PageLinks
      }
      edges {
        node {
          id
          name
          signal
          metric
          task
          operator
          threshold
          aggregation
          windowSeconds
          severity
          enabled
          silenced
          silencedUntil
          createdAt
          tenant {
            id
            name
          }
        }
      }
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const params = new URL(args.request.url).searchParams;
  // The Jobs page links here with `?task=`: the rules whose task (or name) says it.
  const task = params.get('task')?.trim();
  if (task && !params.get('search')) params.set('search', task);
  const sort = readSort(params, alertRulesList);
  const filter = readFilter(params, AlertRuleFilterFields);
  const { alertRules } = await gql(args, RulesQuery, { ...pageVariables(params), filter, sort });
  return { alertRules, sort, filter, task: task ?? null, exportHref: exportHref('alert-rules', filter, sort) };
}

export default function AlertRules() {
  const { alertRules, sort, filter, task, exportHref } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const canWrite = useCan('MONITORING_WRITE');
  const newHref = task ? `/monitoring/rules/new?signal=JOB_FAILURES_IN_A_ROW&task=${encodeURIComponent(task)}` : '/monitoring/rules/new';
  return (
    <>
      <div className="muted small">
        <Link to="/monitoring">Monitoring</Link> /
      </div>
      <ListHeader
        title="Alert rules"
        totalCount={alertRules.totalCount}
        exportHref={exportHref}
        actions={
          canWrite ? (
            <Link to={newHref} className="button primary">
              {task ? `New rule for ${task}` : 'New rule'}
            </Link>
          ) : null
        }
      />
      <FilterForm clearTo="/monitoring/rules">
        <input type="hidden" name="sort" value={sort} />
        <label>
          Search
          <input type="search" name="search" defaultValue={filter.search ?? ''} placeholder="name, metric or task" />
        </label>
        <EnumSelect label="Severity" name="severity" values={AlertSeverityValues} defaultValue={params.get('severity')} blank="Any" />
        <EnumSelect label="Signal" name="signal" values={AlertSignalValues} defaultValue={params.get('signal')} blank="Any" />
        <label>
          Enabled
          <select name="enabled" defaultValue={params.get('enabled') ?? ''}>
            <option value="">Any</option>
            <option value="true">Enabled</option>
            <option value="false">Disabled</option>
          </select>
        </label>
      </FilterForm>
      <DataTable
        colSpan={6}
        empty="No rule matches these filters."
        head={
          <tr>
            <SortHeader label="Rule" asc="NAME_ASC" current={sort} />
            <th>Watches</th>
            <th>Condition</th>
            <th>Severity</th>
            <th>Status</th>
            <SortHeader label="Created" desc="CREATED_AT_DESC" current={sort} first="desc" />
          </tr>
        }
      >
        {alertRules.edges.map(({ node }) => (
          <tr key={node.id} data-testid="rule-row" data-rule={node.name}>
            <td>
              <Link to={`/monitoring/rules/${node.id}`}>{node.name}</Link>
              {node.tenant ? <div className="muted small">{node.tenant.name}</div> : null}
            </td>
            <td>
              <code>{node.signal === 'METRIC' ? node.metric : node.task}</code>
              <div className="muted small">{humanize(node.signal)}</div>
            </td>
            <td className="nowrap">
              {node.signal === 'METRIC' ? `${node.aggregation} over ${node.windowSeconds} s ` : ''}
              {node.operator} {node.threshold}
            </td>
            <td>
              <SeverityBadge severity={node.severity} />
            </td>
            <td>
              <div className="toolbar">
                <span className="badge" data-testid="rule-enabled">
                  {node.enabled ? 'Enabled' : 'Disabled'}
                </span>
                {node.silenced ? <span className="muted small">silenced until {formatDateTime(node.silencedUntil)}</span> : null}
                {canWrite ? <EnableToggle rule={node} /> : null}
              </div>
            </td>
            <td className="nowrap">{formatDateTime(node.createdAt)}</td>
          </tr>
        ))}
      </DataTable>
      <Pagination pageInfo={alertRules.pageInfo} />
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
