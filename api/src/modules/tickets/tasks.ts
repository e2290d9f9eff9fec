import { z } from 'zod';
import { defineTask } from '../../worker/task.ts';
import { sendTicketNotification, ticketNotifyPayload } from './notifications.ts';
import { syncTicket, TICKET_SYNC_REASONS } from './service.ts';

export const ticketSyncPayload = z.object({ ticketId: z.uuid(), why: z.enum(TICKET_SYNC_REASONS) });

declare global {
  namespace GraphileWorker {
    interface Tasks {
      ticketSync: z.input<typeof ticketSyncPayload>;
    }
  }
}

/** Sends one ticket email (keyed per ticket, kind and moment; the email itself is idempotent too). */
export const ticketNotify = defineTask('ticketNotify', ticketNotifyPayload, async (payload, { scope, logger }) => {
  const { outcome, reason } = await sendTicketNotification(scope, payload);
  logger.info({ ticketId: payload.ticketId, kind: payload.kind, outcome, reason }, 'ticket notification');
});

/** The platform's follow-up of a tenant-side change, keyed per ticket (`ticket-sync:<id>`). */
export const ticketSync = defineTask('ticketSync', ticketSyncPayload, async ({ ticketId, why }, { scope, logger }) => {
  await syncTicket(scope, ticketId, why);
  logger.debug({ ticketId, why }, 'ticket synced');
});
