// Time-series reads, computed in SQL and bounded: a range of at most 400 days, at most 1,000 buckets, at
// most 100 series per answer. Recent short ranges read raw points; a range reaching past the raw retention,
// or longer than two days, reads the hourly rollups (the hours not rolled up yet are summarised from raw
// points in the same statement, so a chart has no gap at its recent end).
import { Prisma } from '../../db/client.ts';
import type { MetricAggregation } from '../../generated/prisma/enums.ts';
import { InputError } from '../../lib/errors.ts';
import { cachedMonitoringSettings } from './settings.ts';
import type { MetricsDb } from './storage.ts';
import { LABEL_KEY_PATTERN, NAME_PATTERN } from './validate.ts';

export const QUERY_LIMITS = {
  rangeDays: 400,
  buckets: 1000,
  series: 100,
  /** Groups one aggregation may return (alert evaluation over many label sets). */
  groups: 1000,
  groupBy: 10,
  /** Raw points serve ranges up to this long. */
  rawRangeMs: 2 * 86_400_000,
  names: 200,
} as const;

/** Steps the automatic choice picks from, in seconds. */
const NICE_STEPS = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];
/** Buckets an automatic step aims below. */
const AUTO_BUCKETS = 300;
const HOUR_S = 3600;

export interface MetricQuery {
  name: string;
  labelFilter: Record<string, string>;
  /** Absent: every series (platform and tenants); null: the platform's own; an id: that tenant's. */
  tenantId?: string | null;
  from: Date;
  to: Date;
  aggregation: MetricAggregation;
  groupBy: string[];
}

export interface MetricAggregate {
  labels: Record<string, string>;
  tenantId: string | null;
  value: number | null;
  count: number;
}

export interface MetricSeriesResult {
  labels: Record<string, string>;
  tenantId: string | null;
  points: { at: Date; value: number }[];
}

// ─── checks ──────────────────────────────────────────────────────────────────

function checkQuery(q: MetricQuery, path: string[] = []): void {
  const field = (name: string, message: string) => InputError.field([...path, name], message);
  if (typeof q.name !== 'string' || !NAME_PATTERN.test(q.name) || q.name.length > 200) throw field('name', 'not a metric name');
  if (!q.labelFilter || typeof q.labelFilter !== 'object' || Array.isArray(q.labelFilter)) throw field('labels', 'an object of string values');
  const filterKeys = Object.keys(q.labelFilter);
  if (filterKeys.length > 20) throw field('labels', 'at most 20 labels');
  for (const key of filterKeys) {
    if (!LABEL_KEY_PATTERN.test(key) || key.length > 100) throw field('labels', `label key ${JSON.stringify(key.slice(0, 40))} is not a label name`);
    const value = q.labelFilter[key];
    if (typeof value !== 'string' || value.length > 200) throw field(`labels.${key}`, 'a string of at most 200 characters');
  }
  if (q.groupBy.length > QUERY_LIMITS.groupBy) throw field('groupBy', `at most ${QUERY_LIMITS.groupBy} labels`);
  for (const key of q.groupBy) if (!LABEL_KEY_PATTERN.test(key) || key.length > 100) throw field('groupBy', `${JSON.stringify(key.slice(0, 40))} is not a label name`);
  if (!(q.from instanceof Date) || Number.isNaN(q.from.getTime())) throw field('from', 'a date-time');
  if (!(q.to instanceof Date) || Number.isNaN(q.to.getTime())) throw field('to', 'a date-time');
  if (q.to <= q.from) throw field('to', 'after from');
  if (q.to.getTime() - q.from.getTime() > QUERY_LIMITS.rangeDays * 86_400_000) throw field('to', `at most ${QUERY_LIMITS.rangeDays} days after from`);
}

/** Whether the range reads the hourly rollups rather than raw points. */
async function readsRollups(db: MetricsDb, q: MetricQuery): Promise<boolean> {
  if (q.to.getTime() - q.from.getTime() > QUERY_LIMITS.rawRangeMs) return true;
  const settings = await cachedMonitoringSettings(db);
  return q.from.getTime() < Date.now() - settings.rawRetentionDays * 86_400_000;
}

/**
 * The step in seconds: the given one checked (too small for the range, or finer than an hour on rollups,
 * is an InputError naming `step`), or the smallest nice step giving at most ~300 buckets.
 */
export function chooseStep(rangeMs: number, step: number | null | undefined, rollups: boolean, path: string[] = []): number {
  const rangeS = rangeMs / 1000;
  if (step === null || step === undefined) {
    const auto = NICE_STEPS.find((s) => rangeS / s <= AUTO_BUCKETS && (!rollups || s >= HOUR_S)) ?? NICE_STEPS.at(-1)!;
    return Math.max(auto, Math.ceil(rangeS / QUERY_LIMITS.buckets));
  }
  const field = (message: string) => InputError.field([...path, 'step'], message);
  if (!Number.isInteger(step) || step < 1) throw field('a whole number of seconds, at least 1');
  if (step > 31 * 86_400) throw field('at most 31 days');
  if (Math.ceil(rangeS / step) > QUERY_LIMITS.buckets) {
    throw field(`too small for the range: at most ${QUERY_LIMITS.buckets} buckets, so at least ${Math.ceil(rangeS / QUERY_LIMITS.buckets)} s`);
  }
  if (rollups && step % HOUR_S !== 0) throw field('a whole number of hours (3600 s) for a range read from hourly rollups');
  return step;
}

// ─── SQL pieces ──────────────────────────────────────────────────────────────

/** The matching series, each with its group (the groupBy labels it has). */
function seriesCte(q: MetricQuery): Prisma.Sql {
  const tenant =
    q.tenantId === undefined ? Prisma.empty : q.tenantId === null ? Prisma.sql`AND s."tenantId" IS NULL` : Prisma.sql`AND s."tenantId" = ${q.tenantId}::uuid`;
  const group = q.groupBy.length
    ? Prisma.sql`(SELECT coalesce(jsonb_object_agg(k, s.labels->>k), '{}'::jsonb) FROM unnest(${q.groupBy}::text[]) k WHERE s.labels ? k)`
    : Prisma.sql`'{}'::jsonb`;
  return Prisma.sql`
    SELECT s.id, s."tenantId", ${group} AS g FROM "MetricSeries" s
    WHERE s.name = ${q.name} AND s.labels @> ${JSON.stringify(q.labelFilter)}::jsonb ${tenant}`;
}

/** The aggregation over raw points (`p.value`). */
function rawAggregate(aggregation: MetricAggregation): Prisma.Sql {
  switch (aggregation) {
    case 'AVG': return Prisma.sql`avg(p.value)`;
    case 'MIN': return Prisma.sql`min(p.value)`;
    case 'MAX': return Prisma.sql`max(p.value)`;
    case 'SUM': return Prisma.sql`sum(p.value)`;
    case 'COUNT': return Prisma.sql`count(*)::float8`;
    case 'P95': return Prisma.sql`percentile_cont(0.95) WITHIN GROUP (ORDER BY p.value)`;
  }
}

/** The aggregation over hourly summaries (`h.count`, `h.sum`, …): P95 is the largest hourly p95. */
function rollupAggregate(aggregation: MetricAggregation): Prisma.Sql {
  switch (aggregation) {
    case 'AVG': return Prisma.sql`sum(h.sum) / nullif(sum(h.count), 0)`;
    case 'MIN': return Prisma.sql`min(h.min)`;
    case 'MAX': return Prisma.sql`max(h.max)`;
    case 'SUM': return Prisma.sql`sum(h.sum)`;
    case 'COUNT': return Prisma.sql`sum(h.count)::float8`;
    case 'P95': return Prisma.sql`max(h.p95)`;
  }
}

/**
 * Hourly summaries of the range: stored rollups for hours before the previous hour (the rollup job has
 * done those), summarised raw points for the rest. `from` is taken down to its hour.
 */
function hourlySource(from: Date, to: Date): Prisma.Sql {
  return Prisma.sql`(
    SELECT r."seriesId", r.hour, r.count, r.sum, r.min, r.max, r.p95 FROM "MetricRollup" r JOIN s ON s.id = r."seriesId"
    WHERE r.hour >= date_trunc('hour', ${from}::timestamptz, 'UTC') AND r.hour < least(${to}::timestamptz, date_trunc('hour', now(), 'UTC') - interval '1 hour')
    UNION ALL
    SELECT p."seriesId", date_trunc('hour', p.at, 'UTC'), count(*)::int, sum(p.value), min(p.value), max(p.value),
      percentile_cont(0.95) WITHIN GROUP (ORDER BY p.value)
    FROM "MetricPoint" p JOIN s ON s.id = p."seriesId"
    WHERE p.at >= greatest(date_trunc('hour', ${from}::timestamptz, 'UTC'), date_trunc('hour', now(), 'UTC') - interval '1 hour') AND p.at < ${to}::timestamptz
    GROUP BY 1, 2
  )`;
}

type Db = Pick<MetricsDb, '$queryRaw'>;

// ─── the service ─────────────────────────────────────────────────────────────

/**
 * One value per group (groupBy labels + tenant) over [from, to): one SQL statement. `count` is the number
 * of samples behind the value. Used by alert evaluation and backtests. At most 1,000 groups.
 */
export async function aggregateMetric(db: MetricsDb, q: MetricQuery): Promise<MetricAggregate[]> {
  checkQuery(q);
  const rollups = await readsRollups(db, q);
  const limit = QUERY_LIMITS.groups + 1;
  const rows = rollups
    ? await (db as Db).$queryRaw<{ tenantId: string | null; labels: Record<string, string>; value: number | null; count: number }[]>`
        WITH s AS (${seriesCte(q)})
        SELECT s."tenantId"::text AS "tenantId", s.g AS labels, ${rollupAggregate(q.aggregation)} AS value, coalesce(sum(h.count), 0)::int AS count
        FROM ${hourlySource(q.from, q.to)} h JOIN s ON s.id = h."seriesId"
        GROUP BY s."tenantId", s.g ORDER BY s."tenantId" NULLS FIRST, s.g::text LIMIT ${limit}`
    : await (db as Db).$queryRaw<{ tenantId: string | null; labels: Record<string, string>; value: number | null; count: number }[]>`
        WITH s AS (${seriesCte(q)})
        SELECT s."tenantId"::text AS "tenantId", s.g AS labels, ${rawAggregate(q.aggregation)} AS value, count(*)::int AS count
        FROM s JOIN "MetricPoint" p ON p."seriesId" = s.id AND p.at >= ${q.from} AND p.at < ${q.to}
        GROUP BY s."tenantId", s.g ORDER BY s."tenantId" NULLS FIRST, s.g::text LIMIT ${limit}`;
  if (rows.length > QUERY_LIMITS.groups) throw InputError.field('groupBy', `more than ${QUERY_LIMITS.groups} groups: narrow the label filter`);
  return rows.map((r) => ({ labels: r.labels, tenantId: r.tenantId, value: r.value === null ? null : Number(r.value), count: r.count }));
}

/**
 * Bucketed series over [from, to), one per group (groupBy labels + tenant), buckets aligned on the step
 * from the Unix epoch (date_bin) and labelled by their start; buckets without samples are absent. One SQL
 * statement. `step` in seconds, chosen when absent. At most 100 series.
 */
export async function metricSeries(db: MetricsDb, q: MetricQuery & { step?: number | null }): Promise<MetricSeriesResult[]> {
  checkQuery(q);
  const rollups = await readsRollups(db, q);
  const step = chooseStep(q.to.getTime() - q.from.getTime(), q.step, rollups);
  const limit = QUERY_LIMITS.series + 1;
  const bucket = (column: Prisma.Sql) => Prisma.sql`date_bin(make_interval(secs => ${step}::int), ${column}, timestamptz '1970-01-01 00:00:00+00')`;
  const rows = rollups
    ? await (db as Db).$queryRaw<{ tenantId: string | null; labels: Record<string, string>; ats: number[]; vals: (number | null)[] }[]>`
        WITH s AS (${seriesCte(q)}),
        b AS (
          SELECT s."tenantId", s.g, ${bucket(Prisma.sql`h.hour`)} AS bucket, ${rollupAggregate(q.aggregation)} AS value
          FROM ${hourlySource(q.from, q.to)} h JOIN s ON s.id = h."seriesId"
          GROUP BY 1, 2, 3
        )
        SELECT "tenantId"::text AS "tenantId", g AS labels,
          array_agg((extract(epoch FROM bucket) * 1000)::float8 ORDER BY bucket) AS ats, array_agg(value::float8 ORDER BY bucket) AS vals
        FROM b GROUP BY "tenantId", g ORDER BY "tenantId" NULLS FIRST, g::text LIMIT ${limit}`
    : await (db as Db).$queryRaw<{ tenantId: string | null; labels: Record<string, string>; ats: number[]; vals: (number | null)[] }[]>`
        WITH s AS (${seriesCte(q)}),
        b AS (
          SELECT s."tenantId", s.g, ${bucket(Prisma.sql`p.at`)} AS bucket, ${rawAggregate(q.aggregation)} AS value
          FROM s JOIN "MetricPoint" p ON p."seriesId" = s.id AND p.at >= ${q.from} AND p.at < ${q.to}
          GROUP BY 1, 2, 3
        )
        SELECT "tenantId"::text AS "tenantId", g AS labels,
          array_agg((extract(epoch FROM bucket) * 1000)::float8 ORDER BY bucket) AS ats, array_agg(value::float8 ORDER BY bucket) AS vals
        FROM b GROUP BY "tenantId", g ORDER BY "tenantId" NULLS FIRST, g::text LIMIT ${limit}`;
  if (rows.length > QUERY_LIMITS.series) throw InputError.field('groupBy', `more than ${QUERY_LIMITS.series} series: narrow the label filter or group by fewer labels`);
  return rows.map((r) => ({
    labels: r.labels,
    tenantId: r.tenantId,
    points: r.ats.flatMap((at, i) => (r.vals[i] === null || r.vals[i] === undefined ? [] : [{ at: new Date(Number(at)), value: Number(r.vals[i]) }])),
  }));
}

export interface MetricNameSummary {
  name: string;
  seriesCount: number;
  lastAt: Date | null;
  labelKeys: string[];
}

/** Metric names (containing `search`, case-insensitive), by name; `tenantId` as in MetricQuery. */
export async function metricNames(db: MetricsDb, q: { search?: string | null; first?: number | null; tenantId?: string | null }): Promise<MetricNameSummary[]> {
  const first = q.first ?? 50;
  if (!Number.isInteger(first) || first < 1 || first > QUERY_LIMITS.names) throw InputError.field('first', `1 to ${QUERY_LIMITS.names}`);
  const search = q.search?.trim() ?? '';
  if (search.length > 200) throw InputError.field('search', 'at most 200 characters');
  const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const tenant = (alias: string) =>
    q.tenantId === undefined
      ? Prisma.empty
      : q.tenantId === null
        ? Prisma.sql`AND ${Prisma.raw(alias)}."tenantId" IS NULL`
        : Prisma.sql`AND ${Prisma.raw(alias)}."tenantId" = ${q.tenantId}::uuid`;
  const rows = await (db as Db).$queryRaw<MetricNameSummary[]>`
    SELECT s.name, count(*)::int AS "seriesCount", max(s."lastAt") AS "lastAt",
      coalesce((SELECT array_agg(DISTINCT k ORDER BY k) FROM "MetricSeries" s2, jsonb_object_keys(s2.labels) k WHERE s2.name = s.name ${tenant('s2')}), '{}') AS "labelKeys"
    FROM "MetricSeries" s
    WHERE s.name ILIKE ${pattern} ${tenant('s')}
    GROUP BY s.name ORDER BY s.name LIMIT ${first}`;
  return rows;
}
