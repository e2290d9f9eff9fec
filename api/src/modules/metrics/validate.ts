// One point of an ingest batch, checked on its own: a bad item is rejected with the field it fails on and
// the others are still stored. Only the batch's size is a failure of the whole request.
import { InputError } from '../../lib/errors.ts';
import { textProblem } from '../../lib/strings.ts';

export const METRIC_LIMITS = {
  /** Points in one request. */
  batch: 1000,
  nameLength: 200,
  labels: 20,
  labelKeyLength: 100,
  labelValueLength: 200,
  /** How far in the future a point may be stamped (clock skew of an agent). */
  futureMs: 5 * 60_000,
} as const;

export const NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_.:]*$/;
export const LABEL_KEY_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A point as a client sends it (GraphQL input or HTTP JSON: anything may be of the wrong type). */
export interface MetricInput {
  name: string;
  value: number;
  labels?: Record<string, string> | null;
  /** Default: when the batch arrives. */
  at?: Date | string | null;
  /** The tenant the point belongs to; absent or null: the platform's own. Forced for a tenant key. */
  tenantId?: string | null;
}

/** A point that passed validation: labels sorted, time resolved. */
export interface ValidPoint {
  index: number;
  name: string;
  value: number;
  /** Keys sorted. */
  labels: Record<string, string>;
  at: Date;
  tenantId: string | null;
  /** The series identity (seriesKey). */
  key: string;
}

export interface MetricPointRejection {
  index: number;
  /** The offending field: `name`, `value`, `labels`, `labels.<key>`, `at`, `tenantId`, or `(point)`. */
  field: string;
  message: string;
}

export interface ValidationContext {
  now: Date;
  /** Points older than this are refused (they would be deleted by the next retention run). */
  oldest: Date;
  /** A tenant key's tenant: points are forced onto it and naming another one is refused. */
  forcedTenantId: string | null;
}

/** The whole request is refused: more points than one batch may hold. */
export function checkBatchSize(points: readonly unknown[]): void {
  if (points.length > METRIC_LIMITS.batch) {
    throw InputError.field('points', `at most ${METRIC_LIMITS.batch} points per request (got ${points.length})`);
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The canonical label set (keys sorted) or the first problem found. */
function checkLabels(raw: unknown): { labels: Record<string, string> } | { field: string; message: string } {
  if (raw === undefined || raw === null) return { labels: {} };
  if (!isPlainObject(raw)) return { field: 'labels', message: 'an object of string values' };
  const keys = Object.keys(raw);
  if (keys.length > METRIC_LIMITS.labels) return { field: 'labels', message: `at most ${METRIC_LIMITS.labels} labels` };
  keys.sort();
  const labels: Record<string, string> = {};
  for (const key of keys) {
    const shown = key.length > 40 ? `${key.slice(0, 40)}…` : key;
    if (key.length > METRIC_LIMITS.labelKeyLength) return { field: 'labels', message: `label key ${shown}: at most ${METRIC_LIMITS.labelKeyLength} characters` };
    if (!LABEL_KEY_PATTERN.test(key)) {
      return { field: 'labels', message: `label key ${JSON.stringify(shown.replaceAll('\u0000', '\\0'))}: letters, digits and _, not starting with a digit` };
    }
    const value = raw[key];
    if (typeof value !== 'string') return { field: `labels.${key}`, message: 'a string' };
    if (value.length > METRIC_LIMITS.labelValueLength) return { field: `labels.${key}`, message: `at most ${METRIC_LIMITS.labelValueLength} characters` };
    const problem = textProblem(value);
    if (problem) return { field: `labels.${key}`, message: problem };
    labels[key] = value;
  }
  return { labels };
}

function checkTime(raw: unknown, ctx: ValidationContext): Date | { message: string } {
  if (raw === undefined || raw === null) return ctx.now;
  const at = raw instanceof Date ? raw : typeof raw === 'string' && raw.length <= 40 ? new Date(raw) : null;
  if (!at || Number.isNaN(at.getTime())) return { message: 'an ISO 8601 date-time' };
  if (at.getTime() > ctx.now.getTime() + METRIC_LIMITS.futureMs) return { message: 'at most 5 minutes in the future' };
  if (at < ctx.oldest) return { message: `older than the raw retention (${ctx.oldest.toISOString()})` };
  return at;
}

/** The point ready to store, or why not (the first problem, by field). */
export function validatePoint(raw: unknown, index: number, ctx: ValidationContext): ValidPoint | MetricPointRejection {
  const reject = (field: string, message: string): MetricPointRejection => ({ index, field, message });
  if (!isPlainObject(raw)) return reject('(point)', 'an object with name and value');
  const { name, value } = raw;
  if (typeof name !== 'string' || !name.length) return reject('name', 'required');
  if (name.length > METRIC_LIMITS.nameLength) return reject('name', `at most ${METRIC_LIMITS.nameLength} characters`);
  if (!NAME_PATTERN.test(name)) return reject('name', 'letters, digits, _ . and :, not starting with a digit');
  if (typeof value !== 'number') return reject('value', 'a number');
  if (!Number.isFinite(value)) return reject('value', 'a finite number');
  const labels = checkLabels(raw.labels);
  if ('field' in labels) return reject(labels.field, labels.message);
  const at = checkTime(raw.at, ctx);
  if (!(at instanceof Date)) return reject('at', at.message);
  let tenantId: string | null = null;
  if (raw.tenantId !== undefined && raw.tenantId !== null) {
    if (typeof raw.tenantId !== 'string' || !UUID.test(raw.tenantId)) return reject('tenantId', 'not a valid id');
    tenantId = raw.tenantId.toLowerCase();
  }
  if (ctx.forcedTenantId) {
    if (tenantId && tenantId !== ctx.forcedTenantId) return reject('tenantId', "a tenant key records its own tenant's points only");
    tenantId = ctx.forcedTenantId;
  }
  return { index, name, value, labels: labels.labels, at, tenantId, key: seriesKey(name, labels.labels, tenantId) };
}

/** The identity of a series: name, labels in key order, tenant. */
export function seriesKey(name: string, labels: Record<string, string>, tenantId: string | null): string {
  return `${tenantId ?? '-'}|${name}|${JSON.stringify(labels)}`;
}
