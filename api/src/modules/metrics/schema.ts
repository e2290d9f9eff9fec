// Metrics in GraphQL. Ingestion and the time-series reads are one field each in both graphs: an admin
// (MONITORING_WRITE / MONITORING_READ) reaches every series, a tenant key only its own tenant's, never the
// platform's (reads.ts, ingest.ts). The settings are admin-only.
import { z } from 'zod';
import type { MonitoringSettings } from '../../generated/prisma/client.ts';
import { bothGraphs as both, builder } from '../../graphql/builder.ts';
import { prismaEnum } from '../../graphql/enums.ts';
import { adminMutation, adminScope, principalScope } from '../../graphql/helpers.ts';
import { InputError } from '../../lib/errors.ts';
import { recordMetrics } from './ingest.ts';
import type { MetricNameSummary, MetricSeriesResult } from './queries.ts';
import { SETTINGS_BOUNDS, monitoringSettings, updateMonitoringSettings } from './settings.ts';
import { readMetricNames, readMetricSeries } from './reads.ts';
import { METRIC_LIMITS, type MetricPointRejection } from './validate.ts';

export const MetricAggregationEnum = prismaEnum('MetricAggregation', {
  subGraphs: ['admin', 'tenant'],
  description: 'How the samples of a bucket (or a window) become one value. P95 is the 95th percentile.',
});

const MetricPointInput = builder.inputType('MetricPointInput', {
  ...both,
  description: 'One sample. `labels` is a flat object of string values; `at` defaults to when the batch arrives.',
  fields: (t) => ({
    name: t.string({ description: 'Letters, digits, `_`, `.` and `:`, not starting with a digit; at most 200 characters.' }),
    value: t.float(),
    labels: t.field({ type: 'JSON', required: false, description: `At most ${METRIC_LIMITS.labels} labels; keys like identifiers, values strings of at most 200 characters.` }),
    at: t.field({ type: 'DateTime', required: false, description: 'Not more than 5 minutes ahead, nor older than the raw retention.' }),
    tenantId: t.id({ required: false, description: "The tenant the point belongs to (admins). A tenant key's points are its own." }),
  }),
});

const MetricPointRejectionRef = builder.objectRef<MetricPointRejection>('MetricPointRejection').implement({
  ...both,
  description: 'A point that was not stored, and why.',
  fields: (t) => ({
    index: t.exposeInt('index', { description: 'Its position in the batch.' }),
    field: t.exposeString('field', { description: '`name`, `value`, `labels`, `labels.<key>`, `at`, `tenantId` or `(point)`.' }),
    message: t.exposeString('message'),
  }),
});

const RecordMetricsPayload = builder.objectRef<{ accepted: number; rejected: MetricPointRejection[] }>('RecordMetricsPayload').implement({
  ...both,
  fields: (t) => ({
    accepted: t.exposeInt('accepted', { description: 'Points stored.' }),
    rejected: t.field({ type: [MetricPointRejectionRef], resolve: (p) => p.rejected }),
  }),
});

const MetricSample = builder.objectRef<{ at: Date; value: number }>('MetricSample').implement({
  ...both,
  fields: (t) => ({
    at: t.field({ type: 'DateTime', description: "The bucket's start.", resolve: (s) => s.at }),
    value: t.exposeFloat('value'),
  }),
});

const MetricSeriesResultRef = builder.objectRef<MetricSeriesResult>('MetricSeriesResult').implement({
  ...both,
  description: 'One series of a metric query: a group of the groupBy labels, for the platform or one tenant.',
  fields: (t) => ({
    labels: t.field({ type: 'JSON', description: 'The groupBy labels of this series (empty without groupBy).', resolve: (s) => s.labels }),
    tenantId: t.id({ nullable: true, description: "Null for the platform's own series.", resolve: (s) => s.tenantId }),
    points: t.field({ type: [MetricSample], description: 'Buckets with samples, oldest first.', resolve: (s) => s.points }),
  }),
});

const MetricNameRef = builder.objectRef<MetricNameSummary>('MetricName').implement({
  ...both,
  fields: (t) => ({
    name: t.exposeString('name'),
    seriesCount: t.exposeInt('seriesCount', { description: 'Distinct label sets (and tenants) recorded.' }),
    lastAt: t.field({ type: 'DateTime', nullable: true, description: 'Newest sample, to the minute.', resolve: (n) => n.lastAt }),
    labelKeys: t.exposeStringList('labelKeys', { description: 'Every label key its series use.' }),
  }),
});

const MonitoringSettingsRef = builder.objectRef<MonitoringSettings>('MonitoringSettings').implement({
  description: 'Retention of metric data and the alert evaluation cadence.',
  fields: (t) => ({
    rawRetentionDays: t.exposeInt('rawRetentionDays', { description: 'Days raw points are kept.' }),
    rollupRetentionDays: t.exposeInt('rollupRetentionDays', { description: 'Days hourly rollups are kept.' }),
    evaluationIntervalSecs: t.exposeInt('evaluationIntervalSecs', { description: 'Seconds between scheduled alert evaluations.' }),
    updatedAt: t.field({ type: 'DateTime', resolve: (s) => s.updatedAt }),
  }),
});

const MonitoringSettingsInput = builder.inputType('MonitoringSettingsInput', {
  fields: (t) => ({
    rawRetentionDays: t.int({ required: false, description: `${SETTINGS_BOUNDS.rawRetentionDays.min} to ${SETTINGS_BOUNDS.rawRetentionDays.max}.` }),
    rollupRetentionDays: t.int({ required: false, description: `${SETTINGS_BOUNDS.rollupRetentionDays.min} to ${SETTINGS_BOUNDS.rollupRetentionDays.max}, at least the raw retention.` }),
    evaluationIntervalSecs: t.int({ required: false, description: `${SETTINGS_BOUNDS.evaluationIntervalSecs.min} to ${SETTINGS_BOUNDS.evaluationIntervalSecs.max}.` }),
  }),
});

const labelsArg = z
  .record(z.string(), z.string(), { error: 'an object of string values' })
  .nullish();

builder.queryFields((t) => ({
  metricNames: t.field({
    type: [MetricNameRef],
    ...both,
    authScopes: { permission: 'MONITORING_READ', tenant: true },
    description: 'Recorded metric names containing `search` (case-insensitive), by name.',
    args: {
      search: t.arg.string({ required: false, validate: z.string().max(200, 'at most 200 characters').nullish() }),
      first: t.arg.int({ required: false, validate: z.number().int().min(1, 'at least 1').max(200, 'at most 200').nullish() }),
    },
    resolve: (_root, args, ctx) => readMetricNames(principalScope(ctx), args),
  }),
  metricSeries: t.field({
    type: [MetricSeriesResultRef],
    ...both,
    authScopes: { permission: 'MONITORING_READ', tenant: true },
    description:
      'A metric over [from, to) in buckets of `step` seconds (chosen when absent), one series per groupBy label set and tenant. ' +
      'At most 400 days, 1,000 buckets and 100 series; ranges past the raw retention or longer than 2 days read hourly rollups (steps in whole hours).',
    args: {
      name: t.arg.string(),
      labels: t.arg({ type: 'JSON', required: false, validate: labelsArg, description: 'Only series with these label values.' }),
      tenantId: t.arg.id({ required: false, validate: z.uuid('not a valid id').nullish(), description: "One tenant's series (admins); absent: all." }),
      from: t.arg({ type: 'DateTime' }),
      to: t.arg({ type: 'DateTime' }),
      step: t.arg.int({ required: false }),
      aggregation: t.arg({ type: MetricAggregationEnum }),
      groupBy: t.arg.stringList({ required: false }),
    },
    resolve: (_root, args, ctx) =>
      readMetricSeries(principalScope(ctx), {
        name: args.name, labelFilter: (args.labels ?? {}) as Record<string, string>, tenantId: args.tenantId, from: args.from, to: args.to,
        step: args.step, aggregation: args.aggregation, groupBy: args.groupBy ?? [],
      }),
  }),
  monitoringSettings: t.field({
    type: MonitoringSettingsRef,
    authScopes: { permission: 'MONITORING_READ' },
    resolve: (_root, _args, ctx) => monitoringSettings(adminScope(ctx).db),
  }),
}));

builder.mutationFields((t) => ({
  recordMetrics: t.field({
    type: RecordMetricsPayload,
    ...both,
    authScopes: { permission: 'MONITORING_WRITE', tenant: true },
    // Ingestion is data, not an admin action: no audit entry per batch (see ingest.ts).
    extensions: { notAudited: 'metric ingestion stores data points; the points themselves are the record' },
    description:
      `Stores a batch of at most ${METRIC_LIMITS.batch} points. Each invalid point is rejected with its field; the valid ones are stored. ` +
      "A tenant key's points belong to its tenant.",
    args: { points: t.arg({ type: [MetricPointInput] }) },
    resolve: (_root, { points }, ctx) => recordMetrics(principalScope(ctx), points),
  }),
  updateMonitoringSettings: t.field({
    type: MonitoringSettingsRef,
    ...adminMutation('MONITORING_WRITE', 'monitoringSettings.update', [InputError]),
    description: 'Changes the retention periods or the evaluation cadence; omitted fields stay.',
    args: { input: t.arg({ type: MonitoringSettingsInput }) },
    resolve: (_root, { input }, ctx) =>
      updateMonitoringSettings(adminScope(ctx), {
        rawRetentionDays: input.rawRetentionDays ?? undefined,
        rollupRetentionDays: input.rollupRetentionDays ?? undefined,
        evaluationIntervalSecs: input.evaluationIntervalSecs ?? undefined,
      }),
  }),
}));
