import { z } from 'zod';
import { bothGraphs as both, builder } from '../../graphql/builder.ts';
import { prismaEnum } from '../../graphql/enums.ts';
import { adminMutation, adminScope, principalScope, tenantScope, withoutNulls } from '../../graphql/helpers.ts';
import { ConflictError, InputError, InvalidTransitionError, NotFoundError } from '../../lib/errors.ts';
import { createApiKey, revokeApiKey } from './api-keys.ts';
import { readSettings } from './settings.ts';
import {
  activateTenant, changeTenantPlan, createTenant, deleteTenant, monthlyRecurringRevenue, suspendTenant, TENANT_CHANGE_KINDS,
  TENANT_STATUSES, tenantCountsByStatus, tenantSignups, updateTenant, type DailyCount, type MoneyAmount, type TenantChanged,
} from './service.ts';

export const TenantStatusEnum = prismaEnum('TenantStatus', both);
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
  // Select mode: a query loads the tenant's summary columns (read straight off the row: see CONTRIBUTING.md,
  // "Fields of a Prisma object") and the others only when its selection asks for them.
  select: { id: true, name: true, slug: true, status: true, ownerName: true, ownerEmail: true },
  ...both,
  // Fields are admin-only unless marked for tenants.
  defaultSubGraphsForFields: ['admin'],
  fields: (t) => ({
    id: t.id({ ...both, resolve: (r) => r.id }),
    name: t.string({ ...both, resolve: (r) => r.name }),
    slug: t.string({ ...both, resolve: (r) => r.slug }),
    status: t.field({ ...both, type: TenantStatusEnum, resolve: (r) => r.status }),
    plan: t.relation('plan', both),
    trialEndsAt: t.expose('trialEndsAt', { ...both, type: 'DateTime', nullable: true }),
    ownerName: t.string({ ...both, resolve: (r) => r.ownerName }),
    ownerEmail: t.string({ ...both, resolve: (r) => r.ownerEmail }),
    settings: t.field({ ...both, type: TenantSettingsRef, select: { settings: true }, resolve: (tenant) => readSettings(tenant.settings) }),
    suspensionReason: t.exposeString('suspensionReason', { nullable: true }),
    onboardedAt: t.expose('onboardedAt', { type: 'DateTime', nullable: true }),
    deletedAt: t.expose('deletedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { ...both, type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    apiKeys: t.relation('apiKeys', {
      authScopes: { permission: 'READ' },
      query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
    }),
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
  tenant: t.prismaField({
    type: 'Tenant',
    nullable: true,
    authScopes: { permission: 'READ' },
    args: { id: t.arg.id({ validate: z.uuid('not a valid id') }) },
    resolve: (query, _root, { id }, ctx) => adminScope(ctx).db.tenant.findUnique({ ...query, where: { id } }),
  }),
  tenantCounts: t.field({
    type: TenantStatusCounts,
    authScopes: { permission: 'READ' },
    description: 'Number of tenants in each status.',
    resolve: (_root, _args, ctx) => tenantCountsByStatus(adminScope(ctx)),
  }),
  monthlyRecurringRevenue: t.field({
    type: [MoneyAmountRef],
    authScopes: { permission: 'READ' },
    description: 'Monthly plan prices of ACTIVE tenants, summed per currency.',
    resolve: (_root, _args, ctx) => monthlyRecurringRevenue(adminScope(ctx)),
  }),
  tenantSignups: t.field({
    type: [DailyCountRef],
    authScopes: { permission: 'READ' },
    description: 'Tenants created on each UTC day of the last `days` days (1 to 366, today included), oldest first, zero-filled.',
    args: { days: t.arg.int({ required: false, defaultValue: 30 }) },
    resolve: (_root, { days }, ctx) => tenantSignups(adminScope(ctx), { days: days ?? 30 }),
  }),
}));

// ─── tenant graph ────────────────────────────────────────────────────────────

export const ViewerRef = builder.objectRef<{ tenantId: string }>('Viewer').implement({
  subGraphs: ['tenant'],
  description: 'The tenant that owns the API key making the request.',
  fields: (t) => ({
    tenant: t.prismaField({
      type: 'Tenant',
      resolve: (query, viewer, _args, ctx) => tenantScope(ctx).db.tenant.findUniqueOrThrow({ ...query, where: { id: viewer.tenantId } }),
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerRef,
    subGraphs: ['tenant'],
    authScopes: { tenant: true },
    resolve: (_root, _args, ctx) => ({ tenantId: tenantScope(ctx).principal.tenantId }),
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
    ...adminMutation('TENANTS_WRITE', 'tenant.create', [InputError, NotFoundError, ConflictError]),
    description: 'Creates a tenant on a trial of its plan and queues its onboarding.',
    args: { input: t.arg({ type: CreateTenantInput }) },
    resolve: (_q, _root, { input }, ctx) => createTenant(adminScope(ctx), cleanTenantInput(input) as never),
  }),
  updateTenant: t.prismaField({
    type: 'Tenant',
    ...adminMutation('TENANTS_WRITE', 'tenant.update', [InputError, NotFoundError, ConflictError]),
    args: { id: t.arg.id(), input: t.arg({ type: UpdateTenantInput }) },
    resolve: (_q, _root, { id, input }, ctx) => updateTenant(adminScope(ctx), id, cleanTenantInput(input)),
  }),
  changeTenantPlan: t.prismaField({
    type: 'Tenant',
    ...adminMutation('TENANTS_PLAN', 'tenant.changePlan', [InputError, NotFoundError, ConflictError]),
    args: { id: t.arg.id(), planId: t.arg.id() },
    resolve: (_q, _root, { id, planId }, ctx) => changeTenantPlan(adminScope(ctx), id, planId),
  }),
  suspendTenant: t.prismaField({
    type: 'Tenant',
    ...adminMutation('TENANTS_WRITE', 'tenant.suspend', [InputError, NotFoundError, InvalidTransitionError]),
    description: "Suspends a tenant: its API keys stop working until it is activated again.",
    args: { id: t.arg.id(), reason: t.arg.string() },
    resolve: (_q, _root, { id, reason }, ctx) => suspendTenant(adminScope(ctx), id, reason),
  }),
  activateTenant: t.prismaField({
    type: 'Tenant',
    ...adminMutation('TENANTS_WRITE', 'tenant.activate', [InputError, NotFoundError, InvalidTransitionError]),
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => activateTenant(adminScope(ctx), id),
  }),
  deleteTenant: t.prismaField({
    type: 'Tenant',
    ...adminMutation('TENANTS_WRITE', 'tenant.delete', [InputError, NotFoundError, InvalidTransitionError]),
    description: 'Soft-deletes a tenant: data is kept, status becomes DELETED and its keys stop working.',
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => deleteTenant(adminScope(ctx), id),
  }),
}));

// ─── API keys ────────────────────────────────────────────────────────────────

builder.prismaObject('TenantApiKey', {
  description: 'A tenant API key. The secret is shown once, at creation, and never stored in clear.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    prefix: t.string({ description: 'Visible start of the key, to recognise it.', select: { prefix: true }, resolve: (k) => `ogk_${k.prefix}` }),
    tenant: t.relation('tenant'),
    createdBy: t.relation('createdBy', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    active: t.boolean({
      select: { revokedAt: true, expiresAt: true },
      resolve: (k) => !k.revokedAt && (!k.expiresAt || k.expiresAt > new Date()),
    }),
  }),
});

const CreatedApiKey = builder
  .objectRef<{ apiKey: { id: string }; secret: string }>('CreatedApiKey')
  .implement({
    fields: (t) => ({
      secret: t.exposeString('secret', { description: 'The full key. Shown only this once.' }),
      apiKey: t.prismaField({
        type: 'TenantApiKey',
        resolve: (query, p, _a, ctx) => adminScope(ctx).db.tenantApiKey.findUniqueOrThrow({ ...query, where: { id: p.apiKey.id } }),
      }),
    }),
  });

const CreateApiKeyInput = builder.inputType('CreateTenantApiKeyInput', {
  fields: (t) => ({
    tenantId: t.id(),
    name: t.string(),
    expiresAt: t.field({ type: 'DateTime', required: false }),
  }),
});

builder.mutationFields((t) => ({
  createTenantApiKey: t.field({
    type: CreatedApiKey,
    ...adminMutation('API_KEYS_WRITE', 'apiKey.create', [InputError, NotFoundError, ConflictError]),
    args: { input: t.arg({ type: CreateApiKeyInput }) },
    resolve: (_root, { input }, ctx) => createApiKey(adminScope(ctx), input),
  }),
  revokeTenantApiKey: t.prismaField({
    type: 'TenantApiKey',
    ...adminMutation('API_KEYS_WRITE', 'apiKey.revoke', [InputError, NotFoundError, InvalidTransitionError]),
    description: 'Revokes a key: it stops at once, open connections included.',
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => revokeApiKey(adminScope(ctx), id),
  }),
}));

// ─── subscriptions ───────────────────────────────────────────────────────────

const TenantChangedEvent = builder.objectRef<TenantChanged>('TenantChangedEvent').implement({
  ...both,
  fields: (t) => ({
    tenantId: t.exposeID('tenantId'),
    kind: t.expose('kind', { type: TenantChangeKindEnum }),
    status: t.expose('status', { type: TenantStatusEnum }),
    tenant: t.prismaField({
      type: 'Tenant',
      nullable: true,
      description: 'The tenant as it is now.',
      // Through the scope's client: a tenant key reads only its own tenant.
      resolve: (query, e, _args, ctx) => principalScope(ctx).db.tenant.findUnique({ ...query, where: { id: e.tenantId } }),
    }),
  }),
});

builder.subscriptionFields((t) => ({
  tenantChanged: t.field({
    type: TenantChangedEvent,
    authScopes: { permission: 'READ' },
    description: 'Every change to any tenant, or to one tenant when `id` is given.',
    args: { id: t.arg.id({ required: false }) },
    subscribe: (_root, { id }, ctx) => ctx.subscribe('tenantChanged', (e) => !id || e.tenantId === id),
    resolve: (event) => event,
  }),
  viewerTenantChanged: t.field({
    type: TenantChangedEvent,
    subGraphs: ['tenant'],
    authScopes: { tenant: true },
    description: "Changes to the API key's own tenant.",
    // The tenant scope hears only its own tenant's events.
    subscribe: (_root, _args, ctx) => tenantScope(ctx).subscribe('tenantChanged'),
    resolve: (event) => event,
  }),
}));
