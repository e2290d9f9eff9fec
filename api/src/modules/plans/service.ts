import { z } from 'zod';
import type { App } from '../../app.ts';
import type { Prisma } from '../../db/client.ts';
import type { Plan } from '../../generated/prisma/client.ts';
import { ConflictError, NotFoundError, parseInput } from '../../lib/errors.ts';
import { runAudited, type AuditActor, type Tx } from '../audit/service.ts';

const money = z.number().int('must be whole minor units (cents)').min(0, 'must not be negative').max(100_000_000);
const quota = z.number().int('must be a whole number').min(0, 'must not be negative').max(2_000_000_000);
const entitlement = z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'feature keys are lowercase letters, digits, _ . -');

export const planFields = {
  code: z.string().trim().regex(/^[a-z][a-z0-9-]{1,39}$/, 'lowercase letters, digits and dashes, 2 to 40 characters'),
  name: z.string().trim().min(1, 'required').max(100),
  description: z.string().trim().max(2000),
  currency: z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD'),
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

async function loadPlan(tx: Tx, id: string): Promise<Plan> {
  const plan = z.uuid().safeParse(id).success ? await tx.plan.findUnique({ where: { id } }) : null;
  if (!plan) throw new NotFoundError('Plan', id);
  return plan;
}

async function assertCodeFree(tx: Tx, code: string, exceptId?: string): Promise<void> {
  const other = await tx.plan.findUnique({ where: { code }, select: { id: true } });
  if (other && other.id !== exceptId) throw new ConflictError(`Plan code ${code} is already used`, 'input.code');
}

export async function createPlan(app: App, actor: AuditActor, input: CreatePlanInput): Promise<Plan> {
  const data = parseInput(createPlanSchema, input);
  return runAudited(app.prisma, actor, async (tx, audit) => {
    await assertCodeFree(tx, data.code);
    const plan = await tx.plan.create({ data });
    await audit({ action: 'plan.create', targetType: 'Plan', targetId: plan.id, after: plan });
    return plan;
  });
}

export async function updatePlan(app: App, actor: AuditActor, id: string, input: UpdatePlanInput): Promise<Plan> {
  const data = parseInput(updatePlanSchema, input);
  return runAudited(app.prisma, actor, async (tx, audit) => {
    const before = await loadPlan(tx, id);
    if (data.code) await assertCodeFree(tx, data.code, id);
    const after = await tx.plan.update({ where: { id }, data });
    await audit({ action: 'plan.update', targetType: 'Plan', targetId: id, before, after });
    return after;
  });
}

export async function setPlanArchived(app: App, actor: AuditActor, id: string, archived: boolean): Promise<Plan> {
  return runAudited(app.prisma, actor, async (tx, audit) => {
    const before = await loadPlan(tx, id);
    const after = await tx.plan.update({ where: { id }, data: { status: archived ? 'ARCHIVED' : 'ACTIVE' } });
    await audit({ action: archived ? 'plan.archive' : 'plan.unarchive', targetType: 'Plan', targetId: id, before, after });
    return after;
  });
}

export async function deletePlan(app: App, actor: AuditActor, id: string): Promise<Plan> {
  return runAudited(app.prisma, actor, async (tx, audit) => {
    const before = await loadPlan(tx, id);
    const inUse = await tx.tenant.count({ where: { planId: id } });
    if (inUse > 0) {
      throw new ConflictError(`Plan ${before.code} is used by ${inUse} tenant(s); archive it instead`, 'id');
    }
    await tx.plan.delete({ where: { id } });
    await audit({ action: 'plan.delete', targetType: 'Plan', targetId: id, before });
    return before;
  });
}

export const planFilterSchema = z.object({
  status: z.enum(['ACTIVE', 'ARCHIVED']).optional(),
  search: z.string().trim().max(100).optional(),
});
export type PlanFilter = z.input<typeof planFilterSchema>;

export function planWhere(filter: PlanFilter = {}): Prisma.PlanWhereInput {
  const f = parseInput(planFilterSchema, filter, ['filter']);
  return {
    status: f.status,
    OR: f.search
      ? [{ code: { contains: f.search, mode: 'insensitive' } }, { name: { contains: f.search, mode: 'insensitive' } }]
      : undefined,
  };
}

export const PLAN_SORTS = {
  MONTHLY_PRICE_ASC: [{ monthlyPrice: 'asc' }, { id: 'asc' }],
  MONTHLY_PRICE_DESC: [{ monthlyPrice: 'desc' }, { id: 'desc' }],
  NAME_ASC: [{ name: 'asc' }, { id: 'asc' }],
  CREATED_AT_DESC: [{ createdAt: 'desc' }, { id: 'desc' }],
} as const satisfies Record<string, Prisma.PlanOrderByWithRelationInput[]>;
export type PlanSort = keyof typeof PLAN_SORTS;
