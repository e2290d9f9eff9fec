import { z } from 'zod';
import { defineTask } from '../../worker/task.ts';
import { pruneLoginThrottle } from './throttle.ts';

export const loginThrottlePrunePayload = z.object({});

declare global {
  namespace GraphileWorker {
    interface Tasks {
      loginThrottlePrune: z.input<typeof loginThrottlePrunePayload>;
    }
  }
}

/** Forgets sign-in throttle keys with no attempt within the window (and no wait left). */
export const loginThrottlePrune = defineTask('loginThrottlePrune', loginThrottlePrunePayload, async (_payload, { scope, logger }) => {
  const deleted = await pruneLoginThrottle(scope);
  if (deleted) logger.info({ deleted }, 'pruned sign-in throttle keys');
});

// Hourly: the table only holds keys that saw an attempt within the window, so it stays small.
export const crontab = `41 * * * * loginThrottlePrune ?max=3`;
