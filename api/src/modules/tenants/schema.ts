import { z } from 'zod';
import { bothGraphs as both, builder } from '../../graphql/builder.ts';
import { adminActor, adminMutation, requireTenant, withoutNulls } from '../../graphql/helpers.ts';
import { TENANT_CHANGE_KINDS, type EventMap } from '../../events.ts';
import { readSettings } from './settings.ts';
import {
  activateTenant, changeTenantPlan, createTenant, deleteTenant, monthlyRecurringRevenue, suspendTenant, TENANT_SORTS,
  TENANT_STATUSES, tenantCountsByStatus, tenantSignups, tenantWhere, updateTenant, type DailyCount, type MoneyAmount,
  type TenantSort,
} from './service.ts';

export const TenantStatusEnum = builder.enumType('TenantStatus', { ...both, values: TENANT_STATUSES });
const TenantSortEnum = builder.enumType('TenantSort', {
  values: Object.keys(TENANT_SORTS) as TenantSort[],
});
const TenantChangeKindEnum = builder.enumType('TenantChangeKind', {
  ...both,
  values: TENANT_CHANGE_KINDS,
});

const TenantSettingsRef = builder.objectRef<ReturnType<typeof readSettings>>('TenantSettings').implement({
  ...both,
  fields: (t) => ({
    timezone: t.exposeString('timezone'),
    locale: t.exposeString('locale'),
    supportEmail: t.exposeString('supportEmail', { nullable: true }),
    brandColor: t.exposeString('brandColor', { nullable: true }),
  }),
});

export const TenantRef = builder.prismaObject('Tenant', {
  // Select mode: a query loads only the columns its selection needs.
  select: { id: true },
  ...both,
  // Fields are admin-only unless marked for tenants.
  defaultSubGraphsForFields: ['admin'],
  fields: (t) => ({
    id: t.exposeID('id', both),
    name: t.exposeString('name', both),
    slug: t.exposeString('slug', both),
    status: t.expose('status', { ...both, type: TenantStatusEnum }),
    plan: t.relation('plan', both),
    trialEndsAt: t.expose('trialEndsAt', { ...both, type: 'DateTime', nullable: true }),
    ownerName: t.exposeString('ownerName', both),
    ownerEmail: t.exposeString('ownerEmail', both),
    settings: t.field({ ...both, type: TenantSettingsRef, select: { settings: true }, resolve: (tenant) => readSettings(tenant.settings) }),
    suspensionReason: t.exposeString('suspensionReason', { nullable: true }),
    onboardedAt: t.expose('onboardedAt', { type: 'DateTime', nullable: true }),
    deletedAt: t.expose('deletedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { ...both, type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    apiKeys: t.relation('apiKeys', {
      authScopes: { permission: 'read' },
      query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
    }),
  }),
});

const TenantFilterInput = builder.inputType('TenantFilter', {
  fields: (t) => ({
    status: t.field({ type: [TenantStatusEnum], required: false }),
    planId: t.id({ required: false }),
    search: t.string({ required: false, description: 'Matches name, slug or owner email (case-insensitive).' }),
    createdFrom: t.field({ type: 'DateTime', required: false }),
    createdTo: t.field({ type: 'DateTime', required: false }),
    trialEndsBefore: t.field({ type: 'DateTime', required: false, description: 'Trial ends strictly before this time.' }),
    trialEndsAfter: t.field({ type: 'DateTime', required: false, description: 'Trial ends strictly after this time.' }),
  }),
});

const TenantStatusCounts = builder.objectRef<Record<(typeof TENANT_STATUSES)[number], number>>('TenantStatusCounts').implement({
  fields: (t) => ({
    TRIALING: t.exposeInt('TRIALING'),
    ACTIVE: t.exposeInt('ACTIVE'),
    PAST_DUE: t.exposeInt('PAST_DUE'),
    SUSPENDED: t.exposeInt('SUSPENDED'),
    DELETED: t.exposeInt('DELETED'),
    total: t.int({ resolve: (c) => Object.values(c).reduce((a, b) => a + b, 0) }),
  }),
});

const MoneyAmountRef = builder.objectRef<MoneyAmount>('MoneyAmount').implement({
  description: 'An amount of money in one currency.',
  fields: (t) => ({
    amount: t.exposeInt('amount', { description: 'Minor units (cents).' }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code.' }),
  }),
});

const DailyCountRef = builder.objectRef<DailyCount>('DailyCount').implement({
  fields: (t) => ({
    day: t.exposeString('day', { description: 'UTC day, YYYY-MM-DD.' }),
    count: t.exposeInt('count'),
  }),
});

builder.queryFields((t) => ({
  tenants: t.prismaConnection(
    {
      type: 'Tenant',
      cursor: 'id',
      authScopes: { permission: 'read' },
      args: {
        filter: t.arg({ type: TenantFilterInput, required: false }),
        sort: t.arg({ type: TenantSortEnum, required: false, defaultValue: 'CREATED_AT_DESC' }),
      },
      resolve: (query, _root, args, ctx) =>
        ctx.db.tenant.findMany({
          ...query,
          where: tenantWhere(withoutNulls(args.filter ?? {})),
          orderBy: TENANT_SORTS[args.sort ?? 'CREATED_AT_DESC'],
        }),
      totalCount: (_root, args, ctx) => ctx.db.tenant.count({ where: tenantWhere(withoutNulls(args.filter ?? {})) }),
    },
    {},
  ),
  tenant: t.prismaField({
    type: 'Tenant',
    nullable: true,
    authScopes: { permission: 'read' },
    args: { id: t.arg.id({ validate: z.uuid('not a valid id') }) },
    resolve: (query, _root, { id }, ctx) => ctx.db.tenant.findUnique({ ...query, where: { id } }),
  }),
  tenantCounts: t.field({
    type: TenantStatusCounts,
    authScopes: { permission: 'read' },
    description: 'Number of tenants in each status.',
    resolve: (_root, _args, ctx) => tenantCountsByStatus(ctx.app),
  }),
  monthlyRecurringRevenue: t.field({
    type: [MoneyAmountRef],
    authScopes: { permission: 'read' },
    description: 'Monthly plan prices of ACTIVE tenants, summed per currency.',
    resolve: (_root, _args, ctx) => monthlyRecurringRevenue(ctx.app),
  }),
  tenantSignups: t.field({
    type: [DailyCountRef],
    authScopes: { permission: 'read' },
    description: 'Tenants created on each UTC day of the last `days` days (1 to 366, today included), oldest first, zero-filled.',
    args: { days: t.arg.int({ required: false, defaultValue: 30 }) },
    resolve: (_root, { days }, ctx) => tenantSignups(ctx.app, { days: days ?? 30 }),
  }),
}));

// ─── tenant graph ────────────────────────────────────────────────────────────

const Viewer = builder.objectRef<{ tenantId: string }>('Viewer').implement({
  subGraphs: ['tenant'],
  description: 'The tenant that owns the API key making the request.',
  fields: (t) => ({
    tenant: t.prismaField({
      type: 'Tenant',
      resolve: (query, viewer, _args, ctx) => ctx.db.tenant.findUniqueOrThrow({ ...query, where: { id: viewer.tenantId } }),
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: Viewer,
    subGraphs: ['tenant'],
    authScopes: { tenant: true },
    resolve: (_root, _args, ctx) => ({ tenantId: requireTenant(ctx).tenantId }),
  }),
);

// ─── mutations ───────────────────────────────────────────────────────────────

const TenantSettingsInput = builder.inputType('TenantSettingsInput', {
  fields: (t) => ({
    timezone: t.string({ required: false, description: 'IANA time zone, e.g. Europe/Paris.' }),
    locale: t.string({ required: false }),
    supportEmail: t.string({ required: false }),
    brandColor: t.string({ required: false }),
  }),
});

const CreateTenantInput = builder.inputType('CreateTenantInput', {
  fields: (t) => ({
    name: t.string(),
    slug: t.string({ required: false, description: 'Derived from the name when omitted.' }),
    planId: t.id(),
    ownerName: t.string(),
    ownerEmail: t.string(),
    settings: t.field({ type: TenantSettingsInput, required: false }),
  }),
});

const UpdateTenantInput = builder.inputType('UpdateTenantInput', {
  fields: (t) => ({
    name: t.string({ required: false }),
    slug: t.string({ required: false }),
    ownerName: t.string({ required: false }),
    ownerEmail: t.string({ required: false }),
    settings: t.field({ type: TenantSettingsInput, required: false }),
  }),
});

/** Omitted fields are left as they are; in settings an explicit null clears a nullable setting. */
function cleanTenantInput<T extends { settings?: object | null }>(input: T) {
  const clean = withoutNulls(input) as Record<string, unknown>;
  if (input.settings) clean.settings = Object.fromEntries(Object.entries(input.settings).filter(([, v]) => v !== undefined));
  return clean;
}

builder.mutationFields((t) => ({
  createTenant: t.prismaField({
    type: 'Tenant',
    ...adminMutation('tenants:write', 'tenant.create'),
    description: 'Creates a tenant on a trial of its plan and queues its onboarding.',
    args: { input: t.arg({ type: CreateTenantInput }) },
    resolve: (_q, _root, { input }, ctx) => createTenant(ctx.app, adminActor(ctx), cleanTenantInput(input) as never),
  }),
  updateTenant: t.prismaField({
    type: 'Tenant',
    ...adminMutation('tenants:write', 'tenant.update'),
    args: { id: t.arg.id(), input: t.arg({ type: UpdateTenantInput }) },
    resolve: (_q, _root, { id, input }, ctx) => updateTenant(ctx.app, adminActor(ctx), id, cleanTenantInput(input)),
  }),
  changeTenantPlan: t.prismaField({
    type: 'Tenant',
    ...adminMutation('tenants:plan', 'tenant.changePlan'),
    args: { id: t.arg.id(), planId: t.arg.id() },
    resolve: (_q, _root, { id, planId }, ctx) => changeTenantPlan(ctx.app, adminActor(ctx), id, planId),
  }),
  suspendTenant: t.prismaField({
    type: 'Tenant',
    ...adminMutation('tenants:write', 'tenant.suspend'),
    description: "Suspends a tenant: its API keys stop working until it is activated again.",
    args: { id: t.arg.id(), reason: t.arg.string() },
    resolve: (_q, _root, { id, reason }, ctx) => suspendTenant(ctx.app, adminActor(ctx), id, reason),
  }),
  activateTenant: t.prismaField({
    type: 'Tenant',
    ...adminMutation('tenants:write', 'tenant.activate'),
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => activateTenant(ctx.app, adminActor(ctx), id),
  }),
  deleteTenant: t.prismaField({
    type: 'Tenant',
    ...adminMutation('tenants:write', 'tenant.delete'),
    description: 'Soft-deletes a tenant: data is kept, status becomes DELETED and its keys stop working.',
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => deleteTenant(ctx.app, adminActor(ctx), id),
  }),
}));

// ─── subscriptions ───────────────────────────────────────────────────────────

const TenantChangedEvent = builder.objectRef<EventMap['tenantChanged']>('TenantChangedEvent').implement({
  ...both,
  fields: (t) => ({
    tenantId: t.exposeID('tenantId'),
    kind: t.expose('kind', { type: TenantChangeKindEnum }),
    status: t.expose('status', { type: TenantStatusEnum }),
    tenant: t.prismaField({
      type: 'Tenant',
      nullable: true,
      description: 'The tenant as it is now.',
      resolve: (query, e, _args, ctx) => ctx.db.tenant.findUnique({ ...query, where: { id: e.tenantId } }),
    }),
  }),
});

builder.subscriptionFields((t) => ({
  tenantChanged: t.field({
    type: TenantChangedEvent,
    authScopes: { permission: 'read' },
    description: 'Every change to any tenant, or to one tenant when `id` is given.',
    args: { id: t.arg.id({ required: false }) },
    subscribe: (_root, { id }, ctx) => ctx.app.pubsub.subscribe('tenantChanged', (e) => !id || e.tenantId === id),
    resolve: (event) => event,
  }),
  viewerTenantChanged: t.field({
    type: TenantChangedEvent,
    subGraphs: ['tenant'],
    authScopes: { tenant: true },
    description: "Changes to the API key's own tenant.",
    subscribe: (_root, _args, ctx) => {
      const { tenantId } = requireTenant(ctx);
      return ctx.app.pubsub.subscribe('tenantChanged', (e) => e.tenantId === tenantId);
    },
    resolve: (event) => event,
  }),
}));
