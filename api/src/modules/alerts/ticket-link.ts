// The TICKET channel: a firing alert opens a support ticket (source ALERT) through the tickets service, so
// history, SLA clocks and auto-assignment apply as to any ticket, and the two are linked (Alert.ticketId).
// Resolving the alert adds an internal note; acknowledging it is the ticket's first response (a public
// reply by the platform, so the first-response clock is met). Each runs in one audited transaction with
// the delivery's SENT mark, so a retry after a crash never opens a second ticket.
import type { TicketPriority } from '../../generated/prisma/enums.ts';
import { DomainError } from '../../lib/errors.ts';
import type { SystemScope } from '../../scope.ts';
import { runAudited } from '../audit/service.ts';
import { commentOnTicketIn, openTicketIn } from '../tickets/service.ts';
import { readConfig } from './channels.ts';
import { labelsText, markSent, noticeOf, type LoadedDelivery, type SendResult } from './deliveries.ts';

/** The requester of alert tickets in each tenant (upserted on first use). */
export const MONITORING_REQUESTER = 'opsgraph-monitoring';

export const PRIORITY_BY_SEVERITY: Record<string, TicketPriority> = { CRITICAL: 'URGENT', WARNING: 'HIGH', INFO: 'NORMAL' };

type Outcome = SendResult | 'settled';

const final = (error: string): SendResult => ({ ok: false, final: true, error });

/** Runs a ticket change; expected refusals of the tickets service (closed, blocked, missing) are final. */
async function ticketChange(work: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError) return final(error.message);
    throw error;
  }
}

export async function sendTicketNotice(scope: SystemScope, d: LoadedDelivery): Promise<Outcome> {
  const config = readConfig(d.channel.config);
  if (!d.alert) {
    // A test opens nothing: it checks the fallback tenant still exists.
    if (!config.ticketTenantId) return { ok: true };
    const tenant = await scope.db.tenant.findUnique({ where: { id: config.ticketTenantId }, select: { id: true } });
    return tenant ? { ok: true } : final(`the fallback tenant ${config.ticketTenantId} no longer exists`);
  }
  switch (d.reason) {
    case 'FIRING':
    case 'REPEAT':
      return openAlertTicket(scope, d);
    case 'RESOLVED':
      return commentOnAlertTicket(scope, d, false);
    case 'ACKNOWLEDGED':
      return commentOnAlertTicket(scope, d, true);
    default:
      return final(`unknown reason ${d.reason}`);
  }
}

function ticketText(d: LoadedDelivery) {
  const alert = d.alert!;
  const notice = noticeOf(d);
  const labels = labelsText(notice.alert!.labels);
  const subject = `[${alert.severity}] ${alert.rule.name}${labels ? ` ${labels}` : ''}`.slice(0, 300);
  const description = [
    `The alert rule **${alert.rule.name}** is firing.`,
    '',
    `- Severity: ${alert.severity}`,
    `- Value: ${alert.value ?? 'no data'}${alert.rule.threshold !== undefined ? ` (${alert.rule.operator} ${alert.rule.threshold})` : ''}`,
    ...(labels ? [`- Labels: \`${labels}\``] : []),
    `- Started: ${alert.startedAt.toISOString()}`,
    `- Alert: ${alert.id}`,
    ...(alert.rule.description ? ['', alert.rule.description] : []),
  ].join('\n');
  return { subject, description: description.slice(0, 50_000) };
}

async function openAlertTicket(scope: SystemScope, d: LoadedDelivery): Promise<Outcome> {
  const config = readConfig(d.channel.config);
  const alertId = d.alert!.id;
  return ticketChange(() =>
    runAudited(scope, async (tx) => {
      await tx.lock('Alert', alertId);
      const alert = await tx.db.alert.findUniqueOrThrow({ where: { id: alertId }, select: { ticketId: true, tenantId: true } });
      if (alert.ticketId) {
        // Opened by an earlier attempt or another TICKET channel of the rule: one ticket per alert.
        await markSent(tx.db, d, null);
        return tx.unchanged('settled' as const);
      }
      const tenantId = alert.tenantId ?? config.ticketTenantId;
      if (!tenantId) {
        return tx.unchanged(final('the alert concerns no tenant and the channel has no fallback tenant (ticketTenantId): no ticket can be opened'));
      }
      if (!(await tx.db.tenant.findUnique({ where: { id: tenantId }, select: { id: true } }))) return tx.unchanged(final(`the tenant ${tenantId} no longer exists`));
      const requester = await tx.db.user.upsert({
        where: { tenantId_externalId: { tenantId, externalId: MONITORING_REQUESTER } },
        create: { tenantId, externalId: MONITORING_REQUESTER, name: 'Opsgraph monitoring' },
        update: {},
      });
      const { subject, description } = ticketText(d);
      const ticket = await openTicketIn(tx, {
        tenantId, requesterId: requester.id, subject, description, category: 'Monitoring', tags: ['alert', d.alert!.severity.toLowerCase()],
        priority: config.ticketPriority ?? PRIORITY_BY_SEVERITY[d.alert!.severity] ?? 'NORMAL',
      }, 'ALERT');
      await tx.db.alert.update({ where: { id: alertId }, data: { ticketId: ticket.id } });
      await markSent(tx.db, d, null);
      return 'settled' as const;
    }),
  );
}

async function commentOnAlertTicket(scope: SystemScope, d: LoadedDelivery, acknowledged: boolean): Promise<Outcome> {
  const alertId = d.alert!.id;
  const { ticketId } = await scope.db.alert.findUniqueOrThrow({ where: { id: alertId }, select: { ticketId: true } });
  if (!ticketId) {
    // The ticket may still be on its way: the FIRING delivery of this channel has not settled yet.
    const opening = await scope.db.alertDelivery.count({
      where: { alertId, channelId: d.channelId, reason: { in: ['FIRING', 'REPEAT'] }, status: { in: ['PENDING', 'FAILED'] } },
    });
    return opening ? { ok: false, final: false, error: 'waiting for the ticket to be opened (its FIRING delivery has not settled)' } : final('no ticket is linked to the alert');
  }
  const notice = noticeOf(d).alert!;
  const body = acknowledged
    ? `Alert acknowledged${notice.acknowledgedBy ? ` by ${notice.acknowledgedBy}` : ''}${notice.acknowledgeNote ? `: ${notice.acknowledgeNote}` : '.'}`
    : `The alert resolved${notice.resolvedAt ? ` at ${notice.resolvedAt}` : ''} (rule ${notice.ruleName}, last value ${notice.value ?? 'no data'}).`;
  return ticketChange(() =>
    runAudited(scope, async (tx) => {
      // An acknowledgement answers the ticket publicly (its first response); a resolution is a note for support.
      await commentOnTicketIn(tx, ticketId, { body, internal: !acknowledged });
      await markSent(tx.db, d, null);
      return 'settled' as const;
    }),
  ).then((outcome) => (outcome !== 'settled' && !outcome.ok ? { ...outcome, error: `ticket ${ticketId}: ${outcome.error}` } : outcome));
}
