import { defineList, filters, ordered } from '../../lib/list.ts';

export const jobRunsList = defineList({
  name: 'jobRuns',
  model: 'JobRun',
  description: 'Job executions, newest first.',
  filterType: 'JobRunFilter',
  sortType: 'JobRunSort',
  filter: {
    task: filters.text(),
    outcome: filters.enum('JobOutcome'),
    from: filters.date('Started at or after this time.'),
    to: filters.date('Started at or before this time.'),
  },
  checks: [ordered('from', 'to')],
  where: (f) => ({
    task: f.task,
    outcome: f.outcome,
    startedAt: f.from || f.to ? { gte: f.from, lte: f.to } : undefined,
  }),
  sorts: { STARTED_AT_DESC: [{ startedAt: 'desc' }, { id: 'desc' }] },
  defaultSort: 'STARTED_AT_DESC',
  csv: {
    name: 'job-runs',
    columns: ['startedAt', 'task', 'outcome', 'attempt', 'durationMs', 'queuedAt', 'finishedAt', 'errorMessage', 'jobId', 'workerId', 'id'],
  },
});
