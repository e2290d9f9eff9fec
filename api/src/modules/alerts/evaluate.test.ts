import { describe, expect, it } from 'vitest';
import { compare, condition, decide, labelsKey, type OpenAlert } from './evaluate.ts';

const T = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const rule = (pendingSeconds: number, keepFiringSeconds: number) => ({ pendingSeconds, keepFiringSeconds });

/** Runs the state machine over a sequence of (second, condition) and lists the states after each. */
function run(r: { pendingSeconds: number; keepFiringSeconds: number }, steps: [number, boolean | null][]): string[] {
  let open: OpenAlert | null = null;
  return steps.map(([s, holds]) => {
    const d = decide(r, open, holds, T(s));
    if (d.open) open = { state: 'PENDING', startedAt: T(s), lastTrueAt: T(s) };
    if (open && d.conditionTrue) open.lastTrueAt = T(s);
    if (open && d.fire) open.state = 'FIRING';
    if (d.resolve) open = null;
    return open ? open.state : d.resolve ? 'RESOLVED' : '-';
  });
}

describe('alert state machine', () => {
  it('opens PENDING and fires only once the condition held for the pending period', () => {
    expect(run(rule(30, 0), [[0, true], [15, true], [29, true], [30, true], [45, true]])).toEqual(['PENDING', 'PENDING', 'PENDING', 'FIRING', 'FIRING']);
  });

  it('fires at once without a pending period', () => {
    expect(run(rule(0, 0), [[0, true]])).toEqual(['FIRING']);
  });

  it('resolves a pending alert whose condition clears before it fires, and opens a new one on the next breach (flapping)', () => {
    expect(run(rule(30, 0), [[0, true], [15, false], [30, true], [45, false], [60, true], [90, true]])).toEqual([
      'PENDING', 'RESOLVED', 'PENDING', 'RESOLVED', 'PENDING', 'FIRING',
    ]);
  });

  it('keeps firing for keep-firing after the condition was last true, then resolves', () => {
    expect(run(rule(0, 60), [[0, true], [15, false], [45, false], [59, false], [60, false]])).toEqual(['FIRING', 'FIRING', 'FIRING', 'FIRING', 'RESOLVED']);
  });

  it('keep-firing counts again from each new true: a flapping condition stays one firing alert', () => {
    expect(run(rule(0, 30), [[0, true], [15, false], [30, true], [45, false], [59, false], [60, false]])).toEqual([
      'FIRING', 'FIRING', 'FIRING', 'FIRING', 'FIRING', 'RESOLVED',
    ]);
  });

  it('schedules the pending deadline and the keep-firing expiry', () => {
    expect(decide(rule(30, 0), null, true, T(0)).deadline).toEqual(T(30));
    expect(decide(rule(30, 0), { state: 'PENDING', startedAt: T(0), lastTrueAt: T(10) }, true, T(10)).deadline).toEqual(T(30));
    expect(decide(rule(0, 60), { state: 'FIRING', startedAt: T(0), lastTrueAt: T(10) }, false, T(20)).deadline).toEqual(T(70));
  });

  it('no data: OK clears, ALERTING holds, KEEP_STATE changes nothing', () => {
    const base = { operator: 'GT' as const, threshold: 1 };
    expect(condition({ ...base, noData: 'OK' }, null)).toBe(false);
    expect(condition({ ...base, noData: 'ALERTING' }, null)).toBe(true);
    expect(condition({ ...base, noData: 'KEEP_STATE' }, null)).toBeNull();
    expect(run(rule(0, 0), [[0, true], [15, null], [30, null], [45, false]])).toEqual(['FIRING', 'FIRING', 'FIRING', 'RESOLVED']);
    expect(run(rule(0, 0), [[0, null]])).toEqual(['-']);
  });

  it('compares with every operator', () => {
    expect([compare(2, 'GT', 1), compare(1, 'GT', 1), compare(1, 'GTE', 1), compare(0, 'LT', 1), compare(1, 'LTE', 1), compare(1, 'EQ', 1), compare(2, 'NEQ', 1)])
      .toEqual([true, false, true, true, true, true, true]);
  });

  it('keys label sets canonically, with their tenant', () => {
    expect(labelsKey({ b: '2', a: '1' }, null)).toBe(labelsKey({ a: '1', b: '2' }, null));
    expect(labelsKey({ a: '1' }, 'x')).not.toBe(labelsKey({ a: '1' }, null));
  });
});
