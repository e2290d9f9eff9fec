import type { JobHelpers, Task } from 'graphile-worker';
import type { z } from 'zod';
import type { App } from '../app.ts';
import type { Logger } from '../lib/logger.ts';
import { systemScope, type SystemScope } from '../scope.ts';

/**
 * Typed tasks. A module declares each task's payload once, globally, the way graphile-worker expects,
 * so `enqueueJob` (and graphile's own `addJob`) check payloads at compile time:
 *
 *   export const breachCheckPayload = z.object({ ticketId: z.uuid() });
 *   declare global {
 *     namespace GraphileWorker {
 *       interface Tasks {
 *         breachCheck: z.input<typeof breachCheckPayload>; // what is enqueued (before defaults)
 *       }
 *     }
 *   }
 *   export const breachCheck = defineTask('breachCheck', breachCheckPayload, async (payload, ctx) => { ... });
 *   // and in the module's manifest: tasks: [breachCheck]
 *
 * The zod schema re-checks the payload at run time: the database holds JSON written by any version of
 * the code (or by hand), so a task never trusts it.
 */

/** What a handler gets besides its payload: an explicit system scope, graphile's helpers and a logger. */
export interface TaskContext {
  /** The platform acting on its own (SYSTEM in the audit log), with the job as its request id. */
  scope: SystemScope;
  helpers: JobHelpers;
  /** Child of the worker's logger with `task` and `jobId` bound. */
  logger: Logger;
}

export type TaskHandler<T> = (payload: T, ctx: TaskContext) => Promise<void>;

export interface TaskDefinition<Name extends string = string, Schema extends z.ZodType = z.ZodType> {
  readonly name: Name;
  readonly schema: Schema;
  // Method syntax on purpose: a list of definitions (`TaskDefinition[]`) holds tasks of any payload.
  handler(payload: z.output<Schema>, ctx: TaskContext): Promise<void>;
}

export function defineTask<Name extends string, Schema extends z.ZodType>(
  name: Name,
  schema: Schema,
  handler: TaskHandler<z.output<Schema>>,
): TaskDefinition<Name, Schema> {
  if (!/^[A-Za-z][A-Za-z0-9_.:-]*$/.test(name)) throw new Error(`Invalid task name "${name}"`);
  return { name, schema, handler };
}

/** The payload did not match the task's schema; the message names every offending field. */
export class InvalidPayloadError extends Error {
  override name = 'InvalidPayloadError';
  constructor(
    readonly task: string,
    readonly issues: { path: string[]; message: string }[],
  ) {
    super(
      `Invalid payload for task "${task}": ${issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')}`,
    );
  }
}

/** Wraps a definition as a graphile-worker task: validate, then call the handler with its context. */
export function toGraphileTask(definition: TaskDefinition, app: App, workerLogger: Logger): Task {
  return async (rawPayload, helpers) => {
    const parsed = definition.schema.safeParse(rawPayload);
    if (!parsed.success) {
      throw new InvalidPayloadError(
        definition.name,
        parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
      );
    }
    const logger = workerLogger.child({ task: definition.name, jobId: helpers.job.id });
    const scope = systemScope(app, definition.name, { requestId: `job-${helpers.job.id}` });
    await definition.handler(parsed.data, { scope, helpers, logger });
  };
}

// ─── enqueueing ──────────────────────────────────────────────────────────────

export type TaskName = keyof GraphileWorker.Tasks & string;

export interface EnqueueOptions {
  /** Identifies a pending job: enqueueing again with the same key updates it instead of adding another. */
  jobKey?: string;
  runAt?: Date;
  /** Default 25 (graphile-worker's). */
  maxAttempts?: number;
  /** Jobs in one named queue run one at a time. Keep the number of queue names small. */
  queueName?: string;
  /** With a `jobKey`: 'replace' (default) also moves `runAt`; 'preserve_run_at' keeps the pending job's. */
  jobKeyMode?: 'replace' | 'preserve_run_at';
  /** Lower runs first. Default 0. */
  priority?: number;
}

/** Anything that runs raw SQL: the Prisma client or, to enqueue only if it commits, a transaction client. */
export interface JobExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

const ADD_JOB_SQL = `SELECT graphile_worker.add_job(
  identifier => $1::text,
  payload => $2::json,
  queue_name => $3::text,
  run_at => $4::timestamptz,
  max_attempts => $5::int,
  job_key => $6::text,
  priority => $7::int,
  job_key_mode => $8::text
)`;

/**
 * Adds a job through `db`. Pass the transaction client of the change that causes the job so the job
 * exists only if that change commits (workers are woken by NOTIFY, which is also delivered on commit).
 */
export async function enqueueJob<K extends TaskName>(
  db: JobExecutor,
  task: K,
  payload: GraphileWorker.Tasks[K],
  opts: EnqueueOptions = {},
): Promise<void> {
  await db.$executeRawUnsafe(
    ADD_JOB_SQL,
    task,
    JSON.stringify(payload ?? {}),
    opts.queueName ?? null,
    opts.runAt ? opts.runAt.toISOString() : null,
    opts.maxAttempts ?? null,
    opts.jobKey ?? null,
    opts.priority ?? null,
    opts.jobKeyMode ?? 'replace',
  );
}
