import { describe, expect, it } from 'vitest';
import { hourlySeries, jobWindow, seriesSummary, windowRange } from './job-window.ts';

describe('jobWindow', () => {
  it('reads the window from the URL and falls back to the last 24 hours', () => {
    expect(jobWindow(new URLSearchParams('window=1h'))).toBe('1h');
    expect(jobWindow(new URLSearchParams('window=7d'))).toBe('7d');
    expect(jobWindow(new URLSearchParams('window=1y'))).toBe('24h');
    expect(jobWindow(new URLSearchParams())).toBe('24h');
  });

  it('ends the window now', () => {
    const now = Date.parse('2026-03-10T12:30:00.000Z');
    expect(windowRange('1h', now)).toEqual({ from: '2026-03-10T11:30:00.000Z', to: '2026-03-10T12:30:00.000Z' });
    expect(windowRange('7d', now).from).toBe('2026-03-03T12:30:00.000Z');
  });
});

describe('hourlySeries', () => {
  it('has one bar per hour the API answered, quiet hours included, labelled by the hour', () => {
    const series = hourlySeries([
      { hour: '2026-03-10T09:00:00.000Z', successes: 0, failures: 0 },
      { hour: '2026-03-10T10:00:00.000Z', successes: 4, failures: 1 },
      { hour: '2026-03-10T11:00:00.000Z', successes: 0, failures: 0 },
      { hour: '2026-03-10T12:00:00.000Z', successes: 2, failures: 0 },
    ]);
    expect(series).toEqual({
      labels: ['09:00', '10:00', '11:00', '12:00'],
      titles: ['2026-03-10 09:00 UTC', '2026-03-10 10:00 UTC', '2026-03-10 11:00 UTC', '2026-03-10 12:00 UTC'],
      successes: [0, 4, 0, 2],
      failures: [0, 1, 0, 0],
    });
    expect(seriesSummary(series)).toBe('7 runs: 6 succeeded, 1 failed');
  });

  it('labels windows longer than a day with the date', () => {
    const start = Date.parse('2026-03-03T12:00:00.000Z');
    const week = Array.from({ length: 7 * 24 + 1 }, (_, i) => ({ hour: new Date(start + i * 3_600_000).toISOString(), successes: 0, failures: 0 }));
    const series = hourlySeries(week);
    expect(series.labels).toHaveLength(7 * 24 + 1);
    expect(series.labels[0]).toBe('03-03 12h');
    expect(series.labels.at(-1)).toBe('03-10 12h');
    expect(series.titles.at(-1)).toBe('2026-03-10 12:00 UTC');
    expect(seriesSummary(series)).toBe('0 runs: 0 succeeded, 0 failed');
    // A day's 25 hourly buckets (both ends included) still read as hours.
    expect(hourlySeries(week.slice(0, 25)).labels[0]).toBe('12:00');
  });
});
