// @vitest-environment jsdom
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatCountdown, secondsLeft, useAutoRefresh } from './countdown.ts';

describe('countdown arithmetic', () => {
  it('counts down from the clock, not from ticks, and stops at zero', () => {
    expect(secondsLeft(0, 60, 0)).toBe(60);
    expect(secondsLeft(0, 60, 999)).toBe(60);
    expect(secondsLeft(0, 60, 1_000)).toBe(59);
    expect(secondsLeft(0, 60, 59_999)).toBe(1);
    expect(secondsLeft(0, 60, 60_000)).toBe(0);
    expect(secondsLeft(0, 60, 600_000)).toBe(0);
  });

  it('shows minutes and seconds', () => {
    expect(formatCountdown(60)).toBe('1:00');
    expect(formatCountdown(59)).toBe('0:59');
    expect(formatCountdown(5)).toBe('0:05');
  });
});

describe('useAutoRefresh', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('is off by default and runs no timer until turned on', () => {
    const onRefresh = vi.fn();
    const { result } = renderHook(() => useAutoRefresh(onRefresh, 60));
    expect(result.current.enabled).toBe(false);
    expect(result.current.secondsLeft).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
    act(() => vi.advanceTimersByTime(120_000));
    expect(onRefresh).not.toHaveBeenCalled();
  });

  it('counts down every second, refreshes at zero and starts over', () => {
    const onRefresh = vi.fn();
    const { result } = renderHook(() => useAutoRefresh(onRefresh, 60));
    act(() => result.current.toggle());
    expect(result.current.secondsLeft).toBe(60);
    expect(vi.getTimerCount()).toBe(1);
    act(() => vi.advanceTimersByTime(1_000));
    expect(result.current.secondsLeft).toBe(59);
    act(() => vi.advanceTimersByTime(58_000));
    expect(result.current.secondsLeft).toBe(1);
    expect(onRefresh).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(1_000));
    expect(onRefresh).toHaveBeenCalledTimes(1);
    expect(result.current.secondsLeft).toBe(60);
    act(() => vi.advanceTimersByTime(60_000));
    expect(onRefresh).toHaveBeenCalledTimes(2);
  });

  it('restarts the countdown after a manual refresh, and stops its timer when turned off', () => {
    const onRefresh = vi.fn();
    const { result } = renderHook(() => useAutoRefresh(onRefresh, 60));
    act(() => result.current.toggle());
    act(() => vi.advanceTimersByTime(30_000));
    expect(result.current.secondsLeft).toBe(30);
    act(() => result.current.restart());
    expect(result.current.secondsLeft).toBe(60);
    act(() => vi.advanceTimersByTime(59_000));
    expect(onRefresh).not.toHaveBeenCalled();
    act(() => result.current.toggle());
    expect(result.current.secondsLeft).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
    act(() => vi.advanceTimersByTime(120_000));
    expect(onRefresh).not.toHaveBeenCalled();
  });
});
