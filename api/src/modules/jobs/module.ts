import { defineModule } from '../manifest.ts';
import { jobRunsList } from './lists.ts';
import { crontab, jobRunsPrune } from './tasks.ts';

declare module '../../events.ts' {
  interface EventMap {
    /** A batch of job runs of one task and outcome was recorded. */
    jobRunRecorded: { task: string; outcome: 'SUCCESS' | 'FAILURE'; count: number };
  }
}

/** Background jobs: every run recorded, statistics, and the retention of that history. */
export default defineModule({
  name: 'jobs',
  graphql: () => import('./schema.ts'),
  tasks: [jobRunsPrune],
  crontab,
  lists: [jobRunsList],
});
