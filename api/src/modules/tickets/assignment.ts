// Auto-assignment: new, reopened and released tickets go to an available support agent below capacity,
// by round-robin or least-loaded; tickets nobody can take wait unassigned and are picked up, oldest first,
// when capacity frees. Every assignment takes one named lock before it counts open tickets, so tickets
// assigned at the same moment never overfill an agent.
import { z } from 'zod';
import type { AdminChange } from '../../change-hooks.ts';
import { Prisma } from '../../db/client.ts';
import type { AdminUser, AgentProfile, TicketSettings } from '../../generated/prisma/client.ts';
import type { AdminRole, AssignmentStrategy, TicketStatus } from '../../generated/prisma/enums.ts';
import { InputError, parseInput } from '../../lib/errors.ts';
import { enumValues } from '../../lib/list.ts';
import { findOrNotFound } from '../../lib/records.ts';
import { email, id } from '../../lib/strings.ts';
import { roleCan } from '../../permissions.ts';
import { transaction, type AdminScope, type PlatformScope, type SystemScope, type TransactionScope } from '../../scope.ts';
import { defineTask } from '../../worker/task.ts';
import { runAudited } from '../audit/service.ts';
import { getSetting, setSettingIn } from '../settings/service.ts';
import { changedFields } from '../audit/diff.ts';
import { recordTicketEvent, ticketChange } from './history.ts';
import { notifyTicket } from './notifications.ts';

type Tx = TransactionScope<PlatformScope>;
type Db = Tx['db'] | PlatformScope['db'];

export type AssignReason = 'created' | 'reopened' | 'released';

/** Statuses in which a ticket counts against its assignee's capacity. */
export const OPEN_STATUSES: readonly TicketStatus[] = ['NEW', 'OPEN', 'PENDING', 'ON_HOLD'];
/** Roles auto-assignment hands tickets to. */
export const AGENT_ROLES: readonly AdminRole[] = ['SUPPORT', 'ADMIN'];
export const ASSIGNMENT_LOCK = 'tickets:assignment';

const STRATEGY_WORDS: Record<Exclude<AssignmentStrategy, 'OFF'>, string> = { ROUND_ROBIN: 'round-robin', LEAST_LOADED: 'least-loaded' };

/** Tickets handled per transaction by the jobs below, and transactions per job run before it re-queues. */
const BATCH = 50;
const ROUNDS_PER_RUN = 20;

// ─── settings ────────────────────────────────────────────────────────────────

export const SETTINGS_ID = 1;
export const ATTACHMENT_MAX_BYTES = { min: 1024, max: 100 * 1024 * 1024, default: 10 * 1024 * 1024 } as const;

/** The support desk's settings; the defaults until an admin first saves them. */
export async function ticketSettings(db: Db): Promise<TicketSettings> {
  return (
    (await db.ticketSettings.findUnique({ where: { id: SETTINGS_ID } })) ?? {
      id: SETTINGS_ID, supportTeamEmail: null, attachmentMaxBytes: ATTACHMENT_MAX_BYTES.default, updatedAt: new Date(0),
    }
  );
}

/** The strategy lives in the settings registry (`support.assignmentStrategy`): changes apply without a restart. */
export const assignmentStrategy = (reader: PlatformScope | Tx, options: { fresh?: boolean } = {}): Promise<AssignmentStrategy> =>
  getSetting(reader, 'support.assignmentStrategy', options);

export type SupportDeskSettings = TicketSettings & { assignmentStrategy: AssignmentStrategy };

/** The desk's settings with its assignment strategy, as the console's support settings page shows them. */
export async function supportDeskSettings(scope: PlatformScope): Promise<SupportDeskSettings> {
  const [settings, strategy] = await Promise.all([ticketSettings(scope.db), assignmentStrategy(scope)]);
  return { ...settings, assignmentStrategy: strategy };
}

const settingsInput = z.object({
  assignmentStrategy: z.enum(enumValues('AssignmentStrategy') as [AssignmentStrategy, ...AssignmentStrategy[]]).optional(),
  supportTeamEmail: email.nullable().optional(),
  attachmentMaxBytes: z
    .number()
    .int('a whole number of bytes')
    .min(ATTACHMENT_MAX_BYTES.min, `at least ${ATTACHMENT_MAX_BYTES.min} bytes`)
    .max(ATTACHMENT_MAX_BYTES.max, `at most ${ATTACHMENT_MAX_BYTES.max} bytes`)
    .optional(),
});

export async function updateTicketSettings(scope: PlatformScope, input: z.input<typeof settingsInput>): Promise<SupportDeskSettings> {
  const { assignmentStrategy: strategy, ...data } = parseInput(settingsInput, input);
  const saved = await runAudited(scope, async (tx) => {
    // The strategy is written (and audited) as the registry's setting; its onChange picks up waiting tickets.
    if (strategy) await setSettingIn(tx, 'support.assignmentStrategy', strategy);
    await tx.db.$executeRaw`INSERT INTO "TicketSettings" (id, "updatedAt") VALUES (${SETTINGS_ID}, now()) ON CONFLICT (id) DO NOTHING`;
    const [before] = await tx.db.$queryRaw<TicketSettings[]>`SELECT * FROM "TicketSettings" WHERE id = ${SETTINGS_ID} FOR UPDATE`;
    if (!changedFields(before!, data).length) return tx.unchanged(before!);
    const after = await tx.db.ticketSettings.update({ where: { id: SETTINGS_ID }, data });
    await tx.audit({ action: 'ticketSettings.update', targetType: 'TicketSettings', targetId: null, before, after });
    return after;
  });
  return { ...saved, assignmentStrategy: strategy ?? (await assignmentStrategy(scope)) };
}

// ─── assigning ───────────────────────────────────────────────────────────────

/**
 * The eligible agent next in line: an active SUPPORT or ADMIN admin marked available with fewer open
 * tickets than their capacity. Round-robin: assigned longest ago (never first); least-loaded: fewest open
 * tickets, then assigned longest ago. Callers hold ASSIGNMENT_LOCK, so the counts stay true until commit.
 */
async function nextAgent(db: Tx['db'], strategy: Exclude<AssignmentStrategy, 'OFF'>): Promise<string | null> {
  const order =
    strategy === 'LEAST_LOADED'
      ? Prisma.sql`load.open ASC, p."lastAssignedAt" ASC NULLS FIRST, a.id ASC`
      : Prisma.sql`p."lastAssignedAt" ASC NULLS FIRST, a.id ASC`;
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT a.id
    FROM "AgentProfile" p
    JOIN "AdminUser" a ON a.id = p."adminUserId"
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS open FROM "Ticket" t
      WHERE t."assigneeId" = a.id AND t.status::text IN (${Prisma.join(OPEN_STATUSES)})
    ) load
    WHERE p.available AND a.active AND a.role::text IN (${Prisma.join(AGENT_ROLES)}) AND load.open < p.capacity
    ORDER BY ${order}
    LIMIT 1`;
  return rows[0]?.id ?? null;
}

type Outcome = 'assigned' | 'waiting' | 'skipped';

const TICKET_FIELDS = { id: true, tenantId: true, number: true, status: true, priority: true, assigneeId: true, slaState: true } as const;

/** Assigns one ticket if it is open and unassigned; 'waiting' when no agent can take it. */
async function assignOne(tx: Tx, strategy: Exclude<AssignmentStrategy, 'OFF'>, ticketId: string, reason: AssignReason | 'waiting'): Promise<Outcome> {
  const ticket = await tx.db.ticket.findUnique({ where: { id: ticketId }, select: TICKET_FIELDS });
  if (!ticket || ticket.assigneeId || !OPEN_STATUSES.includes(ticket.status)) return 'skipped';
  const agentId = await nextAgent(tx.db, strategy);
  if (!agentId) return 'waiting';
  const { count } = await tx.db.ticket.updateMany({
    where: { id: ticketId, assigneeId: null, status: { in: [...OPEN_STATUSES] } },
    data: { assigneeId: agentId, assignedAt: new Date() },
  });
  if (!count) return 'skipped';
  // Strictly later than every other agent's, so round-robin order holds even within one millisecond.
  await tx.db.$executeRaw`
    UPDATE "AgentProfile" SET "updatedAt" = now(),
      "lastAssignedAt" = GREATEST(clock_timestamp(), (SELECT max("lastAssignedAt") + interval '1 millisecond' FROM "AgentProfile"))
    WHERE "adminUserId" = ${agentId}::uuid`;
  await recordTicketEvent(tx, {
    ticketId, tenantId: ticket.tenantId, kind: 'ASSIGNED', actor: { type: 'SYSTEM' },
    from: { assigneeId: null }, to: { assigneeId: agentId, reason }, message: `assigned by ${STRATEGY_WORDS[strategy]}`,
  });
  await notifyTicket(tx, 'assigned', ticketId);
  await tx.publish('ticketChanged', ticketChange({ ...ticket, assigneeId: agentId }, 'assigned'));
  return 'assigned';
}

/**
 * Gives a new, reopened or released ticket to the next eligible agent under the configured strategy, in
 * the caller's transaction; it stays unassigned (waiting) when nobody has room or the strategy is OFF.
 */
export async function autoAssign(tx: Tx, ticketId: string, reason: AssignReason): Promise<void> {
  const strategy = await assignmentStrategy(tx);
  if (strategy === 'OFF') return;
  await tx.lockNamed(ASSIGNMENT_LOCK);
  await assignOne(tx, strategy, ticketId, reason);
}

const ASSIGN_WAITING_KEY = 'tickets:assign-waiting';

/**
 * Capacity may have freed (a ticket resolved, closed or reassigned; an agent available again or given
 * more room): waiting tickets are picked up by one job, however many changes ask for it at once.
 */
export async function queueWaitingAssignment(tx: Pick<Tx, 'enqueue'>): Promise<void> {
  await tx.enqueue('ticketsAssignWaiting', {}, { jobKey: ASSIGN_WAITING_KEY });
}

/** Assigns waiting tickets, oldest first, until none waits or nobody has room; returns how many. */
export async function assignWaiting(scope: SystemScope): Promise<{ assigned: number; more: boolean }> {
  let assigned = 0;
  for (let round = 0; round < ROUNDS_PER_RUN; round += 1) {
    const batch = await transaction(scope, async (tx) => {
      // Past the cache: this job is queued by the very change that turns assignment on, and may run before
      // this process has heard of that change.
      const strategy = await assignmentStrategy(tx, { fresh: true });
      if (strategy === 'OFF') return { assigned: 0, done: true };
      await tx.lockNamed(ASSIGNMENT_LOCK);
      const waiting = await tx.db.ticket.findMany({
        where: { assigneeId: null, status: { in: [...OPEN_STATUSES] } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: BATCH,
        select: { id: true },
      });
      let count = 0;
      for (const ticket of waiting) {
        const outcome = await assignOne(tx, strategy, ticket.id, 'waiting');
        if (outcome === 'waiting') return { assigned: count, done: true };
        if (outcome === 'assigned') count += 1;
      }
      return { assigned: count, done: waiting.length < BATCH };
    });
    assigned += batch.assigned;
    if (batch.done) return { assigned, more: false };
  }
  return { assigned, more: true };
}

// ─── releasing ───────────────────────────────────────────────────────────────

/** Why an admin can no longer hold tickets, or null when they still can. */
function releaseReason(admin: Pick<AdminUser, 'active' | 'role'>, profile: Pick<AgentProfile, 'available'> | null): string | null {
  if (!admin.active) return 'deactivated';
  if (!roleCan(admin.role, 'TICKETS_WRITE')) return `role ${admin.role} cannot work tickets`;
  if (profile && !profile.available) return 'unavailable';
  return null;
}

/** Queues the release of an admin's open tickets (deactivated, unavailable or without ticket rights). */
export async function queueRelease(tx: Pick<Tx, 'enqueue'>, adminId: string): Promise<void> {
  await tx.enqueue('ticketsReleaseAgent', { adminId }, { jobKey: `tickets:release:${adminId}` });
}

/**
 * Unassigns the open tickets of an admin who can no longer hold them and hands each to the next agent, a
 * batch per transaction; stops when the admin is eligible again. Returns how many were released.
 */
export async function releaseAgentTickets(scope: SystemScope, adminId: string): Promise<{ released: number; more: boolean }> {
  let released = 0;
  for (let round = 0; round < ROUNDS_PER_RUN; round += 1) {
    const batch = await transaction(scope, async (tx) => {
      await tx.lockNamed(ASSIGNMENT_LOCK);
      const admin = await tx.db.adminUser.findUnique({ where: { id: adminId }, select: { active: true, role: true, agentProfile: { select: { available: true } } } });
      const why = admin ? releaseReason(admin, admin.agentProfile) : 'removed';
      if (!why) return { count: 0, done: true };
      const tickets = await tx.db.ticket.findMany({
        where: { assigneeId: adminId, status: { in: [...OPEN_STATUSES] } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: BATCH,
        select: TICKET_FIELDS,
      });
      const strategy = await assignmentStrategy(tx);
      for (const ticket of tickets) {
        await tx.db.ticket.update({ where: { id: ticket.id }, data: { assigneeId: null, assignedAt: null } });
        await recordTicketEvent(tx, {
          ticketId: ticket.id, tenantId: ticket.tenantId, kind: 'UNASSIGNED', actor: { type: 'SYSTEM' },
          from: { assigneeId: adminId }, to: { assigneeId: null }, message: `released: assignee ${why}`,
        });
        await tx.publish('ticketChanged', ticketChange({ ...ticket, assigneeId: null }, 'assigned'));
        if (strategy !== 'OFF') await assignOne(tx, strategy, ticket.id, 'released');
      }
      return { count: tickets.length, done: tickets.length < BATCH };
    });
    released += batch.count;
    if (batch.done) return { released, more: false };
  }
  return { released, more: true };
}

/** The admins module's hook: an admin who loses the right to hold tickets gives them back. */
export async function onAdminChanged(tx: Tx, change: AdminChange): Promise<void> {
  if (!change.active || !roleCan(change.role, 'TICKETS_WRITE')) await queueRelease(tx, change.adminId);
  else if (AGENT_ROLES.includes(change.role)) await queueWaitingAssignment(tx);
}

// ─── agents ──────────────────────────────────────────────────────────────────

export interface Agent {
  admin: AdminUser;
  available: boolean;
  capacity: number;
  lastAssignedAt: Date | null;
  openTickets: number;
}

export const CAPACITY = { min: 0, max: 1000, default: 20 } as const;
/** Agents one read lists at most. */
export const MAX_AGENTS = 500;

async function agentsOf(db: Db, where: Prisma.AdminUserWhereInput): Promise<Agent[]> {
  const admins = await db.adminUser.findMany({ where, include: { agentProfile: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: MAX_AGENTS });
  if (!admins.length) return [];
  const counts = await db.ticket.groupBy({
    by: ['assigneeId'],
    where: { assigneeId: { in: admins.map((a) => a.id) }, status: { in: [...OPEN_STATUSES] } },
    _count: { _all: true },
  });
  const open = new Map(counts.map((c) => [c.assigneeId, c._count._all]));
  return admins.map(({ agentProfile, ...admin }) => ({
    admin: admin as AdminUser,
    available: agentProfile?.available ?? false,
    capacity: agentProfile?.capacity ?? CAPACITY.default,
    lastAssignedAt: agentProfile?.lastAssignedAt ?? null,
    openTickets: open.get(admin.id) ?? 0,
  }));
}

/** Active SUPPORT and ADMIN admins with their availability, capacity and open tickets, by name. */
export function listAgents(scope: PlatformScope): Promise<Agent[]> {
  return agentsOf(scope.db, { active: true, role: { in: [...AGENT_ROLES] } });
}

const profileInput = z.object({
  adminId: id,
  available: z.boolean().optional(),
  capacity: z.number().int('a whole number').min(CAPACITY.min, `at least ${CAPACITY.min}`).max(CAPACITY.max, `at most ${CAPACITY.max}`).optional(),
});

/**
 * Sets an agent's availability and capacity. Marking them unavailable releases their open tickets to the
 * others; more room or availability picks up waiting tickets.
 */
export async function updateAgentProfile(scope: AdminScope | SystemScope, input: z.input<typeof profileInput>): Promise<Agent> {
  const { adminId, ...data } = parseInput(profileInput, input);
  return runAudited(scope, async (tx) => {
    const admin = await findOrNotFound('AdminUser', adminId, (id) => tx.db.adminUser.findUnique({ where: { id } }));
    if (!AGENT_ROLES.includes(admin.role)) throw InputError.field(['input', 'adminId'], `a ${admin.role} admin is not a support agent (SUPPORT or ADMIN)`);
    await tx.lockNamed(ASSIGNMENT_LOCK);
    const existing = await tx.db.agentProfile.findUnique({ where: { adminUserId: adminId } });
    const before = existing ?? { adminUserId: adminId, available: false, capacity: CAPACITY.default, lastAssignedAt: null };
    if (existing && !changedFields(existing, data).length) return tx.unchanged((await agentsOf(tx.db, { id: adminId }))[0]!);
    const after = await tx.db.agentProfile.upsert({ where: { adminUserId: adminId }, create: { adminUserId: adminId, ...data }, update: data });
    await tx.audit({ action: 'agentProfile.update', targetType: 'AgentProfile', targetId: adminId, before, after });
    if (before.available && !after.available) await queueRelease(tx, adminId);
    else if (after.available && (!before.available || after.capacity > before.capacity)) await queueWaitingAssignment(tx);
    return (await agentsOf(tx.db, { id: adminId }))[0]!;
  });
}

// ─── jobs ────────────────────────────────────────────────────────────────────

const assignWaitingPayload = z.object({});
const releaseAgentPayload = z.object({ adminId: z.uuid() });

declare global {
  namespace GraphileWorker {
    interface Tasks {
      ticketsAssignWaiting: z.input<typeof assignWaitingPayload>;
      ticketsReleaseAgent: z.input<typeof releaseAgentPayload>;
    }
  }
}

/** Picks up waiting tickets; a run that hit its bound queues the next one. */
export const ticketsAssignWaiting = defineTask('ticketsAssignWaiting', assignWaitingPayload, async (_payload, { scope, logger }) => {
  const { assigned, more } = await assignWaiting(scope);
  if (assigned) logger.info({ assigned }, 'waiting tickets assigned');
  if (more) await transaction(scope, (tx) => queueWaitingAssignment(tx));
});

/** Releases (and reassigns) an admin's open tickets in bounded batches. */
export const ticketsReleaseAgent = defineTask('ticketsReleaseAgent', releaseAgentPayload, async ({ adminId }, { scope, logger }) => {
  const { released, more } = await releaseAgentTickets(scope, adminId);
  if (released) logger.info({ adminId, released }, 'tickets released from an agent');
  if (more) await transaction(scope, (tx) => queueRelease(tx, adminId));
});
