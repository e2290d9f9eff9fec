// @vitest-environment jsdom
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatRemaining, slaView, useNow } from './sla.ts';

describe('formatRemaining', () => {
  it.each([
    [0, '0s'],
    [12_400, '12s'],
    [4 * 60_000 + 9_000, '4m 09s'],
    [3 * 3_600_000 + 5 * 60_000, '3h 05m'],
    [2 * 86_400_000 + 3 * 3_600_000 + 59_000, '2d 3h'],
    [-(4 * 60_000 + 9_000), '-4m 09s'],
  ])('%d ms reads %s', (ms, text) => expect(formatRemaining(ms)).toBe(text));
});

describe('slaView', () => {
  const now = Date.parse('2026-12-07T12:00:00Z');
  it.each([
    ['MET', '2026-12-07T11:00:00Z', null, { text: 'met', tone: 'met' }],
    ['PAUSED', '2026-12-07T11:00:00Z', null, { text: 'paused', tone: 'paused' }],
    ['OK', null, null, { text: '—', tone: 'none' }],
    ['OK', '2026-12-07T13:30:00Z', null, { text: '1h 30m', tone: 'ok' }],
    ['AT_RISK', '2026-12-07T12:10:00Z', null, { text: '10m 00s', tone: 'at-risk' }],
    // The clock moves the state on before the API's event arrives.
    ['OK', '2026-12-07T12:10:00Z', '2026-12-07T11:59:00Z', { text: '10m 00s', tone: 'at-risk' }],
    ['OK', '2026-12-07T11:55:00Z', null, { text: 'overdue 5m 00s', tone: 'breached' }],
    ['BREACHED', '2026-12-07T11:00:00Z', null, { text: 'overdue 1h 00m', tone: 'breached' }],
  ] as const)('%s due %s', (state, due, atRisk, view) => expect(slaView(state, due, now, atRisk)).toEqual(view));
});

describe('useNow', () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.parse('2026-12-07T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('ticks every second from one shared clock while mounted', () => {
    const a = renderHook(() => useNow(0));
    const b = renderHook(() => useNow(0));
    const start = a.result.current;
    act(() => vi.advanceTimersByTime(3_000));
    expect(a.result.current - start).toBe(3_000);
    expect(b.result.current).toBe(a.result.current);
    expect(vi.getTimerCount()).toBe(1);
    a.unmount();
    b.unmount();
    expect(vi.getTimerCount()).toBe(0);
  });
});
