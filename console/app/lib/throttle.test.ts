import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { throttle } from './throttle.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

it('runs the first call at once and folds a burst into one trailing call', () => {
  const fn = vi.fn();
  const throttled = throttle(fn, 1_000);
  throttled();
  expect(fn).toHaveBeenCalledTimes(1);
  for (let i = 0; i < 50; i++) throttled();
  expect(fn).toHaveBeenCalledTimes(1);
  vi.advanceTimersByTime(1_000);
  expect(fn).toHaveBeenCalledTimes(2);
  vi.advanceTimersByTime(5_000);
  expect(fn).toHaveBeenCalledTimes(2);
});

it('drops a pending call when cancelled (the page went away)', () => {
  const fn = vi.fn();
  const throttled = throttle(fn, 1_000);
  throttled();
  throttled();
  throttled.cancel();
  vi.advanceTimersByTime(2_000);
  expect(fn).toHaveBeenCalledTimes(1);
});
