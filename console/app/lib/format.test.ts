import { describe, expect, it } from 'vitest';
import { formatCount, formatDateTime, formatDuration, formatMoney, formatPercent, formatRelative, formatTime, humanize, parseMoney } from './format.ts';

describe('money', () => {
  it('formats minor units in the currency’s own precision', () => {
    expect(formatMoney(129900, 'USD')).toBe('$1,299.00');
    expect(formatMoney(4900, 'EUR')).toBe('€49.00');
    expect(formatMoney(0, 'USD')).toBe('$0.00');
    expect(formatMoney(1500, 'JPY')).toBe('¥1,500');
  });

  it('parses a typed price back to minor units, refusing what it cannot read exactly', () => {
    expect(parseMoney('49', 'USD')).toBe(4900);
    expect(parseMoney('49.5', 'USD')).toBe(4950);
    expect(parseMoney(' 1,299.99 ', 'USD')).toBe(129999);
    expect(parseMoney('1500', 'JPY')).toBe(1500);
    expect(parseMoney('15.5', 'JPY')).toBeNull();
    expect(parseMoney('1.999', 'USD')).toBeNull();
    expect(parseMoney('-5', 'USD')).toBeNull();
    expect(parseMoney('abc', 'USD')).toBeNull();
    expect(parseMoney('', 'USD')).toBeNull();
  });
});

describe('times', () => {
  it('shows date-times in UTC so server and browser render the same text', () => {
    expect(formatDateTime('2026-11-23T14:05:59.123Z')).toBe('2026-11-23 14:05 UTC');
    expect(formatDateTime('2026-11-23T14:05:00+02:00')).toBe('2026-11-23 12:05 UTC');
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime('not a date')).toBe('—');
    expect(formatDateTime('2026-03-01T14:30:15.123Z', { seconds: true })).toBe('2026-03-01 14:30:15 UTC');
    expect(formatDateTime(null, { seconds: true })).toBe('—');
    expect(formatTime('2026-03-01T09:05:07.123Z')).toBe('09:05:07 UTC');
    expect(formatTime('2026-03-01T23:59:59+02:00')).toBe('21:59:59 UTC');
  });

  it('says how long ago or how soon, in the largest whole unit', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    expect(formatRelative('2026-11-23T11:59:58Z', now)).toBe('now');
    expect(formatRelative('2026-11-23T11:55:00Z', now)).toBe('5 minutes ago');
    expect(formatRelative('2026-11-26T12:00:00Z', now)).toBe('in 3 days');
    expect(formatRelative('2026-11-22T12:00:00Z', now)).toBe('yesterday');
    expect(formatRelative(undefined, now)).toBe('—');
  });

  it('formats durations for people', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(120_000)).toBe('2 min');
  });
});

describe('numbers and words', () => {
  it('groups thousands, shows ratios as percentages and has a dash for nothing', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatPercent(0.9534)).toBe('95.3%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(Number.NaN)).toBe('—');
  });

  it('turns enum values into words', () => {
    expect(humanize('PAST_DUE')).toBe('Past due');
    expect(humanize('planChanged')).toBe('Plan changed');
    expect(humanize('ACTIVE')).toBe('Active');
  });
});
