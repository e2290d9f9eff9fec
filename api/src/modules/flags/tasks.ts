import { z } from 'zod';
import { DomainError } from '../../lib/errors.ts';
import { defineTask } from '../../worker/task.ts';
import { applyScheduledChange, failScheduledChange } from './service.ts';

export const flagScheduledChangePayload = z.object({ changeId: z.uuid() });

declare global {
  namespace GraphileWorker {
    interface Tasks {
      flagScheduledChange: z.input<typeof flagScheduledChangePayload>;
    }
  }
}

/**
 * A scheduled enable, disable or rollout change, at its time (keyed `flag-change:<changeId>`). A retry
 * after a crash finds the change applied and does nothing; one that cannot apply is marked FAILED.
 */
export const flagScheduledChange = defineTask('flagScheduledChange', flagScheduledChangePayload, async ({ changeId }, { scope, logger }) => {
  try {
    const change = await applyScheduledChange(scope, changeId);
    logger.debug({ changeId, status: change?.status ?? null }, 'flag scheduled change');
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    await failScheduledChange(scope, changeId, error.message);
    logger.warn({ changeId, err: error }, 'flag scheduled change failed');
  }
});
