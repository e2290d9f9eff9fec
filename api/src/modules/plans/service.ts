import { z } from 'zod';
import type { Prisma } from '../../db/client.ts';
import { planChanged } from '../../change-hooks.ts';
import type { Plan } from '../../generated/prisma/client.ts';
import { changedFields } from '../audit/diff.ts';
import { ConflictError, parseInput } from '../../lib/errors.ts';
import { defineLifecycle } from '../../lib/lifecycle.ts';
import { findOrNotFound } from '../../lib/records.ts';
import { currency, name, text } from '../../lib/strings.ts';
import type { PlatformScope, TenantScope, TransactionScope } from '../../scope.ts';
import { runAudited } from '../audit/service.ts';
import { getSetting } from '../settings/service.ts';
import { tenantsOnPlan } from '../tenants/service.ts';

const money = z.number().int('must be whole minor units (cents)').min(0, 'must not be negative').max(100_000_000);
const quota = z.number().int('must be a whole number').min(0, 'must not be negative').max(2_000_000_000);
const entitlement = text({ max: 64 }).regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'feature keys are lowercase letters, digits, _ . -');

export const planFields = {
  code: text({ max: 40 }).regex(/^[a-z][a-z0-9-]{1,39}$/, 'lowercase letters, digits and dashes, 2 to 40 characters'),
  name: name(100),
  description: text({ max: 2000 }),
  currency,
  monthlyPrice: money,
  yearlyPrice: money,
  trialDays: z.number().int().min(0, 'must not be negative').max(365),
  emailsPerMonth: quota,
  smsPerMonth: quota,
  seats: z.number().int().min(1, 'at least one seat').max(1_000_000),
  apiCallsPerMonth: quota,
  entitlements: z.array(entitlement).max(200).transform((keys) => [...new Set(keys)].sort()),
};

export const createPlanSchema = z.object({ ...planFields, description: planFields.description.default('') });
export const updatePlanSchema = z.object(planFields).partial();

export type CreatePlanInput = z.input<typeof createPlanSchema>;
export type UpdatePlanInput = z.input<typeof updatePlanSchema>;

const planLifecycle = defineLifecycle({
  resourceType: 'Plan',
  state: (plan: Plan) => plan.status,
  transitions: {
    archive: { from: ['ACTIVE'], to: 'ARCHIVED' },
    unarchive: { from: ['ARCHIVED'], to: 'ACTIVE' },
  },
});

/**
 * The plan a tenant moves onto, locked until the caller's transaction ends so it cannot be archived or
 * deleted underneath the move; an archived plan is a conflict on `field`.
 */
export async function lockActivePlan(tx: Pick<TransactionScope<PlatformScope>, 'db' | 'lock'>, planId: string, field: string): Promise<Plan> {
  const plan = await findOrNotFound('Plan', planId, (id) => tx.db.plan.findUnique({ where: { id } }), { lock: tx, field });
  if (plan.status !== 'ACTIVE') throw new ConflictError(`Plan ${plan.code} is archived`, field);
  return plan;
}

/** Active plans, cheapest first (the demo seed spreads tenants over them). */
export function activePlans(scope: PlatformScope): Promise<Plan[]> {
  return scope.db.plan.findMany({ where: { status: 'ACTIVE' }, orderBy: [{ monthlyPrice: 'asc' }, { id: 'asc' }] });
}

export async function createPlan(scope: PlatformScope, input: CreatePlanInput): Promise<Plan> {
  const data = parseInput(createPlanSchema, input);
  return runAudited(scope, async (tx) => {
    const plan = await tx.db.plan.create({ data });
    await tx.audit({ action: 'plan.create', targetType: 'Plan', targetId: plan.id, after: plan });
    return plan;
  });
}

export async function updatePlan(scope: PlatformScope, id: string, input: UpdatePlanInput): Promise<Plan> {
  const data = parseInput(updatePlanSchema, input);
  return runAudited(scope, async (tx) => {
    const before = await findOrNotFound('Plan', id, (id) => tx.db.plan.findUnique({ where: { id } }), { lock: tx });
    if (changedFields(before, data).length === 0) return tx.unchanged(before);
    const after = await tx.db.plan.update({ where: { id }, data });
    await tx.audit({ action: 'plan.update', targetType: 'Plan', targetId: id, before, after });
    // Entitlements turn flags and navigation items on for the plan's tenants: those modules follow.
    if (changedFields(before, data).includes('entitlements')) {
      await planChanged(tx, { planId: id, kind: 'entitlementsChanged', entitlements: after.entitlements });
      await tx.publish('planChanged', { planId: id, kind: 'entitlementsChanged' });
    }
    return after;
  });
}

export async function setPlanArchived(scope: PlatformScope, id: string, archived: boolean): Promise<Plan> {
  const action = archived ? 'archive' : 'unarchive';
  return runAudited(scope, async (tx) => {
    const { before, to } = await planLifecycle.begin(tx, id, action, (id) => tx.db.plan.findUnique({ where: { id } }));
    const after = await tx.db.plan.update({ where: { id }, data: { status: to } });
    await tx.audit({ action: `plan.${action}`, targetType: 'Plan', targetId: id, before, after });
    return after;
  });
}

export async function deletePlan(scope: PlatformScope, id: string): Promise<Plan> {
  return runAudited(scope, async (tx) => {
    const before = await findOrNotFound('Plan', id, (id) => tx.db.plan.findUnique({ where: { id } }), { lock: tx });
    // A tenant moving onto a plan locks the plan's row too, so this count holds until the delete.
    const inUse = await tenantsOnPlan(tx, id);
    if (inUse > 0) {
      throw new ConflictError(`Plan ${before.code} is used by ${inUse} tenant(s); archive it instead`, 'id');
    }
    await tx.db.plan.delete({ where: { id } });
    await tx.audit({ action: 'plan.delete', targetType: 'Plan', targetId: id, before });
    return before;
  });
}

// ─── display ─────────────────────────────────────────────────────────────────

/** A locale Intl can format numbers in (the `pricing.displayLocale` setting). */
export const displayLocale = text({ min: 2, max: 35 }).refine((locale) => {
  try {
    return Intl.NumberFormat.supportedLocalesOf([locale]).length > 0;
  } catch {
    return false;
  }
}, 'a locale such as en-US or de-DE');

/** An amount in minor units, formatted in `locale` with its currency's own number of decimals. */
export function formatPrice(minor: number, currencyCode: string, locale: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: currencyCode });
  return format.format(minor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

/** The locale prices are shown in: the tenant's own (for its key) or the platform's. */
export function priceLocale(scope: PlatformScope | TenantScope): Promise<string> {
  return getSetting(scope, 'pricing.displayLocale');
}
