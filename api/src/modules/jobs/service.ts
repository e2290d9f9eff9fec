import { z } from 'zod';
import type { Prisma, PrismaClient } from '../../db/client.ts';
import type { JobRun } from '../../generated/prisma/client.ts';
import { keysetPage, olderThan, type KeysetPage } from '../../lib/cursor.ts';
import { parseInput } from '../../lib/errors.ts';

export const MAX_PAGE_SIZE = 200;

const fromNotAfterTo = (v: { from?: Date; to?: Date }) => !v.from || !v.to || v.from <= v.to;
const windowIssue = { message: 'must not be after `to`', path: ['from'] };

export const jobRunFilterSchema = z
  .object({
    task: z.string().min(1).max(200).optional(),
    outcome: z.enum(['SUCCESS', 'FAILURE']).optional(),
    from: z.date().optional(),
    to: z.date().optional(),
  })
  .refine(fromNotAfterTo, windowIssue);

export type JobRunFilter = z.input<typeof jobRunFilterSchema>;

const listArgsSchema = z.object({
  filter: jobRunFilterSchema.default({}),
  first: z.number().int().min(1).max(MAX_PAGE_SIZE),
  after: z.string().min(1).nullish(),
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
  prisma: PrismaClient,
  args: { filter?: JobRunFilter; first: number; after?: string | null },
): Promise<KeysetPage<JobRun>> {
  const { filter, first, after } = parseInput(listArgsSchema, args, []);
  const where = jobRunWhere(filter);
  const older = olderThan('startedAt', after);
  const rows = await prisma.jobRun.findMany({
    where: older ? { AND: [where, older] } : where,
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    take: first + 1,
  });
  return keysetPage(rows, first, (run) => run.startedAt);
}

/** Runs matching the filter, all pages together (asked for separately: counting costs a scan). */
export function countJobRuns(prisma: PrismaClient, filter: JobRunFilter = {}): Promise<number> {
  return prisma.jobRun.count({ where: jobRunWhere(parseInput(jobRunFilterSchema, filter, ['filter'])) });
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
export async function jobStats(prisma: PrismaClient, args: { from: Date; to: Date }): Promise<TaskStats[]> {
  const { from, to } = parseInput(statsArgsSchema, args, []);
  const rows = await prisma.$queryRaw<
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
