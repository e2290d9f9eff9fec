import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useMemo } from 'react';
import { BarChart, CHART_COLORS } from '../../components/charts.tsx';
import { DataTable } from '../../components/list.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { PriorityBadge } from '../../components/ticket-badges.tsx';
import { graphql } from '../../gql/index.ts';
import { gql } from '../../graphql.server.ts';
import { formatCount } from '../../lib/format.ts';
import { agentSeries, flowSummary, formatPercentMet, formatSeconds, periodSeries, rangeBounds, STATS_RANGE_KEYS, STATS_RANGES, statsRange } from './stats-view.ts';

export const meta: MetaFunction = () => [{ title: 'Ticket stats · Opsgraph' }];

const StatsQuery = graphql(`
  query TicketStatsScreen($from: DateTime!, $to: DateTime!, $bucket: TicketStatsBucket) {
    ticketStats(from: $from, to: $to, bucket: $bucket) {
      breachedNow
      medianFirstResponseSeconds
      openByPriority {
        priority
        count
      }
      sla {
        firstResponseMet
        firstResponseBreached
        firstResponsePercentMet
        resolutionMet
        resolutionBreached
        resolutionPercentMet
      }
      periods {
        start
        created
        resolved
        medianFirstResponseSeconds
      }
      agents {
        agentId
        agentName
        sla {
          firstResponseMet
          firstResponseBreached
          firstResponsePercentMet
          resolutionMet
          resolutionBreached
          resolutionPercentMet
        }
      }
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const range = statsRange(new URL(args.request.url).searchParams);
  const { from, to } = rangeBounds(range, Date.now());
  const { ticketStats } = await gql(args, StatsQuery, { from, to, bucket: STATS_RANGES[range].bucket });
  return { stats: ticketStats, range };
}

function Card({ label, value, sub, testId }: { label: string; value: React.ReactNode; sub?: string; testId: string }) {
  return (
    <div className="stat" role="group" aria-label={label} data-testid={testId}>
      <div className="label">{label}</div>
      <div className="value" data-testid="value">
        {value}
      </div>
      {sub ? <div className="sub">{sub}</div> : null}
    </div>
  );
}

export default function TicketStats() {
  const { stats, range } = useLoaderData<typeof loader>();
  const open = stats.openByPriority.reduce((n, p) => n + p.count, 0);
  const periods = useMemo(() => periodSeries(stats.periods), [stats.periods]);
  const agents = useMemo(() => agentSeries(stats.agents), [stats.agents]);
  const per = STATS_RANGES[range].bucket === 'WEEK' ? 'week' : 'day';

  return (
    <>
      <PageHeader parent={{ to: '/tickets', label: 'Tickets' }} title="Ticket stats" sub={<span className="muted">{STATS_RANGES[range].label}, by UTC {per}</span>}>
        <nav className="job-windows" aria-label="Range">
          {STATS_RANGE_KEYS.map((key) => (
            <Link key={key} to={`?range=${key}`} aria-current={key === range ? 'page' : undefined}>
              {STATS_RANGES[key].label}
            </Link>
          ))}
        </nav>
      </PageHeader>
      <div className="stats">
        <Card label="Open now" value={<Link to="/tickets?status=NEW,OPEN,PENDING,ON_HOLD">{formatCount(open)}</Link>} testId="stat-open" />
        <Card label="Breached now" value={<Link to="/tickets?slaState=BREACHED&status=NEW,OPEN,PENDING,ON_HOLD">{formatCount(stats.breachedNow)}</Link>} sub="open tickets past an SLA target" testId="stat-breached" />
        <Card label="Median first response" value={formatSeconds(stats.medianFirstResponseSeconds)} testId="stat-first-response" />
        <Card
          label="First responses on time"
          value={formatPercentMet(stats.sla.firstResponsePercentMet)}
          sub={`${formatCount(stats.sla.firstResponseMet)} met, ${formatCount(stats.sla.firstResponseBreached)} breached`}
          testId="stat-first-response-met"
        />
        <Card
          label="Resolutions on time"
          value={formatPercentMet(stats.sla.resolutionPercentMet)}
          sub={`${formatCount(stats.sla.resolutionMet)} met, ${formatCount(stats.sla.resolutionBreached)} breached`}
          testId="stat-resolution-met"
        />
      </div>
      <ul className="ticket-totals" aria-label="Open tickets per priority">
        {stats.openByPriority.map((p) => (
          <li key={p.priority}>
            <Link to={`/tickets?priority=${p.priority}&status=NEW,OPEN,PENDING,ON_HOLD`}>
              <PriorityBadge priority={p.priority} /> <strong>{formatCount(p.count)}</strong>
            </Link>
          </li>
        ))}
      </ul>
      <div className="charts">
        <BarChart
          title={`Created vs resolved per ${per}`}
          summary={flowSummary(periods)}
          labels={periods.labels}
          tooltipTitles={periods.titles}
          series={[
            { label: 'Created', data: periods.created, color: CHART_COLORS.accent },
            { label: 'Resolved', data: periods.resolved, color: CHART_COLORS.ok },
          ]}
          testId="chart-flow"
        />
        <BarChart
          title={`Median first response per ${per} (minutes)`}
          summary={`Median first response over the range: ${formatSeconds(stats.medianFirstResponseSeconds)}`}
          labels={periods.labels}
          tooltipTitles={periods.titles}
          series={[{ label: 'Minutes', data: periods.firstResponseMinutes, color: CHART_COLORS.accent }]}
          testId="chart-first-response"
        />
        <BarChart
          title="SLA met per agent (%)"
          summary={agents.labels.length ? `${agents.labels.length} agents with SLA outcomes in the range` : 'No SLA outcomes in the range'}
          labels={agents.labels}
          series={[
            { label: 'First response', data: agents.firstResponse, color: CHART_COLORS.accent },
            { label: 'Resolution', data: agents.resolution, color: CHART_COLORS.ok },
          ]}
          testId="chart-agents"
        />
      </div>
      <h2>Agents</h2>
      <DataTable
        colSpan={5}
        empty="No SLA outcomes in the range."
        head={
          <tr>
            <th>Agent</th>
            <th className="num">First responses met</th>
            <th className="num">First responses on time</th>
            <th className="num">Resolutions met</th>
            <th className="num">Resolutions on time</th>
          </tr>
        }
      >
        {stats.agents.map((a) => (
          <tr key={a.agentId ?? 'unassigned'} data-testid="agent-stats-row">
            <td>{a.agentId ? (a.agentName ?? 'agent') : <span className="muted">Unassigned</span>}</td>
            <td className="num">
              {formatCount(a.sla.firstResponseMet)} / {formatCount(a.sla.firstResponseMet + a.sla.firstResponseBreached)}
            </td>
            <td className="num">{formatPercentMet(a.sla.firstResponsePercentMet)}</td>
            <td className="num">
              {formatCount(a.sla.resolutionMet)} / {formatCount(a.sla.resolutionMet + a.sla.resolutionBreached)}
            </td>
            <td className="num">{formatPercentMet(a.sla.resolutionPercentMet)}</td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
