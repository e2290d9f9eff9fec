import type { Evaluation, FlagRule, Rollout, TraceStep } from '@opsgraph/flag-evaluator';
import { z } from 'zod';
import { bothGraphs as both, builder } from '../../graphql/builder.ts';
import { prismaEnum } from '../../graphql/enums.ts';
import type { Context } from '../../graphql/context.ts';
import { adminMutation, adminScope } from '../../graphql/helpers.ts';
import { ConflictError, InputError, InvalidTransitionError, NotFoundError } from '../../lib/errors.ts';
import { AlertRuleRef } from '../alerts/schema.ts';
import {
  cancelFlagChange, createFlag, deleteFlag, evaluationCounts, explainFlag, FLAG_CHANGE_KINDS, removeFlagTenantOverride, removeFlagUserOverride,
  scheduleFlagChange, setFlagEnabled, setFlagRollout, setFlagRules, setFlagTenantOverride, setFlagUserOverride, updateFlag, type FlagChanged,
} from './service.ts';
import { CONSTRAINT_OPERATORS, fromBasisPoints } from './values.ts';

/** The most rows a flag's nested lists (overrides, pauses) return in one answer. */
const MAX_NESTED = 500;
function nestedTake(first: number | null | undefined): number {
  const n = first ?? 100;
  if (!Number.isInteger(n) || n < 1 || n > MAX_NESTED) throw InputError.field('first', `between 1 and ${MAX_NESTED}`);
  return n;
}

export const FlagTypeEnum = prismaEnum('FlagType', both);
export const FlagStickinessEnum = prismaEnum('FlagStickiness', both);
const FlagScheduledChangeKindEnum = prismaEnum('FlagScheduledChangeKind');
const FlagScheduledChangeStatusEnum = prismaEnum('FlagScheduledChangeStatus');

const FlagConstraintOperatorEnum = builder.enumType('FlagConstraintOperator', { ...both, values: CONSTRAINT_OPERATORS });

export const EVALUATION_REASONS = ['DISABLED', 'TENANT_OVERRIDE', 'USER_OVERRIDE', 'RULE', 'ROLLOUT', 'ENTITLEMENT', 'SAFEGUARD_PAUSED', 'DEFAULT'] as const satisfies readonly Evaluation['reason'][];
export const FlagEvaluationReasonEnum = builder.enumType('FlagEvaluationReason', {
  ...both,
  description: 'What decided a flag\'s value, in evaluation order.',
  values: EVALUATION_REASONS,
});

const TRACE_STEPS = ['ENABLED', 'TENANT_OVERRIDE', 'USER_OVERRIDE', 'SAFEGUARD', 'RULE', 'ROLLOUT', 'ENTITLEMENT', 'DEFAULT'] as const satisfies readonly TraceStep['step'][];
const FlagTraceStepKindEnum = builder.enumType('FlagTraceStepKind', { values: TRACE_STEPS });
const FlagChangeKindEnum = builder.enumType('FlagChangeKind', { values: FLAG_CHANGE_KINDS });

export const FlagContextInput = builder.inputType('FlagContextInput', {
  ...both,
  description: "Who the flags are evaluated for: a tenant user (external id) and attributes, over the user's stored ones.",
  fields: (t) => ({
    userId: t.string({ required: false }),
    attributes: t.field({ type: 'JSON', required: false, description: 'A JSON object: string, number, boolean or string-list values.' }),
  }),
});

// ─── the flag ────────────────────────────────────────────────────────────────

const FlagRolloutRef = builder.objectRef<Rollout>('FlagRollout').implement({
  fields: (t) => ({
    percentage: t.exposeFloat('percentage', { description: '0 to 100, two decimals at most.' }),
    stickiness: t.field({ type: FlagStickinessEnum, resolve: (r) => r.stickiness }),
  }),
});

const FlagConstraintRef = builder.objectRef<FlagRule['constraints'][number]>('FlagConstraint').implement({
  fields: (t) => ({
    attribute: t.exposeString('attribute', { description: 'tenantId, plan, tenantStatus, userId, or an attribute name.' }),
    operator: t.field({ type: FlagConstraintOperatorEnum, resolve: (c) => c.operator }),
    values: t.exposeStringList('values'),
  }),
});

const FlagRuleRef = builder.objectRef<FlagRule>('FlagRule').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    description: t.exposeString('description'),
    constraints: t.field({ type: [FlagConstraintRef], resolve: (r) => r.constraints }),
    value: t.field({ type: 'JSON', nullable: true, resolve: (r) => r.value }),
    rollout: t.field({ type: FlagRolloutRef, nullable: true, resolve: (r) => r.rollout }),
  }),
});

builder.prismaObject('FlagTenantOverride', {
  fields: (t) => ({
    tenant: t.relation('tenant'),
    value: t.field({ type: 'JSON', nullable: true, select: { value: true }, resolve: (o) => o.value }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.prismaObject('FlagUserOverride', {
  fields: (t) => ({
    tenant: t.relation('tenant'),
    externalUserId: t.exposeString('externalUserId'),
    value: t.field({ type: 'JSON', nullable: true, select: { value: true }, resolve: (o) => o.value }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.prismaObject('FlagSafeguardPause', {
  description: "An alert of one of the flag's safeguard rules firing for a tenant: its rules, rollout and entitlement are paused there.",
  fields: (t) => ({
    tenant: t.relation('tenant'),
    alertRule: t.relation('alertRule'),
    alertId: t.exposeID('alertId'),
    since: t.expose('startedAt', { type: 'DateTime' }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
  }),
});

export const FlagScheduledChangeRef = builder.prismaObject('FlagScheduledChange', {
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.expose('kind', { type: FlagScheduledChangeKindEnum }),
    percentage: t.float({ nullable: true, select: { basisPoints: true }, description: 'SET_ROLLOUT: the new percentage (null: no rollout).', resolve: (c) => (c.basisPoints === null ? null : fromBasisPoints(c.basisPoints)) }),
    stickiness: t.expose('stickiness', { type: FlagStickinessEnum, nullable: true }),
    runAt: t.expose('runAt', { type: 'DateTime' }),
    status: t.expose('status', { type: FlagScheduledChangeStatusEnum }),
    appliedAt: t.expose('appliedAt', { type: 'DateTime', nullable: true }),
    error: t.exposeString('error', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    flag: t.relation('flag'),
  }),
});

const FlagEvaluationCountRef = builder.objectRef<{ day: string; count: number }>('FlagEvaluationCount').implement({
  fields: (t) => ({
    day: t.exposeString('day', { description: 'UTC day, YYYY-MM-DD.' }),
    count: t.exposeInt('count'),
  }),
});

export const FlagRef = builder.prismaObject('Flag', {
  fields: (t) => ({
    id: t.exposeID('id'),
    key: t.exposeString('key'),
    description: t.exposeString('description'),
    type: t.expose('type', { type: FlagTypeEnum }),
    variants: t.exposeStringList('variants', { description: 'STRING flags: the allowed values (empty: any).' }),
    jsonSchema: t.field({ type: 'JSON', nullable: true, description: 'JSON flags: the schema every value must satisfy.', select: { jsonSchema: true }, resolve: (f) => f.jsonSchema }),
    defaultValue: t.field({ type: 'JSON', nullable: true, select: { defaultValue: true }, resolve: (f) => f.defaultValue }),
    onValue: t.field({ type: 'JSON', nullable: true, description: 'Served by the rollout and the entitlement.', select: { onValue: true }, resolve: (f) => f.onValue }),
    enabled: t.exposeBoolean('enabled', { description: 'The kill switch: a disabled flag serves its default to everyone.' }),
    owner: t.exposeString('owner', { nullable: true }),
    tags: t.exposeStringList('tags'),
    rules: t.field({ type: [FlagRuleRef], select: { rules: true }, resolve: (f) => f.rules as unknown as FlagRule[] }),
    rollout: t.field({
      type: FlagRolloutRef,
      nullable: true,
      select: { rolloutBasisPoints: true, rolloutStickiness: true },
      resolve: (f) => (f.rolloutBasisPoints === null ? null : { percentage: fromBasisPoints(f.rolloutBasisPoints), stickiness: f.rolloutStickiness }),
    }),
    entitlement: t.exposeString('entitlement', { nullable: true, description: 'Tenants whose plan lists this entitlement get the on value.' }),
    safeguardRules: t.field({
      type: [AlertRuleRef],
      description: 'While one of these fires for a tenant, the rules, rollout and entitlement are paused for it.',
      select: (_args, _ctx, nested) => ({ safeguardRules: { select: { alertRule: nested(true) }, orderBy: { alertRuleId: 'asc' } } }),
      // A deleted flag is returned as it was read, without its relations.
      resolve: (f) => (f.safeguardRules ?? []).map((r) => r.alertRule),
    }),
    safeguardPauses: t.relation('safeguardPauses', {
      description: 'The pauses in force now (their alerts fire).',
      query: { where: { endedAt: null }, orderBy: [{ startedAt: 'asc' }, { id: 'asc' }], take: MAX_NESTED },
    }),
    staleAfterDays: t.exposeInt('staleAfterDays'),
    stale: t.boolean({
      description: 'Not evaluated in staleAfterDays, and older than that.',
      select: { staleAt: true },
      resolve: (f) => f.staleAt <= new Date(),
    }),
    lastEvaluatedAt: t.expose('lastEvaluatedAt', { type: 'DateTime', nullable: true }),
    evaluationCounts: t.field({
      type: [FlagEvaluationCountRef],
      description: 'Evaluations per UTC day in [from, to], all tenants (days without any left out).',
      args: { from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }) },
      select: { id: true },
      resolve: (f, { from, to }, ctx) => evaluationCounts(adminScope(ctx), f.id, from, to),
    }),
    tenantOverrides: t.relation('tenantOverrides', {
      description: `The first \`first\` (at most ${MAX_NESTED}) tenant overrides, oldest first.`,
      args: { first: t.arg.int({ defaultValue: 100 }) },
      query: ({ first }) => ({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: nestedTake(first) }),
    }),
    userOverrides: t.relation('userOverrides', {
      description: `The first \`first\` (at most ${MAX_NESTED}) user overrides, by tenant and user.`,
      args: { first: t.arg.int({ defaultValue: 100 }) },
      query: ({ first }) => ({ orderBy: [{ tenantId: 'asc' }, { externalUserId: 'asc' }], take: nestedTake(first) }),
    }),
    scheduledChanges: t.relation('scheduledChanges', { query: { orderBy: [{ runAt: 'desc' }, { id: 'desc' }], take: 100 } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

// ─── queries ─────────────────────────────────────────────────────────────────

const FlagTraceStepRef = builder.objectRef<TraceStep>('FlagTraceStep').implement({
  fields: (t) => ({
    step: t.field({ type: FlagTraceStepKindEnum, resolve: (s) => s.step }),
    ruleId: t.exposeString('ruleId', { nullable: true }),
    matched: t.exposeBoolean('matched'),
    detail: t.exposeString('detail'),
  }),
});

const FlagExplanationRef = builder.objectRef<Evaluation>('FlagExplanation').implement({
  description: "One flag evaluated for one tenant, with every step the evaluator took.",
  fields: (t) => ({
    key: t.exposeString('key'),
    value: t.field({ type: 'JSON', nullable: true, resolve: (e) => e.value }),
    reason: t.field({ type: FlagEvaluationReasonEnum, resolve: (e) => e.reason }),
    ruleId: t.exposeString('ruleId', { nullable: true }),
    bucket: t.exposeInt('bucket', { nullable: true, description: '0..9999 when a rollout was consulted.' }),
    pausedBy: t.exposeIDList('pausedBy', { description: 'The firing safeguard alert rules (reason SAFEGUARD_PAUSED).' }),
    trace: t.field({ type: [FlagTraceStepRef], resolve: (e) => e.trace ?? [] }),
  }),
});

builder.queryFields((t) => ({
  flag: t.prismaField({
    type: 'Flag',
    nullable: true,
    authScopes: { permission: 'READ' },
    args: { id: t.arg.id({ validate: z.uuid('not a valid id') }) },
    resolve: (query, _root, { id }, ctx) => adminScope(ctx).db.flag.findUnique({ ...query, where: { id } }),
  }),
  flagByKey: t.prismaField({
    type: 'Flag',
    nullable: true,
    authScopes: { permission: 'READ' },
    args: { key: t.arg.string({ validate: z.string().max(100, 'at most 100 characters') }) },
    resolve: (query, _root, { key }, ctx) => adminScope(ctx).db.flag.findUnique({ ...query, where: { key } }),
  }),
  explainFlag: t.field({
    type: FlagExplanationRef,
    authScopes: { permission: 'READ' },
    description: "How a flag evaluates for a tenant (and user/attributes) now, step by step. Not counted as an evaluation.",
    args: { key: t.arg.string(), tenantId: t.arg.id(), context: t.arg({ type: FlagContextInput, required: false }) },
    resolve: (_root, { key, tenantId, context }, ctx) => explainFlag(adminScope(ctx), key, tenantId, context as never),
  }),
}));

// ─── mutations ───────────────────────────────────────────────────────────────

const FlagRolloutInput = builder.inputType('FlagRolloutInput', {
  fields: (t) => ({
    percentage: t.float({ description: '0 to 100, two decimals at most.' }),
    stickiness: t.field({ type: FlagStickinessEnum, required: false, description: 'Default TENANT.' }),
  }),
});

const FlagConstraintInput = builder.inputType('FlagConstraintInput', {
  fields: (t) => ({
    attribute: t.string(),
    operator: t.field({ type: FlagConstraintOperatorEnum }),
    values: t.stringList({ description: 'IN / NOT_IN: one or more; the other operators: exactly one.' }),
  }),
});

const FlagRuleInput = builder.inputType('FlagRuleInput', {
  fields: (t) => ({
    id: t.string({ required: false, description: 'Kept when given (a rule being edited); a new rule gets one.' }),
    description: t.string({ required: false }),
    constraints: t.field({ type: [FlagConstraintInput] }),
    value: t.field({ type: 'JSON', required: false, description: "The value served when the rule matches, of the flag's type." }),
    rollout: t.field({ type: FlagRolloutInput, required: false, description: 'Only this share of the matching keys.' }),
  }),
});

const CreateFlagInput = builder.inputType('CreateFlagInput', {
  fields: (t) => ({
    key: t.string(),
    type: t.field({ type: FlagTypeEnum }),
    description: t.string({ required: false }),
    owner: t.string({ required: false }),
    tags: t.stringList({ required: false }),
    variants: t.stringList({ required: false }),
    jsonSchema: t.field({ type: 'JSON', required: false }),
    defaultValue: t.field({ type: 'JSON', required: false, description: 'Default false for BOOLEAN flags; required otherwise.' }),
    onValue: t.field({ type: 'JSON', required: false, description: 'Default true for BOOLEAN flags; required otherwise.' }),
    entitlement: t.string({ required: false }),
    safeguardRuleIds: t.idList({ required: false }),
    staleAfterDays: t.int({ required: false, description: 'Default 30.' }),
    enabled: t.boolean({ required: false, description: 'Default false.' }),
  }),
});

const UpdateFlagInput = builder.inputType('UpdateFlagInput', {
  description: 'Omitted fields stay as they are; null clears owner, entitlement and jsonSchema.',
  fields: (t) => ({
    description: t.string({ required: false }),
    owner: t.string({ required: false }),
    tags: t.stringList({ required: false }),
    defaultValue: t.field({ type: 'JSON', required: false }),
    onValue: t.field({ type: 'JSON', required: false }),
    variants: t.stringList({ required: false }),
    jsonSchema: t.field({ type: 'JSON', required: false }),
    entitlement: t.string({ required: false }),
    safeguardRuleIds: t.idList({ required: false }),
    staleAfterDays: t.int({ required: false }),
  }),
});

/** Omitted fields stay; explicit nulls clear what may be cleared (JSON values keep a given null). */
function updateInput(input: Record<string, unknown>) {
  const clearable = new Set(['owner', 'entitlement', 'jsonSchema', 'defaultValue', 'onValue']);
  return Object.fromEntries(Object.entries(input).filter(([key, value]) => value !== undefined && (value !== null || clearable.has(key))));
}

const flagErrors = [InputError, NotFoundError] as const;

/** The changed flag as the mutation's selection asks for it (its relations in the same statement; an empty selection reads the id). */
const reread = (ctx: Context, query: { select?: object }, flag: { id: string }) =>
  adminScope(ctx).db.flag.findUniqueOrThrow({ ...query, ...(query.select ? { select: { id: true, ...query.select } } : {}), where: { id: flag.id } });

builder.mutationFields((t) => ({
  createFlag: t.prismaField({
    type: 'Flag',
    ...adminMutation('FLAGS_WRITE', 'flag.create', [InputError, ConflictError]),
    description: 'Creates a flag (disabled unless `enabled`); its key is unique.',
    args: { input: t.arg({ type: CreateFlagInput }) },
    resolve: async (query, _root, { input }, ctx) => reread(ctx, query, await createFlag(adminScope(ctx), input as never)),
  }),
  updateFlag: t.prismaField({
    type: 'Flag',
    ...adminMutation('FLAGS_WRITE', 'flag.update', flagErrors),
    args: { id: t.arg.id(), input: t.arg({ type: UpdateFlagInput }) },
    resolve: async (query, _root, { id, input }, ctx) => reread(ctx, query, await updateFlag(adminScope(ctx), id, updateInput(input) as never)),
  }),
  setFlagEnabled: t.prismaField({
    type: 'Flag',
    ...adminMutation('FLAGS_WRITE', 'flag.setEnabled', flagErrors),
    description: 'The kill switch. Setting what it already is changes nothing.',
    args: { id: t.arg.id(), enabled: t.arg.boolean() },
    resolve: async (query, _root, { id, enabled }, ctx) => reread(ctx, query, await setFlagEnabled(adminScope(ctx), id, enabled)),
  }),
  setFlagRules: t.prismaField({
    type: 'Flag',
    ...adminMutation('FLAGS_WRITE', 'flag.setRules', flagErrors),
    description: 'Replaces the targeting rules (tried in order, first match wins).',
    args: { id: t.arg.id(), rules: t.arg({ type: [FlagRuleInput] }) },
    resolve: async (query, _root, { id, rules }, ctx) => reread(ctx, query, await setFlagRules(adminScope(ctx), id, rules as never)),
  }),
  setFlagRollout: t.prismaField({
    type: 'Flag',
    ...adminMutation('FLAGS_WRITE', 'flag.setRollout', flagErrors),
    description: 'The share of keys served the on value after the rules; a null percentage removes the rollout.',
    args: { id: t.arg.id(), percentage: t.arg.float({ required: false }), stickiness: t.arg({ type: FlagStickinessEnum, required: false }) },
    resolve: async (query, _root, { id, percentage, stickiness }, ctx) => reread(ctx, query, await setFlagRollout(adminScope(ctx), id, percentage ?? null, stickiness)),
  }),
  setFlagTenantOverride: t.prismaField({
    type: 'Flag',
    ...adminMutation('FLAGS_WRITE', 'flag.setTenantOverride', flagErrors),
    description: 'What one tenant is served, whatever the rules say (while the flag is enabled).',
    args: { flagId: t.arg.id(), tenantId: t.arg.id(), value: t.arg({ type: 'JSON', required: false }) },
    resolve: async (query, _root, { flagId, tenantId, value }, ctx) => reread(ctx, query, await setFlagTenantOverride(adminScope(ctx), flagId, tenantId, value ?? null)),
  }),
  removeFlagTenantOverride: t.prismaField({
    type: 'Flag',
    ...adminMutation('FLAGS_WRITE', 'flag.removeTenantOverride', flagErrors),
    args: { flagId: t.arg.id(), tenantId: t.arg.id() },
    resolve: async (query, _root, { flagId, tenantId }, ctx) => reread(ctx, query, await removeFlagTenantOverride(adminScope(ctx), flagId, tenantId)),
  }),
  setFlagUserOverride: t.prismaField({
    type: 'Flag',
    ...adminMutation('FLAGS_WRITE', 'flag.setUserOverride', flagErrors),
    description: "What one of a tenant's users (by external id) is served, after the tenant's own override.",
    args: { flagId: t.arg.id(), tenantId: t.arg.id(), externalUserId: t.arg.string(), value: t.arg({ type: 'JSON', required: false }) },
    resolve: async (query, _root, { flagId, tenantId, externalUserId, value }, ctx) => reread(ctx, query, await setFlagUserOverride(adminScope(ctx), flagId, tenantId, externalUserId, value ?? null)),
  }),
  removeFlagUserOverride: t.prismaField({
    type: 'Flag',
    ...adminMutation('FLAGS_WRITE', 'flag.removeUserOverride', flagErrors),
    args: { flagId: t.arg.id(), tenantId: t.arg.id(), externalUserId: t.arg.string() },
    resolve: async (query, _root, { flagId, tenantId, externalUserId }, ctx) => reread(ctx, query, await removeFlagUserOverride(adminScope(ctx), flagId, tenantId, externalUserId)),
  }),
  scheduleFlagChange: t.prismaField({
    type: 'FlagScheduledChange',
    ...adminMutation('FLAGS_WRITE', 'flag.scheduleChange', flagErrors),
    description: 'Enables, disables or sets the rollout at `runAt` (SET_ROLLOUT: a null percentage removes it).',
    args: {
      flagId: t.arg.id(),
      kind: t.arg({ type: FlagScheduledChangeKindEnum }),
      runAt: t.arg({ type: 'DateTime' }),
      percentage: t.arg.float({ required: false }),
      stickiness: t.arg({ type: FlagStickinessEnum, required: false }),
    },
    resolve: (_q, _root, { flagId, kind, runAt, percentage, stickiness }, ctx) =>
      scheduleFlagChange(adminScope(ctx), flagId, { kind, runAt, percentage, stickiness }),
  }),
  cancelFlagChange: t.prismaField({
    type: 'FlagScheduledChange',
    ...adminMutation('FLAGS_WRITE', 'flag.cancelChange', [InputError, NotFoundError, InvalidTransitionError]),
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => cancelFlagChange(adminScope(ctx), id),
  }),
  deleteFlag: t.prismaField({
    type: 'Flag',
    ...adminMutation('FLAGS_WRITE', 'flag.delete', flagErrors),
    description: 'Deletes a flag with its overrides, scheduled changes and counts; clients then get their defaults.',
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => deleteFlag(adminScope(ctx), id),
  }),
}));

// ─── subscriptions ───────────────────────────────────────────────────────────

const FlagChangedEvent = builder.objectRef<FlagChanged>('FlagChangedEvent').implement({
  fields: (t) => ({
    flagId: t.exposeID('flagId'),
    key: t.exposeString('key'),
    kind: t.field({ type: FlagChangeKindEnum, resolve: (e) => e.kind }),
    tenantId: t.exposeID('tenantId', { nullable: true, description: 'Set when only that tenant is concerned (its overrides, its pauses).' }),
    flag: t.prismaField({
      type: 'Flag',
      nullable: true,
      description: 'The flag as it is now (null once deleted).',
      resolve: (query, e, _args, ctx) => adminScope(ctx).db.flag.findUnique({ ...query, where: { id: e.flagId } }),
    }),
  }),
});

builder.subscriptionField('flagChanged', (t) =>
  t.field({
    type: FlagChangedEvent,
    authScopes: { permission: 'READ' },
    description: 'Every change to any flag, or to one flag when `id` is given.',
    args: { id: t.arg.id({ required: false }) },
    subscribe: (_root, { id }, ctx) => adminScope(ctx).subscribe('flagChanged', (e) => !id || e.flagId === id),
    resolve: (event) => event,
  }),
);
