import { describe, expect, it } from 'vitest';
import { failureRate, jobRunsSeries, shortDay, signupSeries, trialsEndBefore, trialsListHref } from './dashboard.ts';

describe('dashboard numbers', () => {
  it('divides failures by runs over every task, and has no rate without runs', () => {
    expect(failureRate([{ runs: 8, failures: 1 }, { runs: 2, failures: 1 }])).toEqual({ runs: 10, failures: 2, rate: 0.2 });
    expect(failureRate([])).toEqual({ runs: 0, failures: 0, rate: null });
    expect(failureRate([{ runs: 0, failures: 0 }]).rate).toBeNull();
  });

  it('puts the trials cut-off seven days ahead and links to the list filtered the same way', () => {
    const now = Date.parse('2026-03-01T10:00:00.000Z');
    expect(trialsEndBefore(now)).toBe('2026-03-08T10:00:00.000Z');
    const href = trialsListHref('2026-03-08T10:00:00.000Z');
    const params = new URL(href, 'http://x').searchParams;
    expect(href.startsWith('/tenants?')).toBe(true);
    expect(params.get('status')).toBe('TRIALING');
    expect(params.get('trialEndsBefore')).toBe('2026-03-08T10:00:00.000Z');
  });

  it('shows days in UTC', () => {
    expect(shortDay('2026-03-07')).toBe('Mar 7');
    expect(shortDay('2026-12-31')).toBe('Dec 31');
  });
});

describe('chart series', () => {
  it('labels signups by day and summarises them for the fallback text', () => {
    const series = signupSeries([
      { day: '2026-02-27', count: 0 },
      { day: '2026-02-28', count: 3 },
      { day: '2026-03-01', count: 1 },
    ]);
    expect(series.labels).toEqual(['Feb 27', 'Feb 28', 'Mar 1']);
    expect(series.counts).toEqual([0, 3, 1]);
    expect(series.total).toBe(4);
    expect(series.summary).toBe('New tenants per day over the last 3 days: 4 in total, most on 2026-02-28 (3).');
    expect(signupSeries([{ day: '2026-03-01', count: 0 }]).summary).toBe('New tenants per day over the last day: 0 in total.');
  });

  it('splits job runs per hour into successes and failures with totals', () => {
    const series = jobRunsSeries([
      { hour: '2026-03-01T10:00:00.000Z', successes: 2, failures: 0 },
      { hour: '2026-03-01T11:00:00.000Z', successes: 0, failures: 0 },
      { hour: '2026-03-01T12:00:00.000Z', successes: 5, failures: 1 },
    ]);
    expect(series.labels).toEqual(['10:00', '11:00', '12:00']);
    expect(series.titles).toEqual(['2026-03-01 10:00 UTC', '2026-03-01 11:00 UTC', '2026-03-01 12:00 UTC']);
    expect(series.successes).toEqual([2, 0, 5]);
    expect(series.failures).toEqual([0, 0, 1]);
    expect(series.totals).toEqual({ successes: 7, failures: 1 });
    expect(series.summary).toBe('Job runs per hour from Mar 1 10:00 to Mar 1 12:00 UTC: 7 succeeded, 1 failed.');
    expect(jobRunsSeries([]).summary).toBe('Job runs per hour: 0 succeeded, 0 failed.');
  });
});
