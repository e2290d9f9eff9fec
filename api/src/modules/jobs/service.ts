import { z } from 'zod';
import { Prisma } from '../../db/client.ts';
import { parseInput } from '../../lib/errors.ts';
import { text } from '../../lib/strings.ts';
import type { PlatformScope } from '../../scope.ts';

const fromNotAfterTo = (v: { from?: Date; to?: Date }) => !v.from || !v.to || v.from <= v.to;
const windowIssue = { message: 'must not be after `to`', path: ['from'] };

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

const HOUR_MS = 3_600_000;
/** Aggregates read at most this much history: every statement stays bounded. */
export const MAX_WINDOW_DAYS = 31;

const bounded = <S extends z.ZodType<{ from: Date; to: Date }>>(schema: S) =>
  schema.refine(fromNotAfterTo, windowIssue).refine((v) => v.to.getTime() - v.from.getTime() <= MAX_WINDOW_DAYS * 24 * HOUR_MS, {
    message: `the window may span at most ${MAX_WINDOW_DAYS} days`,
    path: ['from'],
  });
const windowSchema = bounded(z.object({ from: z.date(), to: z.date() }));

/** The window an aggregate covers: the 24 hours before `to` unless given, `to` defaulting to now. */
export function statsWindow(args: { from?: Date; to?: Date }, now = new Date()): { from: Date; to: Date } {
  const to = args.to ?? now;
  return { from: args.from ?? new Date(to.getTime() - 24 * HOUR_MS), to };
}

/**
 * Per-task numbers for runs started in [from, to] (inclusive, at most 31 days), in one statement. Percentiles
 * interpolate (percentile_cont); the last failure is the latest-started failing run in the window.
 */
export async function jobStats(scope: PlatformScope, args: { from: Date; to: Date }): Promise<TaskStats[]> {
  const { from, to } = parseInput(windowSchema, args, []);
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

const hourlyArgsSchema = bounded(z.object({ from: z.date(), to: z.date(), task: text({ min: 1, max: 200 }).optional() }));

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
