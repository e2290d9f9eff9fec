import { z } from 'zod';
import { defineTask } from '../../worker/task.ts';
import { deliverEmail } from './service.ts';

export const emailDeliverPayload = z.object({ emailId: z.uuid() });

declare global {
  namespace GraphileWorker {
    interface Tasks {
      emailDeliver: z.input<typeof emailDeliverPayload>;
    }
  }
}

/** Renders and sends one queued email; retries of transient failures are scheduled by the service. */
export const emailDeliver = defineTask('emailDeliver', emailDeliverPayload, async ({ emailId }, { scope, logger }) => {
  const outcome = await deliverEmail(scope, emailId);
  logger.info({ emailId, outcome }, 'email delivery');
});
