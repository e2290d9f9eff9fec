import { z } from 'zod';
import { defineTask } from '../../worker/task.ts';
import { processEvent } from './service.ts';

export const webhookProcessPayload = z.object({ eventId: z.uuid(), trigger: z.enum(['delivery', 'retry', 'replay']).default('delivery') });

declare global {
  namespace GraphileWorker {
    interface Tasks {
      webhookProcess: z.input<typeof webhookProcessPayload>;
    }
  }
}

/** One attempt of a stored provider event (see processEvent); a duplicate job finds nothing to do. */
export const webhookProcess = defineTask('webhookProcess', webhookProcessPayload, async ({ eventId, trigger }, { scope }) => {
  await processEvent(scope, eventId, trigger);
});
