// Monitoring screens: the chart's time range and label filter from the URL, and the alert rule form read
// into the API's AlertRuleInput. Pure functions, shared by loaders, actions and components.
import type { AlertRuleInput } from '../gql/graphql.ts';
import { AlertNoDataValues, AlertOperatorValues, AlertSeverityValues, AlertSignalValues, MetricAggregationValues } from '../gql/lists.ts';
import { isoDate } from './list.ts';
import { isUuid } from './ids.ts';
import type { FieldErrors } from './mutation.ts';

/** The preset ranges of the range picker, newest data last. */
export const RANGES = { '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 24 * 3_600_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type RangeKey = keyof typeof RANGES | 'custom';
export const DEFAULT_RANGE = '6h';

export type TimeRange = { key: RangeKey; from: string; to: string };

/**
 * `?range=1h|6h|24h|7d|30d`, or `?range=custom&from=…&to=…` (dates or `datetime-local` values, read as
 * UTC). Anything unreadable falls back to the default preset ending now.
 */
export function readRange(params: URLSearchParams, now: number): TimeRange {
  const key = params.get('range');
  if (key === 'custom') {
    const from = isoDate(params.get('from') ?? '');
    const to = isoDate(params.get('to') ?? '', { endOfDay: true });
    if (from && to && from < to) return { key: 'custom', from, to };
  }
  const preset = key && key in RANGES ? (key as keyof typeof RANGES) : DEFAULT_RANGE;
  return { key: preset, from: new Date(now - RANGES[preset]).toISOString(), to: new Date(now).toISOString() };
}

/** "service=api, region=eu" → { service: 'api', region: 'eu' }; null when a pair has no `=` or no key. */
export function parseLabels(text: string): Record<string, string> | null {
  const labels: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    labels[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return labels;
}

/** { service: 'api' } → "service=api"; what parseLabels reads back. */
export function formatLabels(labels: unknown): string {
  if (!labels || typeof labels !== 'object') return '';
  return Object.entries(labels as Record<string, unknown>)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

/** A series' legend: its labels, its tenant, or the metric's name when it has neither. */
export function seriesLabel(series: { labels: unknown; tenantId?: string | null }, fallback: string): string {
  const text = formatLabels(series.labels);
  return [text, series.tenantId ? `tenant ${series.tenantId.slice(0, 8)}` : ''].filter(Boolean).join(' · ') || fallback;
}

/** One x axis for several series: every bucket start any of them has, in order, and each series' values on it. */
export function alignSeries(series: { points: { at: string; value: number }[] }[]): { times: string[]; values: (number | null)[][] } {
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p.at)))].sort();
  const index = new Map(times.map((t, i) => [t, i]));
  const values = series.map((s) => {
    const row: (number | null)[] = times.map(() => null);
    for (const p of s.points) row[index.get(p.at)!] = p.value;
    return row;
  });
  return { times, values };
}

export const JOB_SIGNALS = AlertSignalValues.filter((s) => s !== 'METRIC');

/** "300" → 300; blank → undefined (the API's default); anything else → NaN, which the caller reports. */
function integer(value: FormDataEntryValue | null): number | undefined {
  const text = String(value ?? '').trim();
  if (text === '') return undefined;
  return /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
}

function oneOf<V extends string>(values: readonly V[], value: FormDataEntryValue | null): V | undefined {
  return values.find((v) => v === value);
}

/**
 * The rule form as the API's AlertRuleInput, or the fields it cannot read. What only the API can judge
 * (unique name, known metric, ranges) is left to it.
 */
export function readRuleForm(form: FormData): { ok: true; input: AlertRuleInput } | { ok: false; fieldErrors: FieldErrors } {
  const errors: FieldErrors = {};
  const text = (name: string) => String(form.get(name) ?? '').trim();
  const signal = oneOf(AlertSignalValues, form.get('signal')) ?? 'METRIC';
  const input: AlertRuleInput = {
    name: text('name'),
    description: text('description') || null,
    signal,
    enabled: form.get('enabled') === 'on',
    tenantVisible: form.get('tenantVisible') === 'on',
    channelIds: form.getAll('channelIds').map(String).filter(isUuid),
  };
  if (!input.name) errors.name = 'Name the rule.';
  if (signal === 'METRIC') {
    input.metric = text('metric');
    if (!input.metric) errors.metric = 'Choose the metric.';
    input.task = null;
  } else {
    input.task = text('task');
    if (!input.task) errors.task = 'Name the task.';
    input.metric = null;
  }
  const labels = parseLabels(text('labelFilter'));
  if (labels === null) errors.labelFilter = 'Write label pairs as key=value, separated by commas.';
  else input.labelFilter = labels;
  input.groupBy = text('groupBy').split(',').map((s) => s.trim()).filter(Boolean);
  const aggregation = oneOf(MetricAggregationValues, form.get('aggregation'));
  if (aggregation) input.aggregation = aggregation;
  const operator = oneOf(AlertOperatorValues, form.get('operator'));
  if (operator) input.operator = operator;
  else errors.operator = 'Choose the comparison.';
  const thresholdText = text('threshold');
  const threshold = Number(thresholdText);
  if (thresholdText === '' || !Number.isFinite(threshold)) errors.threshold = 'Give the threshold as a number.';
  else input.threshold = threshold;
  for (const name of ['windowSeconds', 'pendingSeconds', 'keepFiringSeconds', 'repeatIntervalSeconds'] as const) {
    const value = integer(form.get(name));
    if (Number.isNaN(value)) errors[name] = 'Give a whole number of seconds.';
    else if (value !== undefined) input[name] = value;
  }
  const severity = oneOf(AlertSeverityValues, form.get('severity'));
  if (severity) input.severity = severity;
  const noData = oneOf(AlertNoDataValues, form.get('noData'));
  if (noData) input.noData = noData;
  const tenantId = text('tenantId');
  if (tenantId && !isUuid(tenantId)) errors.tenantId = 'Choose a tenant.';
  input.tenantId = tenantId || null;
  return Object.keys(errors).length ? { ok: false, fieldErrors: errors } : { ok: true, input };
}

/** What the new-rule form starts with, from `?signal=&task=&metric=` (the Jobs page links here). */
export function ruleDefaults(params: URLSearchParams) {
  const signal = oneOf(AlertSignalValues, params.get('signal')) ?? 'METRIC';
  const task = params.get('task')?.trim() ?? '';
  const metric = params.get('metric')?.trim() ?? '';
  return {
    name: task ? `${task}: ${signal === 'JOB_FAILURES_IN_A_ROW' ? 'failures in a row' : signal.toLowerCase().replace(/_/g, ' ')}` : '',
    signal,
    task,
    metric,
    operator: signal === 'JOB_FAILURES_IN_A_ROW' ? 'GTE' : 'GT',
    threshold: signal === 'JOB_FAILURES_IN_A_ROW' ? 3 : null,
  } as const;
}
