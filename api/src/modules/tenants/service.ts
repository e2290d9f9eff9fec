import { z } from 'zod';
import { tenantChanged } from '../../change-hooks.ts';
import type { Prisma } from '../../db/client.ts';
import type { TenantStatus } from '../../generated/prisma/enums.ts';
import type { Tenant } from '../../generated/prisma/client.ts';
import { ConflictError, parseInput } from '../../lib/errors.ts';
import { defineLifecycle } from '../../lib/lifecycle.ts';
import { enumValues } from '../../lib/list.ts';
import { findOrNotFound } from '../../lib/records.ts';
import { email, id as idSchema, name, text } from '../../lib/strings.ts';
import type { PlatformScope, SystemScope, TransactionScope } from '../../scope.ts';
import { changedFields } from '../audit/diff.ts';
import { runAudited, type AuditedTransaction } from '../audit/service.ts';
import { lockActivePlan } from '../plans/service.ts';
import { defaultTenantSettings, tenantSettingsSchema } from './settings.ts';

export const TENANT_STATUSES = enumValues('TenantStatus');

export const TENANT_CHANGE_KINDS = [
  'created', 'updated', 'planChanged', 'suspended', 'activated', 'deleted', 'onboarded', 'pastDue', 'paymentRecovered',
] as const;
export type TenantChangeKind = (typeof TENANT_CHANGE_KINDS)[number];
export interface TenantChanged {
  tenantId: string;
  kind: TenantChangeKind;
  status: TenantStatus;
}

const slug = text({ max: 48 })
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/, 'lowercase letters, digits and dashes, up to 48 characters');

const tenantFields = {
  name: name(),
  slug,
  ownerName: name(),
  ownerEmail: email,
  settings: tenantSettingsSchema.partial(),
};

export const createTenantSchema = z.object({
  ...tenantFields,
  slug: slug.optional(),
  planId: idSchema,
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

export const tenantLifecycle = defineLifecycle({
  resourceType: 'Tenant',
  state: (tenant: Tenant) => tenant.status,
  transitions: {
    suspend: { from: ['TRIALING', 'ACTIVE', 'PAST_DUE'], to: 'SUSPENDED' },
    activate: { from: ['TRIALING', 'PAST_DUE', 'SUSPENDED'], to: 'ACTIVE' },
    delete: { from: ['TRIALING', 'ACTIVE', 'PAST_DUE', 'SUSPENDED'], to: 'DELETED' },
    // Driven by the payment provider (billing's Stripe handlers), never by an admin.
    markPastDue: { from: ['ACTIVE'], to: 'PAST_DUE' },
    recoverPayment: { from: ['PAST_DUE'], to: 'ACTIVE' },
  },
});

/** The transitions the payment provider drives, and how each is announced. */
export const BILLING_TRANSITIONS = { markPastDue: 'pastDue', recoverPayment: 'paymentRecovered' } as const satisfies Record<
  string,
  TenantChangeKind
>;
export type BillingTransition = keyof typeof BILLING_TRANSITIONS;

type Tx = AuditedTransaction<PlatformScope>;

/** The tenant, locked for the rest of the transaction. */
function lockTenant(tx: Tx, id: string): Promise<Tenant> {
  return findOrNotFound('Tenant', id, (id) => tx.db.tenant.findUnique({ where: { id } }), { lock: tx });
}

/** A deleted tenant is kept for its data but no longer changed. */
function assertNotDeleted(tenant: Tenant): void {
  if (tenant.status === 'DELETED') throw new ConflictError(`Tenant ${tenant.slug} is deleted and can no longer be changed`, 'id');
}

/** How many tenants use a plan, inside the caller's transaction. */
export function tenantsOnPlan(tx: Pick<TransactionScope<PlatformScope>, 'db'>, planId: string): Promise<number> {
  return tx.db.tenant.count({ where: { planId } });
}

/** Sent through the transaction: subscribers hear of it only if it commits. */
async function publishChange(tx: Tx, tenant: Tenant, kind: TenantChangeKind): Promise<void> {
  // A suspended or deleted tenant's keys stop at once, open connections included. Notifications arrive in
  // the order sent: the revocation first closes the tenant's sockets before the change could reach them.
  if (tenant.status === 'SUSPENDED' || tenant.status === 'DELETED') await tx.publish('accessRevoked', { kind: 'tenant', tenantId: tenant.id });
  await tx.publish('tenantChanged', { tenantId: tenant.id, kind, status: tenant.status });
  await tenantChanged(tx, { tenantId: tenant.id, kind, status: tenant.status, planId: tenant.planId });
}

export async function createTenant(scope: PlatformScope, input: CreateTenantInput): Promise<Tenant> {
  const data = parseInput(createTenantSchema, input);
  return runAudited(scope, async (tx) => {
    const plan = await lockActivePlan(tx, data.planId, 'input.planId');
    // A derived slug avoids the ones taken now; the unique index settles a race for the same one.
    const tenantSlug = data.slug ?? (await freeSlug(tx, slugify(data.name)));
    const trialEndsAt = plan.trialDays > 0 ? new Date(Date.now() + plan.trialDays * 86_400_000) : null;
    const tenant = await tx.db.tenant.create({
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
    await tx.enqueue('tenantOnboard', { tenantId: tenant.id }, { jobKey: `tenant-onboard:${tenant.id}` });
    await tx.audit({ action: 'tenant.create', targetType: 'Tenant', targetId: tenant.id, tenantId: tenant.id, after: tenant });
    await publishChange(tx, tenant, 'created');
    return tenant;
  });
}

async function freeSlug(tx: Tx, base: string): Promise<string> {
  const taken = new Set(
    (await tx.db.tenant.findMany({ where: { slug: { startsWith: base } }, select: { slug: true } })).map((t) => t.slug),
  );
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) {
    const candidate = `${base.slice(0, 44)}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export async function updateTenant(scope: PlatformScope, id: string, input: UpdateTenantInput): Promise<Tenant> {
  const data = parseInput(updateTenantSchema, input);
  return runAudited(scope, async (tx) => {
    const before = await lockTenant(tx, id);
    assertNotDeleted(before);
    const settings = data.settings
      ? parseInput(tenantSettingsSchema, { ...defaultTenantSettings, ...(before.settings as object), ...data.settings }, ['input', 'settings'])
      : undefined;
    const changes = { ...data, settings };
    if (changedFields(before, changes).length === 0) return tx.unchanged(before);
    const after = await tx.db.tenant.update({ where: { id }, data: changes });
    await tx.audit({ action: 'tenant.update', targetType: 'Tenant', targetId: id, tenantId: id, before, after });
    await publishChange(tx, after, 'updated');
    return after;
  });
}

export async function changeTenantPlan(scope: PlatformScope, id: string, planId: string): Promise<Tenant> {
  return runAudited(scope, async (tx) => {
    const before = await lockTenant(tx, id);
    assertNotDeleted(before);
    const plan = await lockActivePlan(tx, planId, 'planId');
    if (before.planId === plan.id) return tx.unchanged(before);
    const after = await tx.db.tenant.update({ where: { id }, data: { planId: plan.id } });
    await tx.audit({ action: 'tenant.changePlan', targetType: 'Tenant', targetId: id, tenantId: id, before, after });
    await publishChange(tx, after, 'planChanged');
    return after;
  });
}

const reasonSchema = z.object({ reason: text({ max: 1000 }).refine((r) => r.length >= 3, 'give a reason (3 characters or more)') });

export async function suspendTenant(scope: PlatformScope, id: string, reason: string): Promise<Tenant> {
  const { reason: why } = parseInput(reasonSchema, { reason }, []);
  return transition(scope, id, 'suspend', { suspensionReason: why }, 'suspended');
}

export async function activateTenant(scope: PlatformScope, id: string): Promise<Tenant> {
  return transition(scope, id, 'activate', { suspensionReason: null }, 'activated');
}

/** Soft delete: the row and its data stay, the status becomes DELETED and its keys stop working. */
export async function deleteTenant(scope: PlatformScope, id: string): Promise<Tenant> {
  return transition(scope, id, 'delete', { deletedAt: new Date() }, 'deleted');
}

async function transition(
  scope: PlatformScope,
  id: string,
  action: keyof typeof tenantLifecycle.transitions,
  data: Prisma.TenantUpdateInput,
  kind: TenantChangeKind,
): Promise<Tenant> {
  return runAudited(scope, async (tx) => {
    const { before, to } = await tenantLifecycle.begin(tx, id, action, (id) => tx.db.tenant.findUnique({ where: { id } }));
    const after = await tx.db.tenant.update({ where: { id }, data: { ...data, status: to } });
    await tx.audit({ action: `tenant.${action}`, targetType: 'Tenant', targetId: id, tenantId: id, before, after });
    await publishChange(tx, after, kind);
    return after;
  });
}

/**
 * Seeds a new tenant's defaults and records completion. Idempotent: a tenant already onboarded, or gone,
 * is left as it is, so a retry or a duplicate run changes nothing (the row lock serialises two runs).
 */
export async function onboardTenant(scope: SystemScope, tenantId: string): Promise<boolean> {
  return runAudited(scope, async (tx) => {
    if (!(await tx.lock('Tenant', tenantId))) return tx.unchanged(false);
    const tenant = await tx.db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    if (tenant.onboardedAt) return tx.unchanged(false);
    const settings = { ...defaultTenantSettings, ...(tenant.settings as object) };
    const after = await tx.db.tenant.update({ where: { id: tenantId }, data: { onboardedAt: new Date(), settings } });
    await tx.audit({
      action: 'tenant.onboard', targetType: 'Tenant', targetId: tenantId, tenantId,
      before: { onboardedAt: null, settings: tenant.settings }, after: { onboardedAt: after.onboardedAt, settings },
    });
    await publishChange(tx, after, 'onboarded');
    return true;
  });
}

/**
 * A payment's consequence for the tenant, inside the caller's audited transaction (the billing record and
 * the status change commit together). A tenant that is not in a state the action starts from (already
 * PAST_DUE, on trial, suspended, deleted, gone) is left as it is and null comes back: payment events are
 * replayed and arrive in any order, so that is a no-op, not an error. The row lock serialises it with
 * admin transitions.
 */
export async function applyBillingTransition(
  tx: Tx,
  tenantId: string,
  action: BillingTransition,
  cause: { stripeInvoiceId: string },
): Promise<Tenant | null> {
  if (!(await tx.lock('Tenant', tenantId))) return null;
  const before = await tx.db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  if (!tenantLifecycle.transitions[action].from.includes(before.status)) return null;
  const after = await tx.db.tenant.update({ where: { id: tenantId }, data: { status: tenantLifecycle.target(action) } });
  await tx.audit({
    action: `tenant.${action}`, targetType: 'Tenant', targetId: tenantId, tenantId,
    before: { status: before.status }, after: { status: after.status, stripeInvoiceId: cause.stripeInvoiceId },
  });
  await publishChange(tx, after, BILLING_TRANSITIONS[action]);
  return after;
}

// ─── reads ───────────────────────────────────────────────────────────────────

export async function tenantCountsByStatus(scope: PlatformScope): Promise<Record<TenantStatus, number>> {
  const rows = await scope.db.tenant.groupBy({ by: ['status'], _count: { _all: true } });
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
export async function monthlyRecurringRevenue(scope: PlatformScope): Promise<MoneyAmount[]> {
  const rows = await scope.db.$queryRaw<{ currency: string; amount: bigint }[]>`
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
export async function tenantSignups(scope: PlatformScope, args: { days: number; now?: Date }): Promise<DailyCount[]> {
  const { days } = parseInput(signupDaysSchema, { days: args.days }, []);
  const now = args.now ?? new Date();
  return scope.db.$queryRaw<DailyCount[]>`
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
