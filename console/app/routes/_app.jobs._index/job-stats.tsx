import { Link, useLocation } from '@remix-run/react';
import type { JobsOverviewQuery } from '../../gql/graphql.ts';
import { formatCount, formatDateTime, formatDuration, formatPercent, formatRelative } from '../../lib/format.ts';
import { withParams } from '../../lib/list.ts';

/** Per task over the window: runs, success rate, failures, p50/p95 durations and the last failure. */
export function JobStats({ stats }: { stats: JobsOverviewQuery['jobStats'] }) {
  const { search } = useLocation();
  return (
    <div className="table-wrap">
      <table data-testid="job-stats">
        <thead>
          <tr>
            <th>Task</th>
            <th className="num">Runs</th>
            <th className="num">Success rate</th>
            <th className="num">Failures</th>
            <th className="num">p50</th>
            <th className="num">p95</th>
            <th>Last failure</th>
            <th>Alerts</th>
          </tr>
        </thead>
        <tbody>
          {stats.length ? (
            stats.map((s) => (
              <tr key={s.task} data-testid="job-stat-row" data-task={s.task}>
                <td>
                  <Link to={withParams(search, { task: s.task })} title="Show only this task's runs">
                    <code>{s.task}</code>
                  </Link>
                </td>
                <td className="num">{formatCount(s.runs)}</td>
                <td className={`num${s.successRate < 1 ? ' job-rate-low' : ''}`}>{formatPercent(s.successRate)}</td>
                <td className="num">{formatCount(s.failures)}</td>
                <td className="num">{formatDuration(s.p50DurationMs)}</td>
                <td className="num">{formatDuration(s.p95DurationMs)}</td>
                <td>
                  {s.lastFailureAt ? (
                    <>
                      <span title={formatDateTime(s.lastFailureAt, { seconds: true })} suppressHydrationWarning>
                        {formatRelative(s.lastFailureAt)}
                      </span>
                      {s.lastFailureMessage ? <div className="job-error small">{s.lastFailureMessage}</div> : null}
                    </>
                  ) : (
                    <span className="muted">None</span>
                  )}
                </td>
                <td className="nowrap">
                  <Link to={`/monitoring/rules?task=${encodeURIComponent(s.task)}`} aria-label={`Alert rules for ${s.task}`}>
                    Rules
                  </Link>{' '}
                  ·{' '}
                  <Link to={`/monitoring/rules/new?signal=JOB_FAILURES_IN_A_ROW&task=${encodeURIComponent(s.task)}`} aria-label={`New alert rule for ${s.task}`}>
                    New rule
                  </Link>
                </td>
              </tr>
            ))
          ) : (
            <tr>
              <td colSpan={8} className="empty" data-testid="empty-stats">
                No job ran in this window.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
