import { describe, expect, it } from 'vitest';
import { agentSeries, flowSummary, formatPercentMet, formatSeconds, periodSeries, rangeBounds, statsRange } from './stats-view.ts';

describe('the range', () => {
  it('comes from ?range=, thirty days unless told', () => {
    expect(statsRange(new URLSearchParams('range=7d'))).toBe('7d');
    expect(statsRange(new URLSearchParams('range=1y'))).toBe('30d');
    expect(statsRange(new URLSearchParams())).toBe('30d');
  });

  it('covers whole UTC days ending today', () => {
    expect(rangeBounds('7d', Date.parse('2026-12-07T13:45:00Z'))).toEqual({ from: '2026-12-01T00:00:00.000Z', to: '2026-12-07T13:45:00.000Z' });
  });
});

describe('formatting', () => {
  it.each([
    [null, '—'],
    [42, '42 s'],
    [18 * 60, '18 min'],
    [3.5 * 3600, '3.5 h'],
    [2.1 * 86_400, '2.1 d'],
  ])('%s seconds read %s', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });

  it('prints percentages met', () => {
    expect(formatPercentMet(96.54)).toBe('96.5%');
    expect(formatPercentMet(null)).toBe('—');
  });
});

describe('series', () => {
  it('draws created and resolved per period and the median first response in minutes', () => {
    const series = periodSeries([
      { start: '2026-12-06', created: 4, resolved: 1, medianFirstResponseSeconds: 930 },
      { start: '2026-12-07', created: 2, resolved: 3, medianFirstResponseSeconds: null },
    ]);
    expect(series).toEqual({ labels: ['Dec 06', 'Dec 07'], titles: ['2026-12-06', '2026-12-07'], created: [4, 2], resolved: [1, 3], firstResponseMinutes: [15.5, 0] });
    expect(flowSummary(series)).toBe('6 created, 4 resolved');
  });

  it('charts agents with SLA outcomes only, unassigned by that name', () => {
    expect(
      agentSeries([
        { agentId: 'a', agentName: 'Ada', sla: { firstResponsePercentMet: 90, resolutionPercentMet: null } },
        { agentId: 'b', agentName: 'Bo', sla: { firstResponsePercentMet: null, resolutionPercentMet: null } },
        { agentId: null, agentName: null, sla: { firstResponsePercentMet: 50, resolutionPercentMet: 75 } },
      ]),
    ).toEqual({ labels: ['Ada', 'Unassigned'], firstResponse: [90, 50], resolution: [0, 75] });
  });
});
