// Ticket emails: a keyed job per ticket, kind and moment, sending one of six templates through the emails
// module. The templates exist in every install (created on first use and by the demo seed) and stay
// editable there: an existing template is never overwritten.
import { z } from 'zod';
import { ConflictError, DomainError } from '../../lib/errors.ts';
import type { PlatformScope, SystemScope } from '../../scope.ts';
import { createTemplate, findTemplate, sendEmail, type CreateTemplateInput } from '../emails/service.ts';
import type { Tx } from './history.ts';

export const TICKET_NOTIFICATION_KINDS = ['received', 'reply', 'resolved', 'assigned', 'slaAtRisk', 'slaBreached'] as const;
export type TicketNotificationKind = (typeof TICKET_NOTIFICATION_KINDS)[number];

export const ticketNotifyPayload = z.object({
  ticketId: z.uuid(),
  kind: z.enum(TICKET_NOTIFICATION_KINDS),
  /** What makes this notification one of a kind: a comment id, an SLA target and due time, a time. */
  moment: z.string().min(1).max(120),
  /** The public reply being announced (kind `reply`). */
  commentId: z.uuid().optional(),
  /** The SLA target concerned (kinds `slaAtRisk`, `slaBreached`). */
  target: z.enum(['FIRST_RESPONSE', 'NEXT_RESPONSE', 'RESOLUTION']).optional(),
});
export type TicketNotifyPayload = z.output<typeof ticketNotifyPayload>;

declare global {
  namespace GraphileWorker {
    interface Tasks {
      ticketNotify: z.input<typeof ticketNotifyPayload>;
    }
  }
}

export interface NotifyExtra {
  commentId?: string;
  target?: 'FIRST_RESPONSE' | 'NEXT_RESPONSE' | 'RESOLUTION';
  /** Overrides the moment that keys the notification (default: the comment id, or now). */
  moment?: string | Date;
}

/**
 * Queues a ticket email in the transaction of the change that causes it (sent only if it commits). The
 * same ticket, kind and moment is sent once: the job key collapses repeats and the email's idempotency
 * key survives retries.
 */
export async function notifyTicket(tx: Pick<Tx, 'enqueue'>, kind: TicketNotificationKind, ticketId: string, extra: NotifyExtra = {}): Promise<void> {
  const at = extra.moment ?? extra.commentId ?? new Date();
  const moment = [extra.target, at instanceof Date ? at.toISOString() : at].filter(Boolean).join('@');
  await tx.enqueue(
    'ticketNotify',
    { ticketId, kind, moment, commentId: extra.commentId, target: extra.target },
    { jobKey: `ticket-notify:${ticketId}:${kind}:${moment}`, maxAttempts: 5 },
  );
}

// ─── templates ───────────────────────────────────────────────────────────────

const v = (name: string, sample: string, description: string) => ({ name, sample, description });
const ticketVars = [
  v('reference', 'T-1042', 'The ticket reference.'),
  v('subject', 'Cannot export invoices', "The ticket's subject."),
  v('tenantName', 'Acme Inc', 'The tenant the ticket belongs to.'),
];
const requesterVars = [...ticketVars, v('requesterName', 'Ada', "The requester's name (or email address).")];
const agentVars = [...ticketVars, v('assigneeName', 'Sam', 'The admin the ticket is assigned to (or "the support team").'), v('priority', 'HIGH', 'The ticket priority.')];
const slaVars = [...agentVars, v('target', 'first response', 'The SLA target concerned.'), v('dueAt', '2026-12-07T15:00:00.000Z', 'When the target is (was) due, UTC.')];

export const TICKET_TEMPLATES: Record<TicketNotificationKind, CreateTemplateInput> = {
  received: {
    key: 'ticket-received', name: 'Ticket received', description: 'Sent to the requester when their ticket is opened.',
    subject: '[{{reference}}] We received your request: {{subject}}',
    html: '<p>Hello {{requesterName}},</p>\n<p>We received your request <strong>{{subject}}</strong> ({{reference}}). Our support team will answer soon.</p>',
    text: 'Hello {{requesterName}},\n\nWe received your request "{{subject}}" ({{reference}}). Our support team will answer soon.',
    variables: requesterVars,
  },
  reply: {
    key: 'ticket-reply', name: 'Ticket reply', description: 'Sent to the requester when support replies publicly.',
    subject: '[{{reference}}] New reply: {{subject}}',
    html: '<p>Hello {{requesterName}},</p>\n<p>{{authorName}} replied to <strong>{{subject}}</strong> ({{reference}}):</p>\n<blockquote style="white-space: pre-wrap">{{body}}</blockquote>',
    text: 'Hello {{requesterName}},\n\n{{authorName}} replied to "{{subject}}" ({{reference}}):\n\n{{body}}',
    variables: [...requesterVars, v('authorName', 'Sam', 'Who replied.'), v('body', 'Thanks, it is fixed now.', 'The reply (Markdown source).')],
  },
  resolved: {
    key: 'ticket-resolved', name: 'Ticket resolved', description: "Sent to the requester when their ticket is resolved.",
    subject: '[{{reference}}] Resolved: {{subject}}',
    html: '<p>Hello {{requesterName}},</p>\n<p>Your request <strong>{{subject}}</strong> ({{reference}}) is resolved. Reply to reopen it.</p>',
    text: 'Hello {{requesterName}},\n\nYour request "{{subject}}" ({{reference}}) is resolved. Reply to reopen it.',
    variables: requesterVars,
  },
  assigned: {
    key: 'ticket-assigned', name: 'Ticket assigned', description: 'Sent to an admin when a ticket is assigned to them.',
    subject: '[{{reference}}] Assigned to you: {{subject}}',
    html: '<p>{{assigneeName}}, ticket <strong>{{reference}}</strong> ({{priority}}) from {{tenantName}} is now yours: {{subject}}</p>',
    text: '{{assigneeName}}, ticket {{reference}} ({{priority}}) from {{tenantName}} is now yours: {{subject}}',
    variables: agentVars,
  },
  slaAtRisk: {
    key: 'ticket-sla-at-risk', name: 'Ticket SLA at risk', description: 'Sent to the assignee (or the support team) when an SLA target is at risk.',
    subject: '[{{reference}}] SLA at risk ({{target}}): {{subject}}',
    html: '<p>{{assigneeName}}, the {{target}} target of <strong>{{reference}}</strong> ({{priority}}, {{tenantName}}) is due at {{dueAt}}.</p>',
    text: '{{assigneeName}}, the {{target}} target of {{reference}} ({{priority}}, {{tenantName}}) is due at {{dueAt}}.',
    variables: slaVars,
  },
  slaBreached: {
    key: 'ticket-sla-breached', name: 'Ticket SLA breached', description: 'Sent to the assignee (or the support team) when an SLA target is breached.',
    subject: '[{{reference}}] SLA breached ({{target}}): {{subject}}',
    html: '<p>{{assigneeName}}, the {{target}} target of <strong>{{reference}}</strong> ({{priority}}, {{tenantName}}) was due at {{dueAt}} and is breached.</p>',
    text: '{{assigneeName}}, the {{target}} target of {{reference}} ({{priority}}, {{tenantName}}) was due at {{dueAt}} and is breached.',
    variables: slaVars,
  },
};

/** Creates the template of `kind` unless one with its key exists (edited or not, it is kept). */
export async function ensureTicketTemplate(scope: PlatformScope, kind: TicketNotificationKind): Promise<void> {
  const definition = TICKET_TEMPLATES[kind];
  if (await findTemplate(scope, { key: definition.key }, { select: { id: true } })) return;
  try {
    await createTemplate(scope, definition);
  } catch (error) {
    // Another job or the seed created it at the same moment.
    if (!(error instanceof ConflictError)) throw error;
  }
}

export async function ensureTicketTemplates(scope: PlatformScope): Promise<void> {
  for (const kind of TICKET_NOTIFICATION_KINDS) await ensureTicketTemplate(scope, kind);
}

// ─── sending (the ticketNotify job) ──────────────────────────────────────────

const TARGET_WORDS = { FIRST_RESPONSE: 'first response', NEXT_RESPONSE: 'next response', RESOLUTION: 'resolution' } as const;

export type NotifyOutcome = 'queued' | 'skipped';

/** Sends one ticket email; a ticket or recipient that no longer qualifies is skipped, not retried. */
export async function sendTicketNotification(scope: SystemScope, payload: TicketNotifyPayload): Promise<{ outcome: NotifyOutcome; reason?: string }> {
  const ticket = await scope.db.ticket.findUnique({
    where: { id: payload.ticketId },
    select: {
      id: true, number: true, subject: true, priority: true, tenantId: true,
      firstResponseDueAt: true, nextResponseDueAt: true, resolutionDueAt: true,
      tenant: { select: { name: true } },
      requester: { select: { id: true, name: true, email: true } },
      assignee: { select: { name: true, email: true, active: true } },
    },
  });
  if (!ticket) return { outcome: 'skipped', reason: 'the ticket no longer exists' };
  const base = { reference: `T-${ticket.number}`, subject: ticket.subject, tenantName: ticket.tenant.name };
  const template = TICKET_TEMPLATES[payload.kind].key;
  const idempotencyKey = `ticket:${ticket.id}:${payload.kind}:${payload.moment}`.slice(0, 200);
  let to: string | null = null;
  let userId: string | undefined;
  let variables: Record<string, unknown>;
  switch (payload.kind) {
    case 'received':
    case 'resolved':
    case 'reply': {
      to = ticket.requester.email;
      userId = ticket.requester.id;
      variables = { ...base, requesterName: ticket.requester.name ?? ticket.requester.email ?? '' };
      if (payload.kind === 'reply') {
        const comment = payload.commentId
          ? await scope.db.ticketComment.findUnique({
              where: { id: payload.commentId },
              select: { body: true, internal: true, authorAdmin: { select: { name: true } } },
            })
          : null;
        // Internal notes are never mailed to a requester, whatever enqueued them.
        if (!comment || comment.internal) return { outcome: 'skipped', reason: 'no public reply to announce' };
        variables = { ...variables, authorName: comment.authorAdmin?.name ?? 'Support', body: comment.body };
      }
      break;
    }
    case 'assigned':
    case 'slaAtRisk':
    case 'slaBreached': {
      const agent = ticket.assignee?.active ? ticket.assignee : null;
      if (payload.kind === 'assigned') {
        if (!agent) return { outcome: 'skipped', reason: 'no active assignee' };
        to = agent.email;
      } else {
        const settings = await scope.db.ticketSettings.findUnique({ where: { id: 1 }, select: { supportTeamEmail: true } });
        to = agent?.email ?? settings?.supportTeamEmail ?? null;
      }
      variables = { ...base, assigneeName: agent?.name ?? 'the support team', priority: ticket.priority };
      if (payload.kind !== 'assigned') {
        const target = payload.target ?? 'RESOLUTION';
        const due = { FIRST_RESPONSE: ticket.firstResponseDueAt, NEXT_RESPONSE: ticket.nextResponseDueAt, RESOLUTION: ticket.resolutionDueAt }[target];
        variables = { ...variables, target: TARGET_WORDS[target], dueAt: due?.toISOString() ?? '' };
      }
      break;
    }
  }
  if (!to) return { outcome: 'skipped', reason: 'the recipient has no email address' };
  await ensureTicketTemplate(scope, payload.kind);
  try {
    await sendEmail(scope, { template, to, userId, tenantId: userId ? ticket.tenantId : undefined, variables, idempotencyKey });
  } catch (error) {
    // A blocked requester, a used-up quota or an edited template's variables: retrying changes nothing.
    if (error instanceof DomainError) return { outcome: 'skipped', reason: error.message };
    throw error;
  }
  return { outcome: 'queued' };
}
