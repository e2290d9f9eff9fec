import { describe, expect, it } from 'vitest';
import { alignSeries, formatLabels, parseLabels, readRange, readRuleForm, ruleDefaults, seriesLabel } from './alerts.ts';

const NOW = Date.parse('2026-12-07T12:00:00.000Z');

function form(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) data.append(name, v);
  return data;
}

describe('the chart range from the URL', () => {
  it('reads a preset as the span ending now, and the default for anything else', () => {
    expect(readRange(new URLSearchParams('range=1h'), NOW)).toEqual({ key: '1h', from: '2026-12-07T11:00:00.000Z', to: '2026-12-07T12:00:00.000Z' });
    expect(readRange(new URLSearchParams('range=7d'), NOW).from).toBe('2026-11-30T12:00:00.000Z');
    expect(readRange(new URLSearchParams('range=2y'), NOW).key).toBe('6h');
  });

  it('reads a custom range in UTC, the end day included, and refuses a backwards one', () => {
    expect(readRange(new URLSearchParams('range=custom&from=2026-12-01&to=2026-12-02'), NOW)).toEqual({
      key: 'custom',
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-02T23:59:59.999Z',
    });
    expect(readRange(new URLSearchParams('range=custom&from=2026-12-03&to=2026-12-02'), NOW).key).toBe('6h');
  });
});

describe('label filters', () => {
  it('reads key=value pairs and writes them back the same way', () => {
    expect(parseLabels(' service=api, region = eu ')).toEqual({ service: 'api', region: 'eu' });
    expect(parseLabels('')).toEqual({});
    expect(formatLabels({ service: 'api', region: 'eu' })).toBe('service=api, region=eu');
  });

  it('refuses a pair without a key or an equals sign', () => {
    expect(parseLabels('service')).toBeNull();
    expect(parseLabels('=api')).toBeNull();
  });

  it('names a series by its labels and tenant, or the metric', () => {
    expect(seriesLabel({ labels: { route: '/x' }, tenantId: null }, 'm')).toBe('route=/x');
    expect(seriesLabel({ labels: {}, tenantId: '0123456789abcdef' }, 'm')).toBe('tenant 01234567');
    expect(seriesLabel({ labels: {} }, 'api.latency')).toBe('api.latency');
  });
});

describe('series on one axis', () => {
  it('puts every bucket of every series on the axis, with gaps where a series has none', () => {
    const a = { points: [{ at: '2026-12-07T10:00:00Z', value: 1 }, { at: '2026-12-07T10:02:00Z', value: 3 }] };
    const b = { points: [{ at: '2026-12-07T10:01:00Z', value: 2 }] };
    expect(alignSeries([a, b])).toEqual({
      times: ['2026-12-07T10:00:00Z', '2026-12-07T10:01:00Z', '2026-12-07T10:02:00Z'],
      values: [
        [1, null, 3],
        [null, 2, null],
      ],
    });
  });
});

describe('the alert rule form', () => {
  const valid = { name: 'Slow API', signal: 'METRIC', metric: 'api.latency', operator: 'GT', threshold: '250', windowSeconds: '300', severity: 'CRITICAL', aggregation: 'P95', noData: 'OK', labelFilter: 'route=/graphql', groupBy: 'route, method', enabled: 'on' };

  it('reads every field into the API input', () => {
    const read = readRuleForm(form({ ...valid, pendingSeconds: '60', channelIds: ['5f0c6d1e-8a8b-4c1e-9f5a-2d7e3b1c0a99', 'junk'] }));
    expect(read).toEqual({
      ok: true,
      input: expect.objectContaining({
        name: 'Slow API',
        signal: 'METRIC',
        metric: 'api.latency',
        task: null,
        operator: 'GT',
        threshold: 250,
        windowSeconds: 300,
        pendingSeconds: 60,
        severity: 'CRITICAL',
        aggregation: 'P95',
        noData: 'OK',
        labelFilter: { route: '/graphql' },
        groupBy: ['route', 'method'],
        enabled: true,
        tenantVisible: false,
        tenantId: null,
        channelIds: ['5f0c6d1e-8a8b-4c1e-9f5a-2d7e3b1c0a99'],
      }),
    });
  });

  it('names each field it cannot read', () => {
    const read = readRuleForm(form({ ...valid, name: ' ', metric: '', threshold: 'lots', windowSeconds: '5.5', labelFilter: 'route', tenantId: 'x' }));
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(Object.keys(read.fieldErrors).sort()).toEqual(['labelFilter', 'metric', 'name', 'tenantId', 'threshold', 'windowSeconds']);
  });

  it('asks a job rule for its task instead of a metric', () => {
    const read = readRuleForm(form({ ...valid, signal: 'JOB_FAILURES_IN_A_ROW', metric: '', task: '' }));
    expect(read.ok ? {} : read.fieldErrors).toEqual({ task: 'Name the task.' });
  });

  it('prefills a job rule from the Jobs page link', () => {
    expect(ruleDefaults(new URLSearchParams('signal=JOB_FAILURES_IN_A_ROW&task=sendEmail'))).toMatchObject({
      signal: 'JOB_FAILURES_IN_A_ROW',
      task: 'sendEmail',
      operator: 'GTE',
      threshold: 3,
      name: 'sendEmail: failures in a row',
    });
    expect(ruleDefaults(new URLSearchParams('signal=bogus')).signal).toBe('METRIC');
  });
});
