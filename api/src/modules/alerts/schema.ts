// Alert rules and alerts in the admin graph: types, the overview, the backtest, mutations and the live
// `alertEvents` subscription. tenant-schema.ts adds the tenant graph's tenant-safe subscription.
import { z } from 'zod';
import { bothGraphs as both, builder } from '../../graphql/builder.ts';
import { prismaEnum } from '../../graphql/enums.ts';
import type { Context } from '../../graphql/context.ts';
import { adminMutation, adminScope, withoutNulls } from '../../graphql/helpers.ts';
import { ConflictError, InputError, InvalidTransitionError, NotFoundError } from '../../lib/errors.ts';
import type { AlertSeverity } from '../../generated/prisma/enums.ts';
import { previewAlertRule, type AlertRulePreview, type PreviewEpisode } from './backtest.ts';
import { createAlertRule, deleteAlertRule, isSilenced, setAlertRuleEnabled, silenceAlertRule, unsilenceAlertRule, updateAlertRule } from './rules.ts';
import { acknowledgeAlert, monitoringOverview, resolveAlert, type AlertChanged, type MonitoringOverview } from './service.ts';

export const AlertSeverityEnum = prismaEnum('AlertSeverity', both);
export const AlertStateEnum = prismaEnum('AlertState', both);
const AlertSignalEnum = prismaEnum('AlertSignal');
const AlertOperatorEnum = prismaEnum('AlertOperator');
const AlertNoDataEnum = prismaEnum('AlertNoData');
const AlertEventKindEnum = prismaEnum('AlertEventKind');
const MetricAggregationEnum = prismaEnum('MetricAggregation');
export const AlertChangeKindEnum = builder.enumType('AlertChangeKind', {
  ...both,
  description: 'What happened to an alert.',
  values: ['PENDING', 'FIRING', 'ACKNOWLEDGED', 'RESOLVED'] as const,
});

/** Longest history or alert list one read returns. */
export const MAX_HISTORY = 500;
const bounded = (first: number | null | undefined, fallback: number) => Math.max(0, Math.min(first ?? fallback, MAX_HISTORY));
const firstArg = z.number().int('a whole number').min(0, 'must not be negative').max(MAX_HISTORY, `at most ${MAX_HISTORY}`).nullish();

// ─── types ───────────────────────────────────────────────────────────────────

builder.prismaObject('AlertEvent', {
  name: 'AlertHistoryEntry',
  description: "One entry of an alert's history: a transition, an acknowledgement or a repeat notification.",
  select: { id: true, alertId: true, ruleId: true, kind: true, fromState: true, toState: true, value: true, actorId: true, note: true, at: true },
  fields: (t) => ({
    id: t.id({ resolve: (e) => e.id }),
    alertId: t.id({ resolve: (e) => e.alertId }),
    ruleId: t.id({ resolve: (e) => e.ruleId }),
    kind: t.field({ type: AlertEventKindEnum, resolve: (e) => e.kind }),
    fromState: t.field({ type: AlertStateEnum, nullable: true, resolve: (e) => e.fromState }),
    toState: t.field({ type: AlertStateEnum, nullable: true, resolve: (e) => e.toState }),
    value: t.float({ nullable: true, description: 'The value evaluated at the time (null: no data).', resolve: (e) => e.value }),
    actorId: t.id({ nullable: true, description: 'The admin who did it (null: the platform).', resolve: (e) => e.actorId }),
    note: t.string({ nullable: true, resolve: (e) => e.note }),
    at: t.field({ type: 'DateTime', resolve: (e) => e.at }),
  }),
});

export const AlertRuleRef = builder.prismaObject('AlertRule', {
  description: 'A condition over a metric or a task\'s job runs that opens alerts.',
  select: {
    id: true, name: true, signal: true, metric: true, task: true, severity: true, enabled: true, tenantId: true, tenantVisible: true,
    operator: true, threshold: true, aggregation: true, windowSeconds: true, silencedUntil: true,
  },
  fields: (t) => ({
    id: t.id({ resolve: (r) => r.id }),
    name: t.string({ resolve: (r) => r.name }),
    description: t.exposeString('description', { nullable: true }),
    signal: t.field({ type: AlertSignalEnum, resolve: (r) => r.signal }),
    metric: t.string({ nullable: true, resolve: (r) => r.metric }),
    task: t.string({ nullable: true, resolve: (r) => r.task }),
    labelFilter: t.expose('labelFilter', { type: 'JSON' }),
    groupBy: t.exposeStringList('groupBy'),
    aggregation: t.field({ type: MetricAggregationEnum, resolve: (r) => r.aggregation }),
    windowSeconds: t.int({ resolve: (r) => r.windowSeconds }),
    operator: t.field({ type: AlertOperatorEnum, resolve: (r) => r.operator }),
    threshold: t.float({ resolve: (r) => r.threshold }),
    pendingSeconds: t.exposeInt('pendingSeconds'),
    keepFiringSeconds: t.exposeInt('keepFiringSeconds'),
    repeatIntervalSeconds: t.exposeInt('repeatIntervalSeconds', { description: '0: never repeat.' }),
    severity: t.field({ type: AlertSeverityEnum, resolve: (r) => r.severity }),
    noData: t.expose('noData', { type: AlertNoDataEnum }),
    enabled: t.boolean({ resolve: (r) => r.enabled }),
    tenantId: t.id({ nullable: true, resolve: (r) => r.tenantId }),
    tenant: t.relation('tenant', { nullable: true }),
    tenantVisible: t.boolean({ resolve: (r) => r.tenantVisible }),
    silencedUntil: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.silencedUntil }),
    silenced: t.boolean({ description: 'Silenced now: evaluated and recorded, not notified.', resolve: (r) => isSilenced(r) }),
    silencedById: t.exposeID('silencedById', { nullable: true }),
    lastEvaluatedAt: t.expose('lastEvaluatedAt', { type: 'DateTime', nullable: true }),
    createdById: t.exposeID('createdById', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    channelIds: t.idList({
      description: 'The channels it notifies.',
      select: { channels: { select: { channelId: true } } },
      resolve: (r) => r.channels.map((c) => c.channelId),
    }),
    alerts: t.relation('alerts', {
      description: `Its alerts, newest first (up to ${MAX_HISTORY}).`,
      args: { first: t.arg.int({ required: false, defaultValue: 20, validate: firstArg }) },
      query: ({ first }) => ({ orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], take: bounded(first, 20) }),
    }),
    history: t.relation('events', {
      description: `The history of all its alerts, newest first (up to ${MAX_HISTORY}).`,
      args: { first: t.arg.int({ required: false, defaultValue: 50, validate: firstArg }) },
      query: ({ first }) => ({ orderBy: [{ at: 'desc' }, { seq: 'desc' }], take: bounded(first, 50) }),
    }),
  }),
});

export const AlertRef = builder.prismaObject('Alert', {
  description: "One occurrence of a rule's condition for one label set: PENDING, FIRING, then RESOLVED.",
  select: {
    id: true, ruleId: true, labels: true, tenantId: true, tenantVisible: true, severity: true, state: true, value: true, startedAt: true,
    firedAt: true, resolvedAt: true, acknowledgedAt: true,
  },
  fields: (t) => ({
    id: t.id({ resolve: (a) => a.id }),
    ruleId: t.id({ resolve: (a) => a.ruleId }),
    rule: t.relation('rule'),
    labels: t.field({ type: 'JSON', resolve: (a) => a.labels }),
    tenantId: t.id({ nullable: true, resolve: (a) => a.tenantId }),
    tenant: t.relation('tenant', { nullable: true }),
    tenantVisible: t.boolean({ resolve: (a) => a.tenantVisible }),
    severity: t.field({ type: AlertSeverityEnum, resolve: (a) => a.severity }),
    state: t.field({ type: AlertStateEnum, resolve: (a) => a.state }),
    value: t.float({ nullable: true, description: 'The last evaluated value (null: no data).', resolve: (a) => a.value }),
    startedAt: t.field({ type: 'DateTime', resolve: (a) => a.startedAt }),
    firedAt: t.field({ type: 'DateTime', nullable: true, resolve: (a) => a.firedAt }),
    resolvedAt: t.field({ type: 'DateTime', nullable: true, resolve: (a) => a.resolvedAt }),
    resolvedById: t.exposeID('resolvedById', { nullable: true, description: 'Who resolved it by hand (null: it resolved on its own).' }),
    lastTrueAt: t.expose('lastTrueAt', { type: 'DateTime', nullable: true }),
    lastEvaluatedAt: t.expose('lastEvaluatedAt', { type: 'DateTime' }),
    acknowledged: t.boolean({ resolve: (a) => a.acknowledgedAt !== null }),
    acknowledgedAt: t.field({ type: 'DateTime', nullable: true, resolve: (a) => a.acknowledgedAt }),
    acknowledgedBy: t.relation('acknowledgedBy', { nullable: true }),
    acknowledgeNote: t.exposeString('acknowledgeNote', { nullable: true }),
    lastNotifiedAt: t.expose('lastNotifiedAt', { type: 'DateTime', nullable: true }),
    ticket: t.relation('ticket', { nullable: true, description: 'The support ticket a TICKET channel opened for it.' }),
    history: t.relation('events', {
      description: `What happened to it, oldest first (up to ${MAX_HISTORY}).`,
      args: { first: t.arg.int({ required: false, defaultValue: 200, validate: firstArg }) },
      query: ({ first }) => ({ orderBy: [{ at: 'asc' }, { seq: 'asc' }], take: bounded(first, 200) }),
    }),
  }),
});

const MonitoringHealthEnum = builder.enumType('MonitoringHealth', {
  description: 'From the open alerts: CRITICAL when a critical alert fires, WARNING when another one does.',
  values: ['HEALTHY', 'WARNING', 'CRITICAL'] as const,
});

const SeverityCount = builder.objectRef<{ severity: AlertSeverity; count: number }>('AlertSeverityCount').implement({
  fields: (t) => ({
    severity: t.field({ type: AlertSeverityEnum, resolve: (c) => c.severity }),
    count: t.exposeInt('count'),
  }),
});

const MonitoringOverviewRef = builder.objectRef<MonitoringOverview>('MonitoringOverview').implement({
  fields: (t) => ({
    health: t.field({ type: MonitoringHealthEnum, resolve: (o) => o.health }),
    firing: t.exposeInt('firing'),
    pending: t.exposeInt('pending'),
    bySeverity: t.field({ type: [SeverityCount], description: 'Firing alerts per severity.', resolve: (o) => o.bySeverity }),
  }),
});

const PreviewEpisodeRef = builder.objectRef<PreviewEpisode>('AlertRulePreviewEpisode').implement({
  description: 'One alert the rule would have opened.',
  fields: (t) => ({
    labels: t.field({ type: 'JSON', resolve: (e) => e.labels }),
    tenantId: t.exposeID('tenantId', { nullable: true }),
    pendingAt: t.field({ type: 'DateTime', resolve: (e) => e.pendingAt }),
    firedAt: t.field({ type: 'DateTime', nullable: true, resolve: (e) => e.firedAt }),
    resolvedAt: t.field({ type: 'DateTime', nullable: true, resolve: (e) => e.resolvedAt }),
  }),
});

const PreviewRef = builder.objectRef<AlertRulePreview>('AlertRulePreview').implement({
  description: 'What the rule would have done over past data, evaluated the way the platform evaluates it.',
  fields: (t) => ({
    firings: t.exposeInt('firings', { description: 'Alerts that would have fired.' }),
    evaluations: t.exposeInt('evaluations'),
    stepSeconds: t.exposeInt('stepSeconds', { description: 'Seconds between evaluations (the evaluation interval).' }),
    episodes: t.field({ type: [PreviewEpisodeRef], resolve: (p) => p.episodes }),
  }),
});

// ─── queries ─────────────────────────────────────────────────────────────────

const idArg = z.uuid('not a valid id');

builder.queryFields((t) => ({
  alertRule: t.prismaField({
    type: 'AlertRule',
    nullable: true,
    authScopes: { permission: 'MONITORING_READ' },
    args: { id: t.arg.id({ validate: idArg }) },
    resolve: (query, _root, { id }, ctx) => adminScope(ctx).db.alertRule.findUnique({ ...query, where: { id } }),
  }),
  alert: t.prismaField({
    type: 'Alert',
    nullable: true,
    authScopes: { permission: 'MONITORING_READ' },
    args: { id: t.arg.id({ validate: idArg }) },
    resolve: (query, _root, { id }, ctx) => adminScope(ctx).db.alert.findUnique({ ...query, where: { id } }),
  }),
  monitoringOverview: t.field({
    type: MonitoringOverviewRef,
    authScopes: { permission: 'MONITORING_READ' },
    description: 'Overall health from the open alerts.',
    resolve: (_root, _args, ctx) => monitoringOverview(adminScope(ctx)),
  }),
}));

// ─── input ───────────────────────────────────────────────────────────────────

const AlertRuleInput = builder.inputType('AlertRuleInput', {
  description: 'On update, omitted fields keep their values.',
  fields: (t) => ({
    name: t.string({ required: false, description: 'Unique. Required on create.' }),
    description: t.string({ required: false }),
    signal: t.field({ type: AlertSignalEnum, required: false, description: 'Default METRIC.' }),
    metric: t.string({ required: false, description: 'The metric (METRIC rules).' }),
    task: t.string({ required: false, description: 'The graphile-worker task (JOB_* rules).' }),
    labelFilter: t.field({ type: 'JSON', required: false, description: 'Flat object: series whose labels contain these pairs.' }),
    groupBy: t.stringList({ required: false, description: 'Labels that split the rule into one alert per value set.' }),
    aggregation: t.field({ type: MetricAggregationEnum, required: false }),
    windowSeconds: t.int({ required: false }),
    operator: t.field({ type: AlertOperatorEnum, required: false, description: 'Required on create.' }),
    threshold: t.float({ required: false, description: 'Required on create.' }),
    pendingSeconds: t.int({ required: false }),
    keepFiringSeconds: t.int({ required: false }),
    repeatIntervalSeconds: t.int({ required: false }),
    severity: t.field({ type: AlertSeverityEnum, required: false }),
    noData: t.field({ type: AlertNoDataEnum, required: false }),
    enabled: t.boolean({ required: false }),
    tenantId: t.id({ required: false }),
    tenantVisible: t.boolean({ required: false }),
    channelIds: t.idList({ required: false }),
  }),
});

const ruleErrors = [InputError, NotFoundError, ConflictError] as const;

builder.queryField('previewAlertRule', (t) =>
  t.field({
    type: PreviewRef,
    authScopes: { permission: 'MONITORING_READ' },
    errors: { types: [InputError] },
    description: 'Backtest: replays a draft rule over [from, to] one evaluation interval at a time (at most 5,000 evaluations).',
    args: { input: t.arg({ type: AlertRuleInput }), from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }) },
    resolve: (_root, { input, from, to }, ctx) => previewAlertRule(adminScope(ctx), withoutNulls(input) as never, from, to),
  }),
);

// ─── mutations ───────────────────────────────────────────────────────────────

/** The changed record read again with the mutation's selection (relations and on-demand columns). */
// A selection of `__typename` alone plans an empty `select`, which Prisma refuses: the id is always read.
const withId = (query: { select?: object }) => (query.select ? { ...query, select: { id: true, ...query.select } } : query);
const rereadRule = (ctx: Context, query: object, rule: { id: string }) =>
  adminScope(ctx).db.alertRule.findUniqueOrThrow({ ...withId(query), where: { id: rule.id } });
const rereadAlert = (ctx: Context, query: object, alert: { id: string }) =>
  adminScope(ctx).db.alert.findUniqueOrThrow({ ...withId(query), where: { id: alert.id } });

builder.mutationFields((t) => ({
  createAlertRule: t.prismaField({
    type: 'AlertRule',
    ...adminMutation('MONITORING_WRITE', 'alertRule.create', ruleErrors),
    args: { input: t.arg({ type: AlertRuleInput }) },
    resolve: async (query, _root, { input }, ctx) => rereadRule(ctx, query, await createAlertRule(adminScope(ctx), withoutNulls(input) as never)),
  }),
  updateAlertRule: t.prismaField({
    type: 'AlertRule',
    ...adminMutation('MONITORING_WRITE', 'alertRule.update', ruleErrors),
    description: 'Changes a rule; a rule that now measures something else resolves its open alerts and starts over.',
    args: { id: t.arg.id(), input: t.arg({ type: AlertRuleInput }) },
    resolve: async (query, _root, { id, input }, ctx) => rereadRule(ctx, query, await updateAlertRule(adminScope(ctx), id, withoutNulls(input) as never)),
  }),
  deleteAlertRule: t.prismaField({
    type: 'AlertRule',
    ...adminMutation('MONITORING_WRITE', 'alertRule.delete', [InputError, NotFoundError]),
    description: 'Deletes a rule with its alerts and their history.',
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => deleteAlertRule(adminScope(ctx), id),
  }),
  setAlertRuleEnabled: t.prismaField({
    type: 'AlertRule',
    ...adminMutation('MONITORING_WRITE', 'alertRule.setEnabled', [InputError, NotFoundError]),
    description: 'Disabling resolves its open alerts; enabling evaluates it at once.',
    args: { id: t.arg.id(), enabled: t.arg.boolean() },
    resolve: async (query, _root, { id, enabled }, ctx) => rereadRule(ctx, query, await setAlertRuleEnabled(adminScope(ctx), id, enabled)),
  }),
  silenceAlertRule: t.prismaField({
    type: 'AlertRule',
    ...adminMutation('MONITORING_WRITE', 'alertRule.silence', [InputError, NotFoundError]),
    description: 'No notifications until `until` (at most 90 days); the rule is still evaluated and its alerts recorded.',
    args: { id: t.arg.id(), until: t.arg({ type: 'DateTime' }) },
    resolve: async (query, _root, { id, until }, ctx) => rereadRule(ctx, query, await silenceAlertRule(adminScope(ctx), id, until)),
  }),
  unsilenceAlertRule: t.prismaField({
    type: 'AlertRule',
    ...adminMutation('MONITORING_WRITE', 'alertRule.unsilence', [InputError, NotFoundError]),
    args: { id: t.arg.id() },
    resolve: async (query, _root, { id }, ctx) => rereadRule(ctx, query, await unsilenceAlertRule(adminScope(ctx), id)),
  }),
  acknowledgeAlert: t.prismaField({
    type: 'Alert',
    ...adminMutation('MONITORING_WRITE', 'alert.acknowledge', [InputError, NotFoundError, InvalidTransitionError]),
    description: 'Records who acknowledged the open alert and when; stops its repeat notifications.',
    args: { id: t.arg.id(), note: t.arg.string({ required: false, description: 'Why (at most 2,000 characters).' }) },
    resolve: async (query, _root, { id, note }, ctx) => rereadAlert(ctx, query, await acknowledgeAlert(adminScope(ctx), id, note)),
  }),
  resolveAlert: t.prismaField({
    type: 'Alert',
    ...adminMutation('MONITORING_WRITE', 'alert.resolve', [InputError, NotFoundError, InvalidTransitionError]),
    description: 'Resolves an open alert by hand; if the condition still holds, the next evaluation opens a new one.',
    args: { id: t.arg.id(), note: t.arg.string({ required: false, description: 'Why (at most 2,000 characters).' }) },
    resolve: async (query, _root, { id, note }, ctx) => rereadAlert(ctx, query, await resolveAlert(adminScope(ctx), id, note)),
  }),
}));

// ─── subscriptions ───────────────────────────────────────────────────────────

/**
 * Reads of an event's alert in flight, by alert and selection. Every subscription group of an instance
 * resolves `alert` for the same event at the same moment (and an alert opened and fired at once sends two
 * events together): reads that overlap share one statement, and any read after it has settled is a new one.
 */
const alertReads = new Map<string, Promise<unknown>>();
function readAlert<T>(key: string, read: () => Promise<T>): Promise<T> {
  let pending = alertReads.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = read();
    alertReads.set(key, pending);
    const forget = () => alertReads.delete(key);
    pending.then(forget, forget);
  }
  return pending;
}

const AlertEventPayload = builder.objectRef<AlertChanged>('AlertEventPayload').implement({
  description: 'An alert opened, fired, was acknowledged or resolved.',
  fields: (t) => ({
    kind: t.field({ type: AlertChangeKindEnum, resolve: (e) => e.kind }),
    alertId: t.exposeID('alertId'),
    ruleId: t.exposeID('ruleId'),
    ruleName: t.exposeString('ruleName'),
    severity: t.field({ type: AlertSeverityEnum, resolve: (e) => e.severity }),
    state: t.field({ type: AlertStateEnum, resolve: (e) => e.state }),
    tenantId: t.exposeID('tenantId', { nullable: true }),
    at: t.field({ type: 'DateTime', resolve: (e) => new Date(e.at) }),
    alert: t.prismaField({
      type: 'Alert',
      nullable: true,
      description: 'The alert as it is now.',
      resolve: (query, e, _args, ctx) => {
        const db = adminScope(ctx).db;
        return readAlert(`${e.alertId} ${JSON.stringify(query)}`, () => db.alert.findUnique({ ...query, where: { id: e.alertId } }));
      },
    }),
  }),
});

builder.subscriptionField('alertEvents', (t) =>
  t.field({
    type: AlertEventPayload,
    authScopes: { permission: 'MONITORING_READ' },
    description: 'Alerts opening, firing, acknowledged and resolving anywhere; only these severities when given.',
    args: { severity: t.arg({ type: [AlertSeverityEnum], required: false }) },
    subscribe: (_root, { severity }, ctx) => ctx.subscribe('alertChanged', (e) => !severity?.length || severity.includes(e.severity)),
    resolve: (event) => event,
  }),
);
