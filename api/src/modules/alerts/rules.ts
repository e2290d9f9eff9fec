// Alert rules: validation, create/update/delete, enable/disable, silence. Every change is audited and
// published as `alertRuleChanged` (the ingest hook's rule cache listens to it).
import { z } from 'zod';
import type { AlertRule } from '../../generated/prisma/client.ts';
import type { AlertNoData, AlertOperator, AlertSeverity, AlertSignal, MetricAggregation } from '../../generated/prisma/enums.ts';
import { InputError, parseInput } from '../../lib/errors.ts';
import { enumValues } from '../../lib/list.ts';
import { findOrNotFound } from '../../lib/records.ts';
import { id as idSchema, name, text } from '../../lib/strings.ts';
import type { PlatformScope } from '../../scope.ts';
import { changedFields } from '../audit/diff.ts';
import { runAudited, type AuditedTransaction } from '../audit/service.ts';
import { forgetRules } from './ingest.ts';
import { resolveOpenAlertsOfRule } from './service.ts';

export const ALERT_SIGNALS = enumValues('AlertSignal');
export const ALERT_OPERATORS = enumValues('AlertOperator');
export const ALERT_SEVERITIES = enumValues('AlertSeverity');
export const ALERT_NO_DATA = enumValues('AlertNoData');
export const METRIC_AGGREGATIONS = enumValues('MetricAggregation');

export const MIN_WINDOW_SECONDS = 10;
export const MAX_WINDOW_SECONDS = 7 * 24 * 3600;
export const MAX_PENDING_SECONDS = 7 * 24 * 3600;
export const MAX_KEEP_FIRING_SECONDS = 7 * 24 * 3600;
export const MIN_REPEAT_SECONDS = 60;
export const MAX_REPEAT_SECONDS = 30 * 24 * 3600;
export const MAX_LABEL_FILTERS = 20;
export const MAX_GROUP_BY = 10;
export const MAX_RULE_CHANNELS = 20;

const enumOf = <T extends string>(values: T[]) => z.enum(values as [T, ...T[]], `one of ${values.join(', ')}`);

/** Metric names: letters, digits, `_`, `:` and `.`, starting with a letter, `_` or `:` (Prometheus' shape plus dots). */
export const metricName = text({ min: 1, max: 200 }).regex(/^[A-Za-z_:][A-Za-z0-9_:.]*$/, 'letters, digits, _ : and ., starting with a letter, _ or :');
/** graphile-worker task identifiers as defineTask accepts them. */
const taskName = text({ min: 1, max: 200 }).regex(/^[A-Za-z][A-Za-z0-9_.:-]*$/, 'a task name (letters, digits, _ . : -)');
export const labelName = text({ min: 1, max: 100 }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a label name (letters, digits and _, not starting with a digit)');
const labelValue = text({ max: 200, trim: false });

/** A flat object of string label values. */
export const labelFilterSchema = z
  .record(z.string(), z.unknown(), 'a JSON object of label names to string values')
  .superRefine((value, ctx) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const entries = Object.entries(value);
    if (entries.length > MAX_LABEL_FILTERS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_LABEL_FILTERS} labels` });
    for (const [key, v] of entries) {
      const keyCheck = labelName.safeParse(key);
      if (!keyCheck.success) ctx.addIssue({ code: 'custom', path: [key], message: keyCheck.error.issues[0]!.message });
      if (typeof v !== 'string') ctx.addIssue({ code: 'custom', path: [key], message: 'must be a string (the object must be flat)' });
      else {
        const valueCheck = labelValue.safeParse(v);
        if (!valueCheck.success) ctx.addIssue({ code: 'custom', path: [key], message: valueCheck.error.issues[0]!.message });
      }
    }
  })
  .transform((value) => Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))) as Record<string, string>);

const seconds = (min: number, max: number) =>
  z.number('a number of seconds').int('a whole number of seconds').min(min, `at least ${min}`).max(max, `at most ${max}`);

export const ruleFields = z
  .object({
    name: name(200),
    description: text({ max: 2000 }).nullable().default(null),
    signal: enumOf<AlertSignal>(ALERT_SIGNALS).default('METRIC'),
    metric: metricName.nullable().default(null),
    task: taskName.nullable().default(null),
    labelFilter: labelFilterSchema.default({}),
    groupBy: z
      .array(labelName)
      .max(MAX_GROUP_BY, `at most ${MAX_GROUP_BY} labels`)
      .refine((list) => new Set(list).size === list.length, 'each label once')
      .default([]),
    aggregation: enumOf<MetricAggregation>(METRIC_AGGREGATIONS).default('AVG'),
    windowSeconds: seconds(MIN_WINDOW_SECONDS, MAX_WINDOW_SECONDS).default(300),
    operator: enumOf<AlertOperator>(ALERT_OPERATORS),
    threshold: z.number('a number').refine(Number.isFinite, 'a finite number'),
    pendingSeconds: seconds(0, MAX_PENDING_SECONDS).default(0),
    keepFiringSeconds: seconds(0, MAX_KEEP_FIRING_SECONDS).default(0),
    repeatIntervalSeconds: seconds(0, MAX_REPEAT_SECONDS)
      .refine((s) => s === 0 || s >= MIN_REPEAT_SECONDS, `0 (never) or at least ${MIN_REPEAT_SECONDS}`)
      .default(3600),
    severity: enumOf<AlertSeverity>(ALERT_SEVERITIES).default('WARNING'),
    noData: enumOf<AlertNoData>(ALERT_NO_DATA).default('OK'),
    enabled: z.boolean().default(true),
    tenantId: idSchema.nullable().default(null),
    tenantVisible: z.boolean().default(false),
    channelIds: z
      .array(idSchema)
      .max(MAX_RULE_CHANNELS, `at most ${MAX_RULE_CHANNELS} channels`)
      .transform((list) => [...new Set(list)])
      .default([]),
  })
  .superRefine((rule, ctx) => {
    if (rule.signal === 'METRIC') {
      if (!rule.metric) ctx.addIssue({ code: 'custom', path: ['metric'], message: 'required for a METRIC rule' });
      if (rule.task) ctx.addIssue({ code: 'custom', path: ['task'], message: 'only for JOB_* rules' });
    } else {
      if (!rule.task) ctx.addIssue({ code: 'custom', path: ['task'], message: `required for a ${rule.signal} rule` });
      if (rule.metric) ctx.addIssue({ code: 'custom', path: ['metric'], message: 'only for METRIC rules' });
      if (Object.keys(rule.labelFilter).length) ctx.addIssue({ code: 'custom', path: ['labelFilter'], message: 'only for METRIC rules' });
      if (rule.groupBy.length) ctx.addIssue({ code: 'custom', path: ['groupBy'], message: 'only for METRIC rules' });
      if (rule.tenantId) ctx.addIssue({ code: 'custom', path: ['tenantId'], message: 'job-run rules are the platform\'s (no tenant)' });
    }
    if (rule.tenantVisible && rule.signal !== 'METRIC') ctx.addIssue({ code: 'custom', path: ['tenantVisible'], message: 'only for METRIC rules' });
  });

export type AlertRuleInput = z.input<typeof ruleFields>;
export type RuleDefinition = z.output<typeof ruleFields>;

/** The parts of a rule evaluation needs (a saved rule, or a draft being previewed). */
export type EvaluableRule = Pick<
  AlertRule,
  'signal' | 'metric' | 'task' | 'groupBy' | 'aggregation' | 'windowSeconds' | 'operator' | 'threshold' | 'pendingSeconds' | 'keepFiringSeconds' | 'noData' | 'tenantId'
> & { labelFilter: Record<string, string> };

type Tx = AuditedTransaction<PlatformScope>;

/** Validates a rule, and that the tenant and channels it names exist. */
export async function parseRule(db: PlatformScope['db'] | Tx['db'], input: unknown): Promise<RuleDefinition> {
  const rule = parseInput(ruleFields, input);
  await checkReferences(db, rule);
  return rule;
}

async function checkReferences(db: PlatformScope['db'] | Tx['db'], rule: Pick<RuleDefinition, 'tenantId' | 'channelIds'>): Promise<void> {
  const [tenant, channels] = await Promise.all([
    rule.tenantId ? db.tenant.findUnique({ where: { id: rule.tenantId }, select: { id: true } }) : null,
    rule.channelIds.length ? db.alertChannel.findMany({ where: { id: { in: rule.channelIds } }, select: { id: true } }) : [],
  ]);
  if (rule.tenantId && !tenant) throw InputError.field(['input', 'tenantId'], 'no such tenant');
  const known = new Set(channels.map((c) => c.id));
  const missing = rule.channelIds.filter((channelId) => !known.has(channelId));
  if (missing.length) throw InputError.field(['input', 'channelIds'], `no such channel: ${missing.join(', ')}`);
}

function ruleData({ channelIds: _channels, ...rule }: RuleDefinition) {
  return rule;
}

/** An audited rule change; the ingest hook's rule cache of this instance is dropped once it commits. */
async function ruleChange<T>(scope: PlatformScope, work: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await runAudited(scope, work);
  forgetRules(scope.db);
  return result;
}

async function publishRule(tx: Tx, ruleId: string): Promise<void> {
  await tx.publish('alertRuleChanged', { ruleId });
}

/** Queues one evaluation of the rule at once (after its transaction commits). */
async function evaluateSoon(tx: Tx, ruleId: string): Promise<void> {
  await tx.enqueue('alertRuleEvaluate', { ruleId }, { jobKey: `alert-rule-evaluate:${ruleId}` });
}

const findRule = (tx: Tx) => (ruleId: string) => tx.db.alertRule.findUnique({ where: { id: ruleId } });

async function lockedRule(tx: Tx, id: string): Promise<AlertRule> {
  return findOrNotFound('AlertRule', id, findRule(tx), { lock: tx });
}

export async function createAlertRule(scope: PlatformScope, input: AlertRuleInput): Promise<AlertRule> {
  const rule = parseInput(ruleFields, input);
  const createdById = scope.principal.kind === 'admin' ? scope.principal.userId : null;
  return ruleChange(scope, async (tx) => {
    await checkReferences(tx.db, rule);
    const created = await tx.db.alertRule.create({
      data: { ...ruleData(rule), createdById, channels: { create: rule.channelIds.map((channelId) => ({ channelId })) } },
    });
    await tx.audit({ action: 'alertRule.create', targetType: 'AlertRule', targetId: created.id, tenantId: created.tenantId, after: { ...created, channelIds: rule.channelIds } });
    await publishRule(tx, created.id);
    if (created.enabled) await evaluateSoon(tx, created.id);
    return created;
  });
}

/** Omitted fields keep their values; the whole rule is validated again. */
export async function updateAlertRule(scope: PlatformScope, id: string, input: Partial<AlertRuleInput>): Promise<AlertRule> {
  return ruleChange(scope, async (tx) => {
    const before = await lockedRule(tx, id);
    const channels = await tx.db.alertRuleChannel.findMany({ where: { ruleId: id }, select: { channelId: true } });
    const current = { ...before, channelIds: channels.map((c) => c.channelId) };
    const merged = { ...pickRuleFields(current), ...input };
    const rule = parseInput(ruleFields, merged);
    const data = ruleData(rule);
    const changed = changedFields(before, data);
    const channelsChanged = rule.channelIds.slice().sort().join() !== current.channelIds.slice().sort().join();
    if (!changed.length && !channelsChanged) return tx.unchanged(before);
    await checkReferences(tx.db, rule);
    if (channelsChanged) {
      await tx.db.alertRuleChannel.deleteMany({ where: { ruleId: id } });
      await tx.db.alertRuleChannel.createMany({ data: rule.channelIds.map((channelId) => ({ ruleId: id, channelId })) });
    }
    // A rule that now measures something else, or for another tenant, starts over.
    const redefined = changed.some((f) => ['signal', 'metric', 'task', 'labelFilter', 'groupBy', 'tenantId'].includes(f));
    if (redefined || (changed.includes('enabled') && !rule.enabled)) await resolveOpenAlertsOfRule(tx, id, redefined ? 'rule redefined' : 'rule disabled');
    const after = await tx.db.alertRule.update({ where: { id }, data });
    await tx.audit({
      action: 'alertRule.update', targetType: 'AlertRule', targetId: id, tenantId: after.tenantId,
      before: current, after: { ...after, channelIds: rule.channelIds },
    });
    await publishRule(tx, id);
    if (after.enabled) await evaluateSoon(tx, id);
    return after;
  });
}

function pickRuleFields(rule: AlertRule & { channelIds: string[] }): AlertRuleInput {
  return {
    name: rule.name, description: rule.description, signal: rule.signal, metric: rule.metric, task: rule.task,
    labelFilter: rule.labelFilter as Record<string, string>, groupBy: rule.groupBy, aggregation: rule.aggregation,
    windowSeconds: rule.windowSeconds, operator: rule.operator, threshold: rule.threshold, pendingSeconds: rule.pendingSeconds,
    keepFiringSeconds: rule.keepFiringSeconds, repeatIntervalSeconds: rule.repeatIntervalSeconds, severity: rule.severity,
    noData: rule.noData, enabled: rule.enabled, tenantId: rule.tenantId, tenantVisible: rule.tenantVisible, channelIds: rule.channelIds,
  };
}

export async function deleteAlertRule(scope: PlatformScope, id: string): Promise<AlertRule> {
  return ruleChange(scope, async (tx) => {
    const before = await lockedRule(tx, id);
    await tx.db.$executeRaw`SELECT graphile_worker.remove_job(${`alert-rule-evaluate:${id}`})`;
    await tx.db.alertRule.delete({ where: { id } });
    await tx.audit({ action: 'alertRule.delete', targetType: 'AlertRule', targetId: id, tenantId: before.tenantId, before });
    await publishRule(tx, id);
    return before;
  });
}

export async function setAlertRuleEnabled(scope: PlatformScope, id: string, enabled: boolean): Promise<AlertRule> {
  if (typeof enabled !== 'boolean') throw InputError.field('enabled', 'true or false');
  return ruleChange(scope, async (tx) => {
    const before = await lockedRule(tx, id);
    if (before.enabled === enabled) return tx.unchanged(before);
    if (!enabled) await resolveOpenAlertsOfRule(tx, id, 'rule disabled');
    const after = await tx.db.alertRule.update({ where: { id }, data: { enabled } });
    await tx.audit({ action: 'alertRule.setEnabled', targetType: 'AlertRule', targetId: id, tenantId: after.tenantId, before: { enabled: before.enabled }, after: { enabled } });
    await publishRule(tx, id);
    if (enabled) await evaluateSoon(tx, id);
    return after;
  });
}

/** Longest silence. */
export const MAX_SILENCE_MS = 90 * 24 * 3600 * 1000;

/** Silenced rules are still evaluated and their alerts recorded; only their notifications stop. */
export async function silenceAlertRule(scope: PlatformScope, id: string, until: Date): Promise<AlertRule> {
  const now = Date.now();
  if (!(until instanceof Date) || Number.isNaN(until.getTime())) throw InputError.field('until', 'not a valid date and time');
  if (until.getTime() <= now) throw InputError.field('until', 'must be in the future');
  if (until.getTime() > now + MAX_SILENCE_MS) throw InputError.field('until', 'at most 90 days ahead');
  const silencedById = scope.principal.kind === 'admin' ? scope.principal.userId : null;
  return ruleChange(scope, async (tx) => {
    const before = await lockedRule(tx, id);
    const after = await tx.db.alertRule.update({ where: { id }, data: { silencedUntil: until, silencedById } });
    await tx.audit({
      action: 'alertRule.silence', targetType: 'AlertRule', targetId: id, tenantId: after.tenantId,
      before: { silencedUntil: before.silencedUntil }, after: { silencedUntil: after.silencedUntil },
    });
    await publishRule(tx, id);
    return after;
  });
}

export async function unsilenceAlertRule(scope: PlatformScope, id: string): Promise<AlertRule> {
  return ruleChange(scope, async (tx) => {
    const before = await lockedRule(tx, id);
    if (!before.silencedUntil || before.silencedUntil.getTime() <= Date.now()) return tx.unchanged(before);
    const after = await tx.db.alertRule.update({ where: { id }, data: { silencedUntil: null, silencedById: null } });
    await tx.audit({
      action: 'alertRule.unsilence', targetType: 'AlertRule', targetId: id, tenantId: after.tenantId,
      before: { silencedUntil: before.silencedUntil }, after: { silencedUntil: null },
    });
    await publishRule(tx, id);
    return after;
  });
}

export function isSilenced(rule: Pick<AlertRule, 'silencedUntil'>, at: Date = new Date()): boolean {
  return !!rule.silencedUntil && rule.silencedUntil > at;
}
