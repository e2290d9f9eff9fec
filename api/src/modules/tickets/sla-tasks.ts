// The SLA deadline jobs: scheduled by syncTicketSla at a clock's at-risk and breach instants, keyed per
// ticket, target and kind. A job whose clock moved on (met, paused, rescheduled) finds nothing to change.
import { z } from 'zod';
import type { TicketPriority } from '../../generated/prisma/client.ts';
import { transaction, type SystemScope } from '../../scope.ts';
import { defineTask } from '../../worker/task.ts';
import { recordTicketEvent, ticketChange } from './history.ts';
import { notifyTicket } from './notifications.ts';
import { resyncPlanTickets, resyncTenantTickets } from './sla-service.ts';
import { deadlineJobKey, SLA_TARGETS, syncTicketSla, TARGET_WORDS, type DeadlineKind } from './sla.ts';

export const slaDeadlinePayload = z.object({
  ticketId: z.uuid(),
  target: z.enum(SLA_TARGETS),
  /** The instant the job was scheduled for: the clock's `atRiskAt` or `dueAt` it acts on (its version). */
  at: z.iso.datetime(),
});

export const slaPolicyResyncPayload = z.object({
  planId: z.uuid(),
  priority: z.enum(['LOW', 'NORMAL', 'HIGH', 'URGENT']),
  /** Resume after this ticket id (bounded batches). */
  after: z.uuid().optional(),
});

export const slaTenantResyncPayload = z.object({ tenantId: z.uuid(), after: z.uuid().optional() });

declare global {
  namespace GraphileWorker {
    interface Tasks {
      ticketSlaAtRisk: z.input<typeof slaDeadlinePayload>;
      ticketSlaBreach: z.input<typeof slaDeadlinePayload>;
      ticketSlaPolicyResync: z.input<typeof slaPolicyResyncPayload>;
      ticketSlaTenantResync: z.input<typeof slaTenantResyncPayload>;
    }
  }
}

const PRIORITY_ORDER: readonly TicketPriority[] = ['LOW', 'NORMAL', 'HIGH', 'URGENT'];

/**
 * Moves one clock to AT_RISK or BREACHED if it is still the clock the job was scheduled for (atomic:
 * a conditional update), then records, publishes, notifies and escalates. Returns whether it fired.
 */
export async function fireSlaDeadline(scope: SystemScope, kind: DeadlineKind, payload: z.output<typeof slaDeadlinePayload>): Promise<boolean> {
  const at = new Date(payload.at);
  const { ticketId, target } = payload;
  return transaction(scope, async (tx) => {
    await tx.lock('Ticket', ticketId);
    const now = new Date();
    const moved =
      kind === 'risk'
        ? await tx.db.ticketSlaClock.updateMany({
            where: { ticketId, target, state: 'OK', runningSince: { not: null }, atRiskAt: at },
            data: { state: 'AT_RISK' },
          })
        : await tx.db.ticketSlaClock.updateMany({
            where: { ticketId, target, state: { in: ['OK', 'AT_RISK'] }, runningSince: { not: null }, dueAt: at },
            data: { state: 'BREACHED', breachedAt: now },
          });
    if (moved.count === 0) return false;
    if (kind === 'breach') {
      // The breach overtakes a pending at-risk job.
      await tx.db.$executeRaw`SELECT graphile_worker.remove_job(${deadlineJobKey(ticketId, target, 'risk')})`;
    }
    const ticket = await tx.db.ticket.findUniqueOrThrow({ where: { id: ticketId }, select: { tenantId: true, assigneeId: true, priority: true, slaPolicy: { select: { escalateTo: true } } } });
    if (kind === 'breach') await tx.db.ticketSlaClock.update({ where: { ticketId_target: { ticketId, target } }, data: { assigneeId: ticket.assigneeId } });
    await syncTicketSla(tx, ticketId, 'deadline');
    const state = kind === 'risk' ? 'AT_RISK' : 'BREACHED';
    await recordTicketEvent(tx, {
      ticketId, tenantId: ticket.tenantId, kind: kind === 'risk' ? 'SLA_AT_RISK' : 'SLA_BREACHED',
      to: { target, dueAt: kind === 'breach' ? payload.at : null },
      message: kind === 'risk' ? `${TARGET_WORDS[target]} target at risk` : `${TARGET_WORDS[target]} target breached`,
    });
    await tx.publish('ticketSlaChanged', { ticketId, tenantId: ticket.tenantId, target, state });
    await notifyTicket(tx, kind === 'risk' ? 'slaAtRisk' : 'slaBreached', ticketId, { target, moment: at });

    const escalateTo = kind === 'breach' ? ticket.slaPolicy?.escalateTo : null;
    if (escalateTo && PRIORITY_ORDER.indexOf(escalateTo) > PRIORITY_ORDER.indexOf(ticket.priority)) {
      await tx.db.ticket.update({ where: { id: ticketId }, data: { priority: escalateTo } });
      await recordTicketEvent(tx, {
        ticketId, tenantId: ticket.tenantId, kind: 'ESCALATED',
        from: { priority: ticket.priority }, to: { priority: escalateTo },
        message: `escalated to ${escalateTo} on the ${TARGET_WORDS[target]} breach`,
      });
      await syncTicketSla(tx, ticketId, 'priority');
    }
    const after = await tx.db.ticket.findUniqueOrThrow({
      where: { id: ticketId },
      select: { id: true, tenantId: true, number: true, status: true, priority: true, assigneeId: true, slaState: true },
    });
    await tx.publish('ticketChanged', ticketChange(after, 'sla'));
    return true;
  });
}

export const ticketSlaAtRisk = defineTask('ticketSlaAtRisk', slaDeadlinePayload, async (payload, { scope, logger }) => {
  if (await fireSlaDeadline(scope, 'risk', payload)) logger.info(payload, 'SLA target at risk');
});

export const ticketSlaBreach = defineTask('ticketSlaBreach', slaDeadlinePayload, async (payload, { scope, logger }) => {
  if (await fireSlaDeadline(scope, 'breach', payload)) logger.info(payload, 'SLA target breached');
});

/** Recomputes the open tickets of a plan and priority after a policy or calendar change, one bounded batch per run. */
export const ticketSlaPolicyResync = defineTask('ticketSlaPolicyResync', slaPolicyResyncPayload, async ({ planId, priority, after }, { scope, logger }) => {
  const count = await resyncPlanTickets(scope, planId, priority, after);
  logger.info({ planId, priority, count }, 'SLA clocks resynced');
});

/** Recomputes a tenant's open tickets after its plan changed, one bounded batch per run. */
export const ticketSlaTenantResync = defineTask('ticketSlaTenantResync', slaTenantResyncPayload, async ({ tenantId, after }, { scope, logger }) => {
  const count = await resyncTenantTickets(scope, tenantId, after);
  logger.info({ tenantId, count }, 'SLA clocks resynced');
});
