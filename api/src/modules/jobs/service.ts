import { z } from 'zod';
import { Prisma } from '../../db/client.ts';
import type { JobRun } from '../../generated/prisma/client.ts';
import { keysetPage, keysetQuery, type KeysetArgs, type KeysetPage } from '../../lib/cursor.ts';
import { parseInput } from '../../lib/errors.ts';
import { text } from '../../lib/strings.ts';
import type { PlatformScope } from '../../scope.ts';

export const MAX_PAGE_SIZE = 200;

const fromNotAfterTo = (v: { from?: Date; to?: Date }) => !v.from || !v.to || v.from <= v.to;
const windowIssue = { message: 'must not be after `to`', path: ['from'] };

export const jobRunFilterSchema = z
  .object({
    task: text({ min: 1, max: 200 }).optional(),
    outcome: z.enum(['SUCCESS', 'FAILURE']).optional(),
    from: z.date().optional(),
    to: z.date().optional(),
  })
  .refine(fromNotAfterTo, windowIssue);

export type JobRunFilter = z.input<typeof jobRunFilterSchema>;

const listArgsSchema = z.object({
  filter: jobRunFilterSchema.default({}),
  first: z.number().int().min(1).max(MAX_PAGE_SIZE).nullish(),
  after: z.string().min(1).nullish(),
  last: z.number().int().min(1).max(MAX_PAGE_SIZE).nullish(),
  before: z.string().min(1).nullish(),
});

/** `from` and `to` bound `startedAt`, both inclusive (as in the audit log). */
function jobRunWhere(filter: z.output<typeof jobRunFilterSchema>): Prisma.JobRunWhereInput {
  return {
    task: filter.task,
    outcome: filter.outcome,
    startedAt: filter.from || filter.to ? { gte: filter.from, lte: filter.to } : undefined,
  };
}

/** Newest first, keyset-paginated on (startedAt, id): stable while new runs keep arriving. */
export async function listJobRuns(
  scope: PlatformScope,
  args: { filter?: JobRunFilter } & KeysetArgs,
): Promise<KeysetPage<JobRun>> {
  const { filter, ...paging } = parseInput(listArgsSchema, args, []);
  const size = paging.last ?? paging.first ?? 50;
  const where = jobRunWhere(filter);
  const page = keysetQuery('startedAt', paging, size);
  const rows = await scope.db.jobRun.findMany({
    where: page.where ? { AND: [where, page.where] } : where,
    orderBy: page.orderBy,
    take: page.take,
  });
  return keysetPage(rows, size, (run) => run.startedAt, paging);
}

/** Runs matching the filter, all pages together (asked for separately: counting costs a scan). */
export function countJobRuns(scope: PlatformScope, filter: JobRunFilter = {}): Promise<number> {
  return scope.db.jobRun.count({ where: jobRunWhere(parseInput(jobRunFilterSchema, filter, ['filter'])) });
}

export interface TaskStats {
  task: string;
  runs: number;
  successes: number;
  failures: number;
  /** successes / runs, 0..1. */
  successRate: number;
  p50DurationMs: number;
  p95DurationMs: number;
  lastFailureAt: Date | null;
  lastFailureMessage: string | null;
}

const statsArgsSchema = z.object({ from: z.date(), to: z.date() }).refine(fromNotAfterTo, windowIssue);

/**
 * Per-task numbers for runs started in [from, to] (inclusive), in one statement. Percentiles
 * interpolate (percentile_cont); the last failure is the latest-started failing run in the window.
 */
export async function jobStats(scope: PlatformScope, args: { from: Date; to: Date }): Promise<TaskStats[]> {
  const { from, to } = parseInput(statsArgsSchema, args, []);
  const rows = await scope.db.$queryRaw<
    {
      task: string;
      runs: number;
      successes: number;
      failures: number;
      p50: number;
      p95: number;
      lastFailureAt: Date | null;
      lastFailureMessage: string | null;
    }[]
  >`
    WITH stats AS (
      SELECT task,
             count(*)::int AS runs,
             count(*) FILTER (WHERE outcome = 'SUCCESS')::int AS successes,
             count(*) FILTER (WHERE outcome = 'FAILURE')::int AS failures,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY "durationMs") AS p50,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY "durationMs") AS p95
      FROM "JobRun"
      WHERE "startedAt" >= ${from} AND "startedAt" <= ${to}
      GROUP BY task
    )
    SELECT s.*, f."finishedAt" AS "lastFailureAt", f."errorMessage" AS "lastFailureMessage"
    FROM stats s
    LEFT JOIN LATERAL (
      -- One row per task through the (task, startedAt) index, instead of aggregating every message.
      SELECT r."finishedAt", r."errorMessage"
      FROM "JobRun" r
      WHERE s.failures > 0 AND r.task = s.task AND r.outcome = 'FAILURE'
        AND r."startedAt" >= ${from} AND r."startedAt" <= ${to}
      ORDER BY r."startedAt" DESC, r.id DESC
      LIMIT 1
    ) f ON true
    ORDER BY s.task`;
  return rows.map((r) => ({
    task: r.task,
    runs: r.runs,
    successes: r.successes,
    failures: r.failures,
    successRate: r.runs > 0 ? r.successes / r.runs : 0,
    p50DurationMs: Number(r.p50),
    p95DurationMs: Number(r.p95),
    lastFailureAt: r.lastFailureAt,
    lastFailureMessage: r.lastFailureMessage,
  }));
}

export interface JobRunsHour {
  /** Start of the UTC hour. */
  hour: Date;
  successes: number;
  failures: number;
}

const HOUR_MS = 3_600_000;
export const MAX_HOURLY_WINDOW_DAYS = 31;

const hourlyArgsSchema = z
  .object({ from: z.date(), to: z.date(), task: text({ min: 1, max: 200 }).optional() })
  .refine(fromNotAfterTo, windowIssue)
  .refine((v) => v.to.getTime() - v.from.getTime() <= MAX_HOURLY_WINDOW_DAYS * 24 * HOUR_MS, {
    message: `the window may span at most ${MAX_HOURLY_WINDOW_DAYS} days`,
    path: ['from'],
  });

/** The window `jobRunsPerHour` covers: the 24 hours before `to` unless given, `to` defaulting to now. */
export function hourlyWindow(args: { from?: Date; to?: Date }, now = new Date()): { from: Date; to: Date } {
  const to = args.to ?? now;
  return { from: args.from ?? new Date(to.getTime() - 24 * HOUR_MS), to };
}

/**
 * Successes and failures of runs started in [from, to] (inclusive, as in jobStats), per UTC hour, for
 * every hour the window touches, oldest first, with zeros for hours without runs. One statement.
 */
export async function jobRunsPerHour(
  scope: PlatformScope,
  args: { from: Date; to: Date; task?: string },
): Promise<JobRunsHour[]> {
  const { from, to, task } = parseInput(hourlyArgsSchema, args, []);
  return scope.db.$queryRaw<JobRunsHour[]>`
    WITH runs AS (
      SELECT date_trunc('hour', "startedAt" AT TIME ZONE 'UTC') AS hour,
             count(*) FILTER (WHERE outcome = 'SUCCESS')::int AS successes,
             count(*) FILTER (WHERE outcome = 'FAILURE')::int AS failures
      FROM "JobRun"
      WHERE "startedAt" >= ${from} AND "startedAt" <= ${to}
        ${task ? Prisma.sql`AND task = ${task}` : Prisma.empty}
      GROUP BY 1
    )
    SELECT h.hour AT TIME ZONE 'UTC' AS hour,
           coalesce(r.successes, 0)::int AS successes,
           coalesce(r.failures, 0)::int AS failures
    FROM generate_series(
      date_trunc('hour', ${from}::timestamptz AT TIME ZONE 'UTC'),
      date_trunc('hour', ${to}::timestamptz AT TIME ZONE 'UTC'),
      interval '1 hour'
    ) AS h(hour)
    LEFT JOIN runs r USING (hour)
    ORDER BY h.hour`;
}
