import type { JobRun } from '../../generated/prisma/client.ts';
import { InputError } from '../../lib/errors.ts';
import { dateParam, type CsvExport } from '../../lib/csv-export.ts';
import { countJobRuns, listJobRuns, type JobRunFilter } from './service.ts';

export const jobRunsExport: CsvExport<JobRunFilter, JobRun> = {
  columns: ['startedAt', 'task', 'outcome', 'attempt', 'durationMs', 'queuedAt', 'finishedAt', 'errorMessage', 'jobId', 'workerId', 'id'],
  parseFilter(param) {
    const outcome = param('outcome');
    if (outcome !== undefined && outcome !== 'SUCCESS' && outcome !== 'FAILURE') throw InputError.field('outcome', 'SUCCESS or FAILURE');
    return { task: param('task'), outcome, from: dateParam(param, 'from'), to: dateParam(param, 'to') };
  },
  count: (scope, filter) => countJobRuns(scope, filter),
  async page(scope, filter, size, after) {
    const page = await listJobRuns(scope, { filter, first: Math.min(size, 200), after });
    return { rows: page.nodes, next: page.hasNextPage ? page.endCursor : null };
  },
};
