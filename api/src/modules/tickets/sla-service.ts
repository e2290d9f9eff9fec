// SLA settings: business-hours calendars and the policies (per plan and priority) that use them. Every
// change is audited; a change that moves deadlines resyncs the open tickets it concerns in bounded
// batches of a keyed job.
import { z } from 'zod';
import type { Prisma } from '../../db/client.ts';
import type { SlaCalendar, SlaPolicy, TicketPriority } from '../../generated/prisma/client.ts';
import { ConflictError, InputError, parseInput } from '../../lib/errors.ts';
import { findOrNotFound } from '../../lib/records.ts';
import { id, name } from '../../lib/strings.ts';
import { transaction, type PlatformScope, type SystemScope, type TransactionScope } from '../../scope.ts';
import { changedFields } from '../audit/diff.ts';
import { runAudited } from '../audit/service.ts';
import { businessCalendarSchema } from './business-hours.ts';
import { syncTicketSla } from './sla.ts';

const PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const satisfies readonly TicketPriority[];
/** Open tickets resynced per job run after a policy or calendar change. */
export const RESYNC_BATCH = 200;

// ─── calendars ───────────────────────────────────────────────────────────────

export interface SlaCalendarInput {
  name: string;
  timeZone: string;
  weeklyHours: { day: number; start: string; end: string }[];
  holidays?: { date: string; name: string }[];
}

function parseCalendar(input: SlaCalendarInput) {
  const { name: calendarName } = parseInput(z.object({ name: name(100) }), { name: input.name });
  const calendar = parseInput(businessCalendarSchema, { timeZone: input.timeZone, weeklyHours: input.weeklyHours, holidays: input.holidays ?? [] });
  return { name: calendarName, timeZone: calendar.timeZone, weeklyHours: calendar.weeklyHours, holidays: calendar.holidays };
}

export async function createSlaCalendar(scope: PlatformScope, input: SlaCalendarInput): Promise<SlaCalendar> {
  const data = parseCalendar(input);
  return runAudited(scope, async (tx) => {
    const calendar = await tx.db.slaCalendar.create({ data });
    await tx.audit({ action: 'slaCalendar.create', targetType: 'SlaCalendar', targetId: calendar.id, after: calendar });
    return calendar;
  });
}

/** Replaces a calendar's name, zone, hours and holidays; the open tickets of its policies are resynced. */
export async function updateSlaCalendar(scope: PlatformScope, calendarId: string, input: SlaCalendarInput): Promise<SlaCalendar> {
  const data = parseCalendar(input);
  return runAudited(scope, async (tx) => {
    const before = await findOrNotFound('SlaCalendar', calendarId, (id) => tx.db.slaCalendar.findUnique({ where: { id } }), { lock: tx });
    if (changedFields(before, data).length === 0) return tx.unchanged(before);
    const after = await tx.db.slaCalendar.update({ where: { id: calendarId }, data });
    await tx.audit({ action: 'slaCalendar.update', targetType: 'SlaCalendar', targetId: calendarId, before, after });
    const policies = await tx.db.slaPolicy.findMany({ where: { calendarId }, select: { planId: true, priority: true } });
    for (const policy of policies) await queueResync(tx, policy.planId, policy.priority);
    return after;
  });
}

export async function deleteSlaCalendar(scope: PlatformScope, calendarId: string): Promise<SlaCalendar> {
  return runAudited(scope, async (tx) => {
    const before = await findOrNotFound('SlaCalendar', calendarId, (id) => tx.db.slaCalendar.findUnique({ where: { id } }), { lock: tx });
    // A policy moving onto this calendar locks its row too (see lockCalendar), so the count holds.
    const inUse = await tx.db.slaPolicy.count({ where: { calendarId } });
    if (inUse > 0) throw new ConflictError(`Calendar ${before.name} is used by ${inUse} SLA polic${inUse === 1 ? 'y' : 'ies'}`, 'id');
    await tx.db.slaCalendar.delete({ where: { id: calendarId } });
    await tx.audit({ action: 'slaCalendar.delete', targetType: 'SlaCalendar', targetId: calendarId, before });
    return before;
  });
}

// ─── policies ────────────────────────────────────────────────────────────────

const minutes = (what: string) =>
  z.number().int(`${what} in whole minutes`).min(1, 'at least 1 minute').max(525_600, 'at most 525600 minutes (a year)');

const policyFields = {
  calendarId: id,
  firstResponseMinutes: minutes('first response'),
  nextResponseMinutes: minutes('next response'),
  resolutionMinutes: minutes('resolution'),
  escalateTo: z.enum(PRIORITIES).nullable(),
};
const createPolicySchema = z.object({ planId: id, priority: z.enum(PRIORITIES), ...policyFields, escalateTo: policyFields.escalateTo.default(null) });
const updatePolicySchema = z.object(policyFields).partial();

export type CreateSlaPolicyInput = z.input<typeof createPolicySchema>;
export type UpdateSlaPolicyInput = z.input<typeof updatePolicySchema>;

const RANK: Record<TicketPriority, number> = { LOW: 0, NORMAL: 1, HIGH: 2, URGENT: 3 };

function checkEscalation(priority: TicketPriority, escalateTo: TicketPriority | null) {
  if (escalateTo && RANK[escalateTo] <= RANK[priority]) throw InputError.field('input.escalateTo', `must be a higher priority than ${priority}`);
}

type Tx = TransactionScope<PlatformScope>;

async function lockCalendar(tx: Tx, calendarId: string) {
  return findOrNotFound('SlaCalendar', calendarId, (id) => tx.db.slaCalendar.findUnique({ where: { id } }), { lock: tx, field: 'input.calendarId' });
}

export async function createSlaPolicy(scope: PlatformScope, input: CreateSlaPolicyInput): Promise<SlaPolicy> {
  const data = parseInput(createPolicySchema, input);
  checkEscalation(data.priority, data.escalateTo);
  return runAudited(scope, async (tx) => {
    await findOrNotFound('Plan', data.planId, (id) => tx.db.plan.findUnique({ where: { id }, select: { id: true } }), { field: 'input.planId' });
    await lockCalendar(tx, data.calendarId);
    const policy = await tx.db.slaPolicy.create({ data });
    await tx.audit({ action: 'slaPolicy.create', targetType: 'SlaPolicy', targetId: policy.id, after: policy });
    await queueResync(tx, policy.planId, policy.priority);
    return policy;
  });
}

export async function updateSlaPolicy(scope: PlatformScope, policyId: string, input: UpdateSlaPolicyInput): Promise<SlaPolicy> {
  const data = parseInput(updatePolicySchema, input);
  return runAudited(scope, async (tx) => {
    const before = await findOrNotFound('SlaPolicy', policyId, (id) => tx.db.slaPolicy.findUnique({ where: { id } }), { lock: tx });
    if (data.escalateTo !== undefined) checkEscalation(before.priority, data.escalateTo);
    if (changedFields(before, data).length === 0) return tx.unchanged(before);
    if (data.calendarId && data.calendarId !== before.calendarId) await lockCalendar(tx, data.calendarId);
    const after = await tx.db.slaPolicy.update({ where: { id: policyId }, data });
    await tx.audit({ action: 'slaPolicy.update', targetType: 'SlaPolicy', targetId: policyId, before, after });
    await queueResync(tx, after.planId, after.priority);
    return after;
  });
}

/** Removes a policy: that plan's tickets of that priority have no SLA from then on. */
export async function deleteSlaPolicy(scope: PlatformScope, policyId: string): Promise<SlaPolicy> {
  return runAudited(scope, async (tx) => {
    const before = await findOrNotFound('SlaPolicy', policyId, (id) => tx.db.slaPolicy.findUnique({ where: { id } }), { lock: tx });
    await tx.db.slaPolicy.delete({ where: { id: policyId } });
    await tx.audit({ action: 'slaPolicy.delete', targetType: 'SlaPolicy', targetId: policyId, before });
    await queueResync(tx, before.planId, before.priority);
    return before;
  });
}

// ─── resync ──────────────────────────────────────────────────────────────────

const resyncKey = (planId: string, priority: TicketPriority) => `ticket-sla-resync:${planId}:${priority}`;

/** Queues the resync of a plan's open tickets of one priority (one pending job per plan and priority). */
async function queueResync(tx: Pick<Tx, 'enqueue'>, planId: string, priority: TicketPriority) {
  await tx.enqueue('ticketSlaPolicyResync', { planId, priority }, { jobKey: resyncKey(planId, priority) });
}

/**
 * Queues the resync of a tenant's open tickets, for a change of the tenant's plan (the tenants module
 * calls it in the transaction of the change; one pending job per tenant).
 */
export async function queueTenantSlaResync(tx: Pick<Tx, 'enqueue'>, tenantId: string): Promise<void> {
  await tx.enqueue('ticketSlaTenantResync', { tenantId }, { jobKey: `ticket-sla-resync:tenant:${tenantId}` });
}

/** Resyncs one batch of open tickets (ids after `after`), each in its own transaction; returns the last id of a full batch. */
async function resyncBatch(scope: SystemScope, where: Prisma.TicketWhereInput, after: string | undefined): Promise<{ count: number; next: string | null }> {
  const tickets = await scope.db.ticket.findMany({
    where: { ...where, status: { notIn: ['RESOLVED', 'CLOSED'] }, ...(after ? { id: { gt: after } } : {}) },
    select: { id: true },
    orderBy: { id: 'asc' },
    take: RESYNC_BATCH,
  });
  for (const ticket of tickets) await transaction(scope, (tx) => syncTicketSla(tx, ticket.id, 'policy'));
  return { count: tickets.length, next: tickets.length === RESYNC_BATCH ? tickets[tickets.length - 1]!.id : null };
}

/** One batch of the open tickets of a plan and priority; queues the next batch when there may be more. */
export async function resyncPlanTickets(scope: SystemScope, planId: string, priority: TicketPriority, after?: string): Promise<number> {
  const { count, next } = await resyncBatch(scope, { tenant: { planId }, priority }, after);
  if (next) {
    await transaction(scope, (tx) =>
      tx.enqueue('ticketSlaPolicyResync', { planId, priority, after: next }, { jobKey: `${resyncKey(planId, priority)}:${next}` }),
    );
  }
  return count;
}

/** One batch of a tenant's open tickets; queues the next batch when there may be more. */
export async function resyncTenantTickets(scope: SystemScope, tenantId: string, after?: string): Promise<number> {
  const { count, next } = await resyncBatch(scope, { tenantId }, after);
  if (next) {
    await transaction(scope, (tx) =>
      tx.enqueue('ticketSlaTenantResync', { tenantId, after: next }, { jobKey: `ticket-sla-resync:tenant:${tenantId}:${next}` }),
    );
  }
  return count;
}
