import type { DashboardQuery } from '../../gql/graphql.ts';
import { hourlySeries, type HourCount, type HourlySeries } from '../_app.jobs._index/job-window.ts';
// Shapes the dashboard's API numbers for its stat cards and charts. Pure, so the arithmetic is tested
// without a browser; all times are UTC like the rest of the console.

const DAY_MS = 86_400_000;

/** Trials ending within this many days are counted on the dashboard. */
export const TRIAL_WINDOW_DAYS = 7;

/** The cut-off for "trials ending soon", as sent to the API and put in the tenants-list link. */
export function trialsEndBefore(now: number, days = TRIAL_WINDOW_DAYS): string {
  return new Date(now + days * DAY_MS).toISOString();
}

/** The tenants list filtered like the trials card, so the count and the list agree. */
export function trialsListHref(endBefore: string): string {
  return `/tenants?${new URLSearchParams({ status: 'TRIALING', trialEndsBefore: endBefore, sort: 'TRIAL_ENDS_AT_ASC' })}`;
}

export type FailureRate = { runs: number; failures: number; rate: number | null };

/** Failures over runs across every task; `rate` is null when nothing ran. */
export function failureRate(stats: readonly Pick<DashboardQuery['jobStats'][number], 'runs' | 'failures'>[]): FailureRate {
  const runs = stats.reduce((sum, s) => sum + s.runs, 0);
  const failures = stats.reduce((sum, s) => sum + s.failures, 0);
  return { runs, failures, rate: runs > 0 ? failures / runs : null };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-03-07" → "Mar 7" */
export function shortDay(day: string): string {
  const [, month, date] = day.split('-');
  return `${MONTHS[Number(month) - 1] ?? month} ${Number(date)}`;
}

/** An hour bucket's start → "14:00" (UTC). */
export function shortHour(iso: string): string {
  return new Date(iso).toISOString().slice(11, 16);
}

export type SignupSeries = { labels: string[]; days: string[]; counts: number[]; total: number; summary: string };

export function signupSeries(rows: DashboardQuery['tenantSignups']): SignupSeries {
  const counts = rows.map((r) => r.count);
  const total = counts.reduce((a, b) => a + b, 0);
  let summary = `New tenants per day over the last ${rows.length === 1 ? 'day' : `${rows.length} days`}: ${total} in total`;
  if (total > 0) {
    const busiest = rows.reduce((best, r) => (r.count > best.count ? r : best));
    summary += `, most on ${busiest.day} (${busiest.count})`;
  }
  return { labels: rows.map((r) => shortDay(r.day)), days: rows.map((r) => r.day), counts, total, summary: `${summary}.` };
}

export type JobRunsSeries = HourlySeries & { totals: { successes: number; failures: number }; summary: string };

export function jobRunsSeries(rows: readonly HourCount[]): JobRunsSeries {
  const series = hourlySeries(rows);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const totals = { successes: sum(series.successes), failures: sum(series.failures) };
  const at = (iso: string) => `${shortDay(iso.slice(0, 10))} ${shortHour(iso)}`;
  const span = rows.length ? ` from ${at(rows[0]!.hour)} to ${at(rows.at(-1)!.hour)} UTC` : '';
  return { ...series, totals, summary: `Job runs per hour${span}: ${totals.successes} succeeded, ${totals.failures} failed.` };
}
