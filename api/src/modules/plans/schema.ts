import { z } from 'zod';
import { bothGraphs as both, builder } from '../../graphql/builder.ts';
import { prismaEnum } from '../../graphql/enums.ts';
import { adminMutation, adminScope, principalScope, withoutNulls } from '../../graphql/helpers.ts';
import { ConflictError, InputError, InvalidTransitionError, NotFoundError } from '../../lib/errors.ts';
import { createPlan, deletePlan, formatPrice, priceLocale, setPlanArchived, updatePlan } from './service.ts';

export const PlanStatusEnum = prismaEnum('PlanStatus');

const Quotas = builder
  .objectRef<{ emailsPerMonth: number; smsPerMonth: number; seats: number; apiCallsPerMonth: number }>('PlanQuotas')
  .implement({
    subGraphs: ['admin', 'tenant'],
    description: 'Usage included in a plan each month.',
    fields: (t) => ({
      emailsPerMonth: t.exposeInt('emailsPerMonth'),
      smsPerMonth: t.exposeInt('smsPerMonth'),
      seats: t.exposeInt('seats'),
      apiCallsPerMonth: t.exposeInt('apiCallsPerMonth'),
    }),
  });

export const PlanRef = builder.prismaObject('Plan', {
  // Select mode: a query loads the plan's summary columns (read straight off the row: see CONTRIBUTING.md,
  // "Fields of a Prisma object") and the others only when its selection asks for them.
  select: { id: true, code: true, name: true, currency: true, monthlyPrice: true, yearlyPrice: true, status: true },
  subGraphs: ['admin', 'tenant'],
  defaultSubGraphsForFields: ['admin'],
  fields: (t) => ({
    id: t.id({ ...both, resolve: (r) => r.id }),
    code: t.string({ ...both, resolve: (r) => r.code }),
    name: t.string({ ...both, resolve: (r) => r.name }),
    description: t.exposeString('description', both),
    currency: t.string({ ...both, description: 'ISO 4217 currency of the prices.', resolve: (r) => r.currency }),
    monthlyPrice: t.int({ ...both, description: 'Price per month in minor units (cents).', resolve: (r) => r.monthlyPrice }),
    yearlyPrice: t.int({ ...both, description: 'Price per year in minor units (cents).', resolve: (r) => r.yearlyPrice }),
    displayMonthlyPrice: t.string({
      ...both,
      description: 'The monthly price formatted in the `pricing.displayLocale` setting (a tenant key: its own), e.g. $49.00.',
      resolve: async (r, _args, ctx) => formatPrice(r.monthlyPrice, r.currency, await priceLocale(principalScope(ctx))),
    }),
    displayYearlyPrice: t.string({
      ...both,
      description: 'The yearly price formatted like displayMonthlyPrice.',
      resolve: async (r, _args, ctx) => formatPrice(r.yearlyPrice, r.currency, await priceLocale(principalScope(ctx))),
    }),
    trialDays: t.exposeInt('trialDays', both),
    quotas: t.field({ ...both, type: Quotas, select: { emailsPerMonth: true, smsPerMonth: true, seats: true, apiCallsPerMonth: true }, resolve: (plan) => plan }),
    entitlements: t.exposeStringList('entitlements', { ...both, description: 'Feature keys the plan unlocks.' }),
    status: t.field({ type: PlanStatusEnum, resolve: (r) => r.status }),
    tenantCount: t.relationCount('tenants'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const CreatePlanInput = builder.inputType('CreatePlanInput', {
  fields: (t) => ({
    code: t.string(),
    name: t.string(),
    description: t.string({ required: false }),
    currency: t.string(),
    monthlyPrice: t.int({ description: 'Minor units (cents).' }),
    yearlyPrice: t.int({ description: 'Minor units (cents).' }),
    trialDays: t.int(),
    emailsPerMonth: t.int(),
    smsPerMonth: t.int(),
    seats: t.int(),
    apiCallsPerMonth: t.int(),
    entitlements: t.stringList(),
  }),
});

const UpdatePlanInput = builder.inputType('UpdatePlanInput', {
  fields: (t) => ({
    code: t.string({ required: false }),
    name: t.string({ required: false }),
    description: t.string({ required: false }),
    currency: t.string({ required: false }),
    monthlyPrice: t.int({ required: false }),
    yearlyPrice: t.int({ required: false }),
    trialDays: t.int({ required: false }),
    emailsPerMonth: t.int({ required: false }),
    smsPerMonth: t.int({ required: false }),
    seats: t.int({ required: false }),
    apiCallsPerMonth: t.int({ required: false }),
    entitlements: t.stringList({ required: false }),
  }),
});

builder.queryFields((t) => ({
  plan: t.prismaField({
    type: 'Plan',
    nullable: true,
    authScopes: { permission: 'READ' },
    args: { id: t.arg.id({ validate: z.uuid('not a valid id') }) },
    resolve: (query, _root, { id }, ctx) => adminScope(ctx).db.plan.findUnique({ ...query, where: { id } }),
  }),
}));

builder.mutationFields((t) => ({
  createPlan: t.prismaField({
    type: 'Plan',
    ...adminMutation('PLANS_WRITE', 'plan.create', [InputError, ConflictError]),
    args: { input: t.arg({ type: CreatePlanInput }) },
    resolve: (_query, _root, { input }, ctx) => createPlan(adminScope(ctx), withoutNulls(input) as never),
  }),
  updatePlan: t.prismaField({
    type: 'Plan',
    ...adminMutation('PLANS_WRITE', 'plan.update', [InputError, NotFoundError, ConflictError]),
    args: { id: t.arg.id(), input: t.arg({ type: UpdatePlanInput }) },
    resolve: (_query, _root, { id, input }, ctx) => updatePlan(adminScope(ctx), id, withoutNulls(input)),
  }),
  archivePlan: t.prismaField({
    type: 'Plan',
    ...adminMutation('PLANS_WRITE', 'plan.archive', [InputError, NotFoundError, InvalidTransitionError]),
    args: { id: t.arg.id() },
    resolve: (_query, _root, { id }, ctx) => setPlanArchived(adminScope(ctx), id, true),
  }),
  unarchivePlan: t.prismaField({
    type: 'Plan',
    ...adminMutation('PLANS_WRITE', 'plan.unarchive', [InputError, NotFoundError, InvalidTransitionError]),
    args: { id: t.arg.id() },
    resolve: (_query, _root, { id }, ctx) => setPlanArchived(adminScope(ctx), id, false),
  }),
  deletePlan: t.prismaField({
    type: 'Plan',
    ...adminMutation('PLANS_WRITE', 'plan.delete', [InputError, NotFoundError, ConflictError]),
    description: 'Deletes a plan no tenant has ever used; a plan in use can only be archived.',
    args: { id: t.arg.id() },
    resolve: (_query, _root, { id }, ctx) => deletePlan(adminScope(ctx), id),
  }),
}));
