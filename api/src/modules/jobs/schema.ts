import { builder } from '../../graphql/builder.ts';
import { adminScope, connectionOf, withoutNulls } from '../../graphql/helpers.ts';
import {
  countJobRuns, hourlyWindow, jobRunsPerHour, jobStats, listJobRuns, type JobRunFilter, type JobRunsHour, type TaskStats,
} from './service.ts';

const JobOutcomeEnum = builder.enumType('JobOutcome', { values: ['SUCCESS', 'FAILURE'] as const });

export const JobRunRef = builder.prismaObject('JobRun', {
  description: 'One execution (attempt) of a background job.',
  fields: (t) => ({
    id: t.exposeID('id'),
    task: t.exposeString('task'),
    jobId: t.exposeString('jobId'),
    attempt: t.exposeInt('attempt'),
    queuedAt: t.expose('queuedAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime' }),
    durationMs: t.exposeInt('durationMs'),
    outcome: t.expose('outcome', { type: JobOutcomeEnum }),
    errorMessage: t.exposeString('errorMessage', { nullable: true }),
    workerId: t.exposeString('workerId', { nullable: true }),
  }),
});

const JobRunFilter = builder.inputType('JobRunFilter', {
  fields: (t) => ({
    task: t.string({ required: false }),
    outcome: t.field({ type: JobOutcomeEnum, required: false }),
    from: t.field({ type: 'DateTime', required: false }),
    to: t.field({ type: 'DateTime', required: false }),
  }),
});

const TaskStatsRef = builder.objectRef<TaskStats>('JobTaskStats').implement({
  description: 'Numbers for one task over a time window.',
  fields: (t) => ({
    task: t.exposeString('task'),
    runs: t.exposeInt('runs'),
    successes: t.exposeInt('successes'),
    failures: t.exposeInt('failures'),
    successRate: t.exposeFloat('successRate', { description: 'successes / runs, from 0 to 1.' }),
    p50DurationMs: t.exposeFloat('p50DurationMs'),
    p95DurationMs: t.exposeFloat('p95DurationMs'),
    lastFailureAt: t.expose('lastFailureAt', { type: 'DateTime', nullable: true }),
    lastFailureMessage: t.exposeString('lastFailureMessage', { nullable: true }),
  }),
});

const JobRunsHourRef = builder.objectRef<JobRunsHour>('JobRunsHour').implement({
  description: 'Runs started in one UTC hour, by outcome.',
  fields: (t) => ({
    hour: t.expose('hour', { type: 'DateTime', description: 'Start of the UTC hour.' }),
    successes: t.exposeInt('successes'),
    failures: t.exposeInt('failures'),
  }),
});

builder.queryFields((t) => ({
  jobRuns: t.connection(
    {
      type: JobRunRef,
      authScopes: { permission: 'READ' },
      description: 'Job executions, newest first.',
      args: { filter: t.arg({ type: JobRunFilter, required: false }) },
      resolve: async (_root, args, ctx) => {
        const filter = withoutNulls(args.filter ?? {});
        const page = await listJobRuns(adminScope(ctx), { filter, first: args.first, after: args.after, last: args.last, before: args.before });
        return { ...connectionOf(page), filter };
      },
    },
    {
      fields: (c) => ({
        totalCount: c.int({ resolve: (conn, _args, ctx) => countJobRuns(adminScope(ctx), (conn as unknown as { filter: JobRunFilter }).filter) }),
      }),
    },
  ),
  jobStats: t.field({
    type: [TaskStatsRef],
    authScopes: { permission: 'READ' },
    description: 'Per-task runs, success rate, p50/p95 duration and last failure; the window defaults to the last 24 hours.',
    args: {
      from: t.arg({ type: 'DateTime', required: false }),
      to: t.arg({ type: 'DateTime', required: false }),
    },
    resolve: (_root, args, ctx) => {
      const to = args.to ?? new Date();
      const from = args.from ?? new Date(to.getTime() - 86_400_000);
      return jobStats(adminScope(ctx), { from, to });
    },
  }),
  jobRunsPerHour: t.field({
    type: [JobRunsHourRef],
    authScopes: { permission: 'READ' },
    description:
      'Successes and failures of runs started in [from, to] per UTC hour, oldest first, zero-filled; the window defaults to the last 24 hours and spans at most 31 days.',
    args: {
      from: t.arg({ type: 'DateTime', required: false }),
      to: t.arg({ type: 'DateTime', required: false }),
      task: t.arg.string({ required: false }),
    },
    resolve: (_root, args, ctx) =>
      jobRunsPerHour(adminScope(ctx), { ...hourlyWindow(withoutNulls({ from: args.from, to: args.to })), task: args.task ?? undefined }),
  }),
}));

const JobRunsRecordedEvent = builder
  .objectRef<{ task: string; outcome: 'SUCCESS' | 'FAILURE'; count: number }>('JobRunsRecordedEvent')
  .implement({
    description: 'A batch of job runs was recorded: how many, of which task and outcome.',
    fields: (t) => ({
      task: t.exposeString('task'),
      outcome: t.expose('outcome', { type: JobOutcomeEnum }),
      count: t.exposeInt('count'),
    }),
  });

builder.subscriptionField('jobRunsRecorded', (t) =>
  t.field({
    type: JobRunsRecordedEvent,
    authScopes: { permission: 'READ' },
    description: 'Job runs as they are recorded, optionally for one task.',
    args: { task: t.arg.string({ required: false }) },
    subscribe: (_root, { task }, ctx) => ctx.subscribe('jobRunRecorded', (e) => !task || e.task === task),
    resolve: (event) => event,
  }),
);
