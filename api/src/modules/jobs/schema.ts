import { builder } from '../../graphql/builder.ts';
import { prismaEnum } from '../../graphql/enums.ts';
import { adminScope, withoutNulls } from '../../graphql/helpers.ts';
import { jobRunsPerHour, jobStats, statsWindow, type JobRunsHour, type TaskStats } from './service.ts';

const JobOutcomeEnum = prismaEnum('JobOutcome');

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
  jobStats: t.field({
    type: [TaskStatsRef],
    authScopes: { permission: 'READ' },
    description:
      'Per-task runs, success rate, p50/p95 duration and last failure of runs started in [from, to]; the window defaults to the last 24 hours and spans at most 31 days.',
    args: {
      from: t.arg({ type: 'DateTime', required: false }),
      to: t.arg({ type: 'DateTime', required: false }),
    },
    resolve: (_root, args, ctx) => jobStats(adminScope(ctx), statsWindow(withoutNulls({ from: args.from, to: args.to }))),
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
      jobRunsPerHour(adminScope(ctx), { ...statsWindow(withoutNulls({ from: args.from, to: args.to })), task: args.task ?? undefined }),
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
