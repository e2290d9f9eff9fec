// Signals of a task's recorded job runs (JobRun rows), each one SQL statement over the runs up to `to`.
import { Prisma } from '../../db/client.ts';
import type { AlertSignal } from '../../generated/prisma/enums.ts';

type RawDb = Pick<Prisma.TransactionClient, '$queryRaw'>;
export type JobSignal = Exclude<AlertSignal, 'METRIC'>;

/** The signal's value for `task` at `to` (window [from, to]), or null when there is nothing to measure. */
export async function jobSignal(db: RawDb, signal: JobSignal, task: string, from: Date, to: Date): Promise<number | null> {
  const [row] = await db.$queryRaw<{ value: number | null }[]>(statement(signal, task, from, to));
  return row?.value === null || row?.value === undefined ? null : Number(row.value);
}

function statement(signal: JobSignal, task: string, from: Date, to: Date): Prisma.Sql {
  const inWindow = Prisma.sql`task = ${task} AND "finishedAt" > ${from} AND "finishedAt" <= ${to}`;
  switch (signal) {
    case 'JOB_SUCCESS_RATE':
      return Prisma.sql`SELECT (count(*) FILTER (WHERE outcome = 'SUCCESS'))::float8 / nullif(count(*), 0) AS value FROM "JobRun" WHERE ${inWindow}`;
    case 'JOB_DURATION_P95':
      return Prisma.sql`SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY "durationMs") AS value FROM "JobRun" WHERE ${inWindow}`;
    case 'JOB_MIN_DURATION':
      return Prisma.sql`SELECT min("durationMs")::float8 AS value FROM "JobRun" WHERE ${inWindow} AND outcome = 'SUCCESS'`;
    case 'JOB_FAILURES_IN_A_ROW':
      // Failures after the last success; no runs at all is no data.
      return Prisma.sql`
        WITH runs AS (SELECT outcome, "finishedAt" FROM "JobRun" WHERE task = ${task} AND "finishedAt" <= ${to}),
             last_success AS (SELECT max("finishedAt") AS at FROM runs WHERE outcome = 'SUCCESS')
        SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM runs) THEN NULL
               ELSE (SELECT count(*) FROM runs, last_success WHERE outcome = 'FAILURE' AND (last_success.at IS NULL OR "finishedAt" > last_success.at))::float8
               END AS value`;
    case 'JOB_SECONDS_SINCE_SUCCESS':
      // Never succeeded: counted from the task's first recorded run; never ran: no data.
      return Prisma.sql`
        SELECT extract(epoch FROM (${to}::timestamptz - coalesce(max("finishedAt") FILTER (WHERE outcome = 'SUCCESS'), min("startedAt"))))::float8 AS value
        FROM "JobRun" WHERE task = ${task} AND "finishedAt" <= ${to}`;
  }
}
