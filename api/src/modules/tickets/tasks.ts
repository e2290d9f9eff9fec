import { defineTask } from '../../worker/task.ts';
import { sendTicketNotification, ticketNotifyPayload } from './notifications.ts';

/** Sends one ticket email (keyed per ticket, kind and moment; the email itself is idempotent too). */
export const ticketNotify = defineTask('ticketNotify', ticketNotifyPayload, async (payload, { scope, logger }) => {
  const { outcome, reason } = await sendTicketNotification(scope, payload);
  logger.info({ ticketId: payload.ticketId, kind: payload.kind, outcome, reason }, 'ticket notification');
});
