import type { ResultOf } from '@graphql-typed-document-node/core';
import { graphql } from '../../gql/index.ts';

// The jobs screen looks back over a window ending now, and charts it hour by hour (UTC).

export const JOB_WINDOWS = {
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
} as const;

export type JobWindow = keyof typeof JOB_WINDOWS;
export const JOB_WINDOW_KEYS = Object.keys(JOB_WINDOWS) as JobWindow[];
export const DEFAULT_JOB_WINDOW: JobWindow = '24h';

export function jobWindow(params: URLSearchParams): JobWindow {
  const value = params.get('window');
  return JOB_WINDOW_KEYS.includes(value as JobWindow) ? (value as JobWindow) : DEFAULT_JOB_WINDOW;
}

export function windowRange(window: JobWindow, now: number = Date.now()): { from: string; to: string } {
  return { from: new Date(now - JOB_WINDOWS[window].ms).toISOString(), to: new Date(now).toISOString() };
}

const HOUR = 3_600_000;

/** One hour of `jobRunsPerHour`, as the Jobs screen and the dashboard chart it. */
export const HourlyRunsFragment = graphql(`
  fragment HourlyRuns on JobRunsHour {
    hour
    successes
    failures
  }
`);

export type HourCount = ResultOf<typeof HourlyRunsFragment>;
/** Axis labels, tooltip titles (the full UTC hour) and counts, one entry per hour. */
export type HourlySeries = { labels: string[]; titles: string[]; successes: number[]; failures: number[] };

/**
 * `jobRunsPerHour` as bar chart series, one bar per hour. The API already answers every hour of the
 * window, quiet ones as zeros, so the time axis is even. Windows longer than a day label the date too.
 */
export function hourlySeries(rows: readonly HourCount[]): HourlySeries {
  const first = rows[0];
  const last = rows.at(-1);
  const multiDay = first && last ? Date.parse(last.hour) - Date.parse(first.hour) > 24 * HOUR : false;
  const series: HourlySeries = { labels: [], titles: [], successes: [], failures: [] };
  for (const row of rows) {
    const iso = new Date(row.hour).toISOString();
    series.labels.push(multiDay ? `${iso.slice(5, 10)} ${iso.slice(11, 13)}h` : iso.slice(11, 16));
    series.titles.push(`${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`);
    series.successes.push(row.successes);
    series.failures.push(row.failures);
  }
  return series;
}

/** "12 runs: 11 succeeded, 1 failed", the chart's accessible summary. */
export function seriesSummary(series: HourlySeries): string {
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const succeeded = sum(series.successes);
  const failed = sum(series.failures);
  const runs = succeeded + failed;
  return `${runs} ${runs === 1 ? 'run' : 'runs'}: ${succeeded} succeeded, ${failed} failed`;
}
