import { describe, expect, it } from 'vitest';
import { MAX_RETRY_DELAY_MS, retryDelayMs } from './backoff.ts';

describe('retryDelayMs (exponential backoff, full jitter)', () => {
  it('doubles the ceiling with every failed attempt', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000, top))).toEqual([999, 1999, 3999, 7999]);
  });
  it('draws uniformly below the ceiling: 0 at the bottom, half way in the middle', () => {
    expect(retryDelayMs(3, 1000, () => 0)).toBe(0);
    expect(retryDelayMs(3, 1000, () => 0.5)).toBe(2000);
  });
  it('is capped, even for huge attempt numbers', () => {
    expect(retryDelayMs(25, 30_000, () => 0.999999)).toBeLessThan(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(25, 30_000, () => 0.999999)).toBeGreaterThan(MAX_RETRY_DELAY_MS - 100);
    expect(retryDelayMs(1000, 1, () => 0.5)).toBe(MAX_RETRY_DELAY_MS / 2);
  });
  it('refuses attempt numbers below 1', () => {
    expect(() => retryDelayMs(0, 1000)).toThrow(RangeError);
  });
});
