import type { Ticket } from '../../generated/prisma/client.ts';
import type { TicketStatus } from '../../generated/prisma/enums.ts';
import { defineLifecycle } from '../../lib/lifecycle.ts';

const WORKING: TicketStatus[] = ['NEW', 'OPEN', 'PENDING', 'ON_HOLD'];

/**
 * A ticket's statuses. NEW becomes OPEN on the first admin action; OPEN goes to PENDING (waiting on the
 * requester) or ON_HOLD (waiting on someone else) and back; anything still being worked can be resolved;
 * a resolved ticket reopens (a requester's reply does it too); CLOSED is final.
 */
export const ticketLifecycle = defineLifecycle({
  resourceType: 'Ticket',
  state: (ticket: Ticket) => ticket.status,
  transitions: {
    open: { from: ['NEW'], to: 'OPEN' },
    pend: { from: ['OPEN'], to: 'PENDING' },
    hold: { from: ['OPEN'], to: 'ON_HOLD' },
    resume: { from: ['PENDING', 'ON_HOLD'], to: 'OPEN' },
    resolve: { from: WORKING, to: 'RESOLVED' },
    reopen: { from: ['RESOLVED'], to: 'OPEN' },
    close: { from: [...WORKING, 'RESOLVED'], to: 'CLOSED' },
  },
});

export type TicketAction = keyof typeof ticketLifecycle.transitions;

/** The action that takes a ticket from `from` to `to`, or null when none does. */
export function actionFor(from: TicketStatus, to: TicketStatus): TicketAction | null {
  for (const [action, transition] of Object.entries(ticketLifecycle.transitions) as [TicketAction, { from: readonly TicketStatus[]; to: TicketStatus }][]) {
    if (transition.to === to && transition.from.includes(from)) return action;
  }
  return null;
}

/** Statuses in which the ticket still needs work (the queue's "open" tickets). */
export const OPEN_TICKET_STATUSES: readonly TicketStatus[] = WORKING;
