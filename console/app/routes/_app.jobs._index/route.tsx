import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useLocation, useSearchParams } from '@remix-run/react';
import { useMemo, useState } from 'react';
import { useSubscription } from 'urql';
import { BarChart, CHART_COLORS } from '../../components/charts.tsx';
import { DataTable, FilterForm, ListHeader, NEWEST_FIRST, Pagination, StatusBadge } from '../../components/list.tsx';
import { graphql } from '../../gql/index.ts';
import { JobOutcomeValues, JobRunFilterFields } from '../../gql/lists.ts';
import { gql } from '../../graphql.server.ts';
import { formatCount, formatDateTime, formatDuration } from '../../lib/format.ts';
import { exportHref, pageVariables, readFilter, withParams } from '../../lib/list.ts';
import { useRevalidateOnEvents } from '../../lib/revalidate.ts';
import { JobStats } from './job-stats.tsx';
import { hourlySeries, JOB_WINDOW_KEYS, JOB_WINDOWS, jobWindow, seriesSummary, windowRange } from './job-window.ts';

export const meta: MetaFunction = () => [{ title: 'Jobs · Opsgraph' }];


const JobsQuery = graphql(`
  query JobsOverview($from: DateTime!, $to: DateTime!, $task: String, $first: Int, $after: String, $last: Int, $before: String, $filter: JobRunFilter) {
    jobStats(from: $from, to: $to) {
      task
      runs
      successes
      failures
      successRate
      p50DurationMs
      p95DurationMs
      lastFailureAt
      lastFailureMessage
    }
    jobRunsPerHour(from: $from, to: $to, task: $task) {
      ...HourlyRuns
    }
    jobRuns(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      totalCount
      pageInfo {
        ...PageLinks
      }
      edges {
        node {
          id
          task
          jobId
          attempt
          outcome
          queuedAt
          startedAt
          durationMs
          errorMessage
          workerId
        }
      }
    }
  }
`);

const JobRunsRecorded = graphql(`
  subscription JobsRunsRecorded($task: String) {
    jobRunsRecorded(task: $task) {
      task
      outcome
      count
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const params = new URL(args.request.url).searchParams;
  const selectedWindow = jobWindow(params);
  const { from, to } = windowRange(selectedWindow);
  const { task, outcome } = readFilter(params, JobRunFilterFields);
  // Runs are listed from the window's start with no end, so runs recorded after this load still show.
  const filter = { task, outcome, from };
  const data = await gql(args, JobsQuery, { ...pageVariables(params), from, to, task, filter });
  return { ...data, selectedWindow, task, outcome, exportHref: exportHref('job-runs', filter) };
}

export default function Jobs() {
  const { jobStats, jobRunsPerHour, jobRuns, selectedWindow, task, outcome, exportHref } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { search } = useLocation();
  const onFirstPage = !params.get('after') && !params.get('before');

  // Runs recorded since this page mounted that match its filters. On the first page new runs simply
  // appear; further back, the page stays put and says how many came in.
  const [recorded] = useSubscription(
    { query: JobRunsRecorded, variables: { task: task ?? null } },
    (runs: number | undefined, { jobRunsRecorded }) =>
      (runs ?? 0) + (!outcome || jobRunsRecorded.outcome === outcome ? jobRunsRecorded.count : 0),
  );
  const runsSinceMount = recorded.data ?? 0;
  useRevalidateOnEvents(runsSinceMount, { ms: 2_000, enabled: onFirstPage });
  // Counted per URL, so the count is gone as soon as another page or filter is shown.
  const [shown, setShown] = useState({ search, runs: runsSinceMount });
  if (shown.search !== search) setShown({ search, runs: runsSinceMount });
  const newRuns = shown.search === search ? runsSinceMount - shown.runs : 0;

  const hourly = useMemo(() => hourlySeries(jobRunsPerHour), [jobRunsPerHour]);
  const bars = useMemo(
    () => [
      { label: 'Succeeded', data: hourly.successes, color: CHART_COLORS.ok },
      { label: 'Failed', data: hourly.failures, color: CHART_COLORS.danger },
    ],
    [hourly],
  );
  const tasks = [...new Set([...jobStats.map((s) => s.task), ...(task ? [task] : [])])].sort();

  return (
    <>
      <ListHeader title="Jobs" totalCount={jobRuns.totalCount} exportHref={exportHref} />
      <nav className="job-windows" aria-label="Window">
        {JOB_WINDOW_KEYS.map((key) => (
          <Link key={key} to={withParams(search, { window: key })} aria-current={key === selectedWindow ? 'page' : undefined} preventScrollReset>
            {JOB_WINDOWS[key].label}
          </Link>
        ))}
      </nav>

      <div className="charts">
        <BarChart
          title={`Runs per hour (UTC)${task ? ` · ${task}` : ''}`}
          summary={seriesSummary(hourly)}
          labels={hourly.labels}
          tooltipTitles={hourly.titles}
          series={bars}
          stacked
          testId="runs-chart"
        />
      </div>

      <h2>Tasks</h2>
      <JobStats stats={jobStats} />

      <h2>Recent runs</h2>
      <FilterForm clearTo={`?window=${selectedWindow}`}>
        <input type="hidden" name="window" value={selectedWindow} />
        <label>
          Task
          <select name="task" defaultValue={task ?? ''}>
            <option value="">Any</option>
            {tasks.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Outcome
          <select name="outcome" defaultValue={outcome ?? ''}>
            <option value="">Any</option>
            <option value="SUCCESS">Success</option>
            <option value="FAILURE">Failure</option>
          </select>
        </label>
      </FilterForm>
      {newRuns > 0 ? (
        <p className="notice" role="status" data-testid="new-runs">
          {formatCount(newRuns)} new {newRuns === 1 ? 'run' : 'runs'} since this page loaded.{' '}
          <Link to={withParams(search, {})}>Show newest</Link>
        </p>
      ) : null}
      <DataTable
        colSpan={6}
        empty="No runs match these filters in this window."
        head={
          <tr>
            <th>Started (UTC)</th>
            <th>Task</th>
            <th>Outcome</th>
            <th className="num">Duration</th>
            <th className="num">Attempt</th>
            <th>Error</th>
          </tr>
        }
      >
        {jobRuns.edges.map(({ node }) => (
          <tr key={node.id} data-testid="job-run-row" data-outcome={node.outcome}>
            <td className="nowrap">
              {formatDateTime(node.startedAt, { seconds: true })}
              <div className="muted small" title="Time in the queue before it started">
                waited {formatDuration(Math.max(0, Date.parse(node.startedAt) - Date.parse(node.queuedAt)))}
              </div>
            </td>
            <td>
              <code>{node.task}</code>
              <div className="muted small" title="Job id">
                {node.jobId}
                {node.workerId ? ` · ${node.workerId}` : ''}
              </div>
            </td>
            <td>
              <StatusBadge status={node.outcome} />
            </td>
            <td className="num">{formatDuration(node.durationMs)}</td>
            <td className="num">{node.attempt}</td>
            <td>{node.errorMessage ? <span className="job-error">{node.errorMessage}</span> : <span className="muted">—</span>}</td>
          </tr>
        ))}
      </DataTable>
      <Pagination pageInfo={jobRuns.pageInfo} labels={NEWEST_FIRST} />
    </>
  );
}

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
