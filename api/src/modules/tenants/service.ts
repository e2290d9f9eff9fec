import { z } from 'zod';
import type { App } from '../../app.ts';
import type { Prisma } from '../../db/client.ts';
import type { TenantStatus } from '../../generated/prisma/enums.ts';
import type { Tenant } from '../../generated/prisma/client.ts';
import { ConflictError, InvalidTransitionError, NotFoundError, parseInput } from '../../lib/errors.ts';
import { enqueueJob } from '../../worker/task.ts';
import { runAudited, type AuditActor, type Tx } from '../audit/service.ts';
import type { TenantChangeKind } from '../../events.ts';
import { defaultTenantSettings, tenantSettingsSchema } from './settings.ts';

export const TENANT_STATUSES = ['TRIALING', 'ACTIVE', 'PAST_DUE', 'SUSPENDED', 'DELETED'] as const;

const slug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/, 'lowercase letters, digits and dashes, up to 48 characters');

const tenantFields = {
  name: z.string().trim().min(1, 'required').max(200),
  slug,
  ownerName: z.string().trim().min(1, 'required').max(200),
  ownerEmail: z.string().trim().toLowerCase().pipe(z.email('not a valid email address')),
  settings: tenantSettingsSchema.partial(),
};

export const createTenantSchema = z.object({
  ...tenantFields,
  slug: slug.optional(),
  planId: z.uuid('not a valid id'),
  settings: tenantFields.settings.optional(),
});
export const updateTenantSchema = z.object(tenantFields).partial();

export type CreateTenantInput = z.input<typeof createTenantSchema>;
export type UpdateTenantInput = z.input<typeof updateTenantSchema>;

export function slugify(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48)
      .replace(/-+$/, '') || 'tenant'
  );
}

/** Which status each action may start from. */
const transitions: Record<'suspend' | 'activate' | 'delete', readonly TenantStatus[]> = {
  suspend: ['TRIALING', 'ACTIVE', 'PAST_DUE'],
  activate: ['TRIALING', 'PAST_DUE', 'SUSPENDED'],
  delete: ['TRIALING', 'ACTIVE', 'PAST_DUE', 'SUSPENDED'],
};
const targetStatus = { suspend: 'SUSPENDED', activate: 'ACTIVE', delete: 'DELETED' } as const;

export function assertTransition(current: TenantStatus, action: keyof typeof transitions): void {
  if (!transitions[action].includes(current)) {
    throw new InvalidTransitionError('Tenant', current, targetStatus[action]);
  }
}

/** A deleted tenant is kept for its data but no longer changed. */
function assertNotDeleted(tenant: Tenant): void {
  if (tenant.status === 'DELETED') throw new ConflictError(`Tenant ${tenant.slug} is deleted and can no longer be changed`, 'id');
}

async function loadTenant(tx: Tx, id: string): Promise<Tenant> {
  const tenant = z.uuid().safeParse(id).success ? await tx.tenant.findUnique({ where: { id } }) : null;
  if (!tenant) throw new NotFoundError('Tenant', id);
  return tenant;
}

async function loadActivePlan(tx: Tx, planId: string, field: string) {
  const plan = await tx.plan.findUnique({ where: { id: planId } });
  if (!plan) throw new NotFoundError('Plan', planId);
  if (plan.status !== 'ACTIVE') throw new ConflictError(`Plan ${plan.code} is archived`, field);
  return plan;
}

async function assertSlugFree(tx: Tx, value: string, exceptId?: string): Promise<void> {
  const other = await tx.tenant.findUnique({ where: { slug: value }, select: { id: true } });
  if (other && other.id !== exceptId) throw new ConflictError(`Slug ${value} is already taken`, 'input.slug');
}

async function publishChange(app: App, tx: Tx, tenant: Tenant, kind: TenantChangeKind): Promise<void> {
  // Sent through the transaction: subscribers hear of it only if it commits.
  await app.pubsub.publish('tenantChanged', { tenantId: tenant.id, kind, status: tenant.status }, tx);
}

export async function createTenant(app: App, actor: AuditActor, input: CreateTenantInput): Promise<Tenant> {
  const data = parseInput(createTenantSchema, input);
  return runAudited(app.prisma, actor, async (tx, audit) => {
    const plan = await loadActivePlan(tx, data.planId, 'input.planId');
    const tenantSlug = data.slug ?? (await freeSlug(tx, slugify(data.name)));
    await assertSlugFree(tx, tenantSlug);
    const trialEndsAt = plan.trialDays > 0 ? new Date(Date.now() + plan.trialDays * 86_400_000) : null;
    const tenant = await tx.tenant.create({
      data: {
        name: data.name,
        slug: tenantSlug,
        planId: plan.id,
        ownerName: data.ownerName,
        ownerEmail: data.ownerEmail,
        settings: { ...defaultTenantSettings, ...data.settings },
        status: trialEndsAt ? 'TRIALING' : 'ACTIVE',
        trialEndsAt,
      },
    });
    await enqueueJob(tx, 'tenantOnboard', { tenantId: tenant.id }, { jobKey: `tenant-onboard:${tenant.id}` });
    await audit({ action: 'tenant.create', targetType: 'Tenant', targetId: tenant.id, tenantId: tenant.id, after: tenant });
    await publishChange(app, tx, tenant, 'created');
    return tenant;
  });
}

async function freeSlug(tx: Tx, base: string): Promise<string> {
  const taken = new Set(
    (await tx.tenant.findMany({ where: { slug: { startsWith: base } }, select: { slug: true } })).map((t) => t.slug),
  );
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) {
    const candidate = `${base.slice(0, 44)}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export async function updateTenant(app: App, actor: AuditActor, id: string, input: UpdateTenantInput): Promise<Tenant> {
  const data = parseInput(updateTenantSchema, input);
  return runAudited(app.prisma, actor, async (tx, audit) => {
    const before = await loadTenant(tx, id);
    assertNotDeleted(before);
    if (data.slug) await assertSlugFree(tx, data.slug, id);
    const settings = data.settings
      ? parseInput(tenantSettingsSchema, { ...defaultTenantSettings, ...(before.settings as object), ...data.settings }, ['input', 'settings'])
      : undefined;
    const after = await tx.tenant.update({ where: { id }, data: { ...data, settings } });
    await audit({ action: 'tenant.update', targetType: 'Tenant', targetId: id, tenantId: id, before, after });
    await publishChange(app, tx, after, 'updated');
    return after;
  });
}

export async function changeTenantPlan(app: App, actor: AuditActor, id: string, planId: string): Promise<Tenant> {
  parseInput(z.object({ planId: z.uuid('not a valid id') }), { planId });
  return runAudited(app.prisma, actor, async (tx, audit) => {
    const before = await loadTenant(tx, id);
    assertNotDeleted(before);
    const plan = await loadActivePlan(tx, planId, 'input.planId');
    const after = await tx.tenant.update({ where: { id }, data: { planId: plan.id } });
    await audit({ action: 'tenant.changePlan', targetType: 'Tenant', targetId: id, tenantId: id, before, after });
    await publishChange(app, tx, after, 'planChanged');
    return after;
  });
}

export async function suspendTenant(app: App, actor: AuditActor, id: string, reason: string): Promise<Tenant> {
  const { reason: why } = parseInput(z.object({ reason: z.string().trim().min(3, 'give a reason (3 characters or more)').max(1000) }), { reason });
  return transition(app, actor, id, 'suspend', { status: 'SUSPENDED', suspensionReason: why }, 'suspended');
}

export async function activateTenant(app: App, actor: AuditActor, id: string): Promise<Tenant> {
  return transition(app, actor, id, 'activate', { status: 'ACTIVE', suspensionReason: null }, 'activated');
}

/** Soft delete: the row and its data stay, the status becomes DELETED and its keys stop working. */
export async function deleteTenant(app: App, actor: AuditActor, id: string): Promise<Tenant> {
  return transition(app, actor, id, 'delete', { status: 'DELETED', deletedAt: new Date() }, 'deleted');
}

async function transition(
  app: App,
  actor: AuditActor,
  id: string,
  action: keyof typeof transitions,
  data: Prisma.TenantUpdateInput,
  kind: TenantChangeKind,
): Promise<Tenant> {
  return runAudited(app.prisma, actor, async (tx, audit) => {
    const before = await loadTenant(tx, id);
    assertTransition(before.status, action);
    const after = await tx.tenant.update({ where: { id }, data });
    await audit({ action: `tenant.${action}`, targetType: 'Tenant', targetId: id, tenantId: id, before, after });
    await publishChange(app, tx, after, kind);
    return after;
  });
}

// ─── reads ───────────────────────────────────────────────────────────────────

export const tenantFilterSchema = z.object({
  status: z.array(z.enum(TENANT_STATUSES)).optional(),
  planId: z.uuid('not a valid id').optional(),
  search: z.string().trim().max(200).optional(),
  createdFrom: z.date().optional(),
  createdTo: z.date().optional(),
  trialEndsBefore: z.date().optional(),
  trialEndsAfter: z.date().optional(),
});
export type TenantFilter = z.input<typeof tenantFilterSchema>;

export function tenantWhere(filter: TenantFilter = {}): Prisma.TenantWhereInput {
  const f = parseInput(tenantFilterSchema, filter, ['filter']);
  const search = f.search || undefined;
  return {
    status: f.status?.length ? { in: f.status } : undefined,
    planId: f.planId,
    createdAt: f.createdFrom || f.createdTo ? { gte: f.createdFrom, lte: f.createdTo } : undefined,
    // Both bounds exclusive; a tenant without a trial never matches a trial bound.
    trialEndsAt: f.trialEndsBefore || f.trialEndsAfter ? { lt: f.trialEndsBefore, gt: f.trialEndsAfter } : undefined,
    OR: search
      ? [
          { name: { contains: search, mode: 'insensitive' } },
          { slug: { contains: search, mode: 'insensitive' } },
          { ownerEmail: { contains: search, mode: 'insensitive' } },
        ]
      : undefined,
  };
}

export const TENANT_SORTS = {
  CREATED_AT_DESC: [{ createdAt: 'desc' }, { id: 'desc' }],
  CREATED_AT_ASC: [{ createdAt: 'asc' }, { id: 'asc' }],
  NAME_ASC: [{ name: 'asc' }, { id: 'asc' }],
  NAME_DESC: [{ name: 'desc' }, { id: 'desc' }],
  TRIAL_ENDS_AT_ASC: [{ trialEndsAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }],
} as const satisfies Record<string, Prisma.TenantOrderByWithRelationInput[]>;
export type TenantSort = keyof typeof TENANT_SORTS;

export async function tenantCountsByStatus(app: App): Promise<Record<TenantStatus, number>> {
  const rows = await app.prisma.tenant.groupBy({ by: ['status'], _count: { _all: true } });
  const counts = Object.fromEntries(TENANT_STATUSES.map((s) => [s, 0])) as Record<TenantStatus, number>;
  for (const row of rows) counts[row.status] = row._count._all;
  return counts;
}

export interface MoneyAmount {
  /** Minor units (cents). */
  amount: number;
  currency: string;
}

/** Monthly plan prices of ACTIVE tenants, summed per currency (trials, past-due and suspended tenants excluded). */
export async function monthlyRecurringRevenue(app: App): Promise<MoneyAmount[]> {
  const rows = await app.prisma.$queryRaw<{ currency: string; amount: bigint }[]>`
    SELECT p.currency, sum(p."monthlyPrice") AS amount
    FROM "Tenant" t
    JOIN "Plan" p ON p.id = t."planId"
    WHERE t.status = 'ACTIVE'
    GROUP BY p.currency
    ORDER BY p.currency`;
  return rows.map((r) => ({ currency: r.currency.trim(), amount: Number(r.amount) }));
}

export interface DailyCount {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  count: number;
}

export const signupDaysSchema = z.object({
  days: z.number().int('a whole number of days').min(1, 'at least 1').max(366, 'at most 366'),
});

/**
 * Tenants created on each UTC day of the last `days` days, today included, oldest first, with a zero for
 * a day without signups. Deleted tenants count: they signed up all the same.
 */
export async function tenantSignups(app: App, args: { days: number; now?: Date }): Promise<DailyCount[]> {
  const { days } = parseInput(signupDaysSchema, { days: args.days }, []);
  const now = args.now ?? new Date();
  return app.prisma.$queryRaw<DailyCount[]>`
    WITH window_days AS (
      SELECT d::date AS day
      FROM generate_series(
        (${now}::timestamptz AT TIME ZONE 'UTC')::date - (${days}::int - 1),
        (${now}::timestamptz AT TIME ZONE 'UTC')::date,
        interval '1 day'
      ) AS d
    ),
    signups AS (
      SELECT ("createdAt" AT TIME ZONE 'UTC')::date AS day, count(*)::int AS count
      FROM "Tenant"
      WHERE "createdAt" >= (SELECT min(day) FROM window_days)::timestamp AT TIME ZONE 'UTC'
      GROUP BY 1
    )
    SELECT to_char(w.day, 'YYYY-MM-DD') AS day, coalesce(s.count, 0)::int AS count
    FROM window_days w
    LEFT JOIN signups s USING (day)
    ORDER BY w.day`;
}
