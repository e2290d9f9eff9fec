import { z } from 'zod';
import { defineTask } from '../../worker/task.ts';

export const JOB_RUN_RETENTION_DAYS = 30;
const PRUNE_BATCH = 10_000;

export const jobRunsPrunePayload = z.object({
  olderThanDays: z.number().int().min(1).default(JOB_RUN_RETENTION_DAYS),
});

declare global {
  namespace GraphileWorker {
    interface Tasks {
      jobRunsPrune: z.input<typeof jobRunsPrunePayload>;
    }
  }
}

/** Deletes job-run history past retention, in batches so no single statement holds locks for long. */
export const jobRunsPrune = defineTask('jobRunsPrune', jobRunsPrunePayload, async ({ olderThanDays }, { scope, logger }) => {
  const cutoff = new Date(Date.now() - olderThanDays * 86_400_000);
  let deleted = 0;
  for (;;) {
    const n = await scope.db.$executeRaw`
      DELETE FROM "JobRun" WHERE id IN (
        SELECT id FROM "JobRun" WHERE "startedAt" < ${cutoff} LIMIT ${PRUNE_BATCH}
      )`;
    deleted += n;
    if (n < PRUNE_BATCH) break;
  }
  logger.info({ deleted, cutoff }, 'pruned job runs');
});

// Daily at 03:17 UTC. graphile-worker's cron schedules each tick once however many workers run it.
export const crontab = `17 3 * * * jobRunsPrune ?max=3`;
