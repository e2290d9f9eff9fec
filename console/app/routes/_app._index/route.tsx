import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useRevalidator } from '@remix-run/react';
import { useCallback, useMemo } from 'react';
import { useSubscription } from 'urql';
import { BarChart, CHART_COLORS } from '../../components/charts.tsx';
import { StatusBadge } from '../../components/list.tsx';
import { OperationsCards } from '../../components/operations-cards.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { graphql } from '../../gql/index.ts';
import type { TenantStatus } from '../../gql/graphql.ts';
import { gql } from '../../graphql.server.ts';
import { formatCount, formatDateTime, formatMoney, formatPercent, formatTime } from '../../lib/format.ts';
import { countEvents } from '../../lib/live.ts';
import { useRevalidateOnEvents } from '../../lib/revalidate.ts';
import { RefreshControls, StatCard } from './dashboard-parts.tsx';
import {
  failureRate, jobRunsSeries, signupSeries, TRIAL_WINDOW_DAYS, trialsEndBefore, trialsListHref,
} from './dashboard.ts';

export const meta: MetaFunction = () => [{ title: 'Dashboard · Opsgraph' }];

const STATUSES: TenantStatus[] = ['TRIALING', 'ACTIVE', 'PAST_DUE', 'SUSPENDED', 'DELETED'];
/** Job events can arrive in bursts; the dashboard's aggregates need not follow each one. */
const LIVE_REVALIDATE_MS = 5_000;

const DashboardQuery = graphql(`
  query Dashboard($trialsEndBefore: DateTime!) {
    tenantCounts {
      TRIALING
      ACTIVE
      PAST_DUE
      SUSPENDED
      DELETED
      total
    }
    monthlyRecurringRevenue {
      amount
      currency
    }
    trialsEndingSoon: tenants(first: 0, filter: { status: [TRIALING], trialEndsBefore: $trialsEndBefore }) {
      totalCount
    }
    jobStats {
      task
      runs
      failures
    }
    tenantSignups(days: 30) {
      day
      count
    }
    jobRunsPerHour {
      ...HourlyRuns
    }
    operationsOverview(hours: 24) {
      ...OperationsCards
    }
  }
`);

const DashboardTenantChanged = graphql(`
  subscription DashboardTenantChanged {
    tenantChanged {
      tenantId
      kind
    }
  }
`);

const DashboardJobRunsRecorded = graphql(`
  subscription DashboardJobRunsRecorded {
    jobRunsRecorded {
      task
      count
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const now = Date.now();
  const endBefore = trialsEndBefore(now);
  const data = await gql(args, DashboardQuery, { trialsEndBefore: endBefore });
  return { ...data, trialsEndBefore: endBefore, loadedAt: new Date(now).toISOString() };
}

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  const { tenantCounts, monthlyRecurringRevenue, trialsEndingSoon } = data;
  const revalidator = useRevalidator();
  const refreshing = revalidator.state !== 'idle';
  const revalidate = useCallback(() => revalidator.revalidate(), [revalidator]);
  const [tenantChanges] = useSubscription({ query: DashboardTenantChanged }, countEvents);
  const [jobRuns] = useSubscription({ query: DashboardJobRunsRecorded }, countEvents);
  useRevalidateOnEvents((tenantChanges.data ?? 0) + (jobRuns.data ?? 0), { ms: LIVE_REVALIDATE_MS });

  const jobs = failureRate(data.jobStats);
  const signups = useMemo(() => signupSeries(data.tenantSignups), [data.tenantSignups]);
  const runs = useMemo(() => jobRunsSeries(data.jobRunsPerHour), [data.jobRunsPerHour]);
  const signupBars = useMemo(() => [{ label: 'New tenants', data: signups.counts, color: CHART_COLORS.accent }], [signups]);
  const runBars = useMemo(
    () => [
      { label: 'Succeeded', data: runs.successes, color: CHART_COLORS.ok },
      { label: 'Failed', data: runs.failures, color: CHART_COLORS.danger },
    ],
    [runs],
  );

  return (
    <>
      <PageHeader
        title="Dashboard"
        sub={
          <span className="muted" data-testid="last-updated">
            Last updated {formatTime(data.loadedAt)}
          </span>
        }
      >
        <RefreshControls refreshing={refreshing} onRefresh={revalidate} />
      </PageHeader>

      <div className={`dashboard${refreshing ? ' stale' : ''}`} aria-busy={refreshing}>
        <section className="stats dashboard-stats" aria-label="Key numbers">
          <StatCard label="Tenants by status" testId="stat-tenants" value={formatCount(tenantCounts.total)} sub="in total">
            <ul className="status-counts">
              {STATUSES.map((status) => (
                <li key={status}>
                  <Link to={`/tenants?status=${status}`}>
                    <StatusBadge status={status} />
                  </Link>
                  <span data-testid={`count-${status}`}>{formatCount(tenantCounts[status])}</span>
                </li>
              ))}
            </ul>
          </StatCard>

          <StatCard
            label="Monthly recurring revenue"
            testId="stat-mrr"
            value={
              monthlyRecurringRevenue.length ? (
                monthlyRecurringRevenue.map((m) => (
                  <div key={m.currency} data-testid={`mrr-${m.currency}`}>
                    {formatMoney(m.amount, m.currency)}
                  </div>
                ))
              ) : (
                '—'
              )
            }
            sub={`from ${formatCount(tenantCounts.ACTIVE)} active ${tenantCounts.ACTIVE === 1 ? 'tenant' : 'tenants'}`}
          />

          <StatCard
            label={`Trials ending within ${TRIAL_WINDOW_DAYS} days`}
            testId="stat-trials"
            value={
              <Link to={trialsListHref(data.trialsEndBefore)} data-testid="trials-link">
                {formatCount(trialsEndingSoon.totalCount)}
              </Link>
            }
            sub={`of ${formatCount(tenantCounts.TRIALING)} trialing, by ${formatDateTime(data.trialsEndBefore)}`}
          />

          <StatCard
            label="Job failure rate, last 24 h"
            testId="stat-failure-rate"
            value={formatPercent(jobs.rate)}
            sub={jobs.runs ? `${formatCount(jobs.failures)} of ${formatCount(jobs.runs)} runs failed` : 'No job runs'}
          />

          <OperationsCards overview={data.operationsOverview} hours={24} />
        </section>

        <section className="charts" aria-label="Charts">
          <BarChart
            title="New tenants per day, last 30 days"
            summary={signups.summary}
            labels={signups.labels}
            series={signupBars}
            tooltipTitles={signups.days}
            testId="chart-signups"
          />
          <BarChart
            title="Job runs per hour, last 24 hours (UTC)"
            summary={runs.summary}
            labels={runs.labels}
            series={runBars}
            stacked
            tooltipTitles={runs.titles}
            testId="chart-job-runs"
          />
        </section>
      </div>
    </>
  );
}

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
