import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Logger as GraphileLogger, run, runMigrations, type Job, type WorkerEvents } from 'graphile-worker';
import type { App } from '../app.ts';
import { createPool, type PrismaClient } from '../db/client.ts';
import type { JobOutcome } from '../generated/prisma/enums.ts';
import type { Logger } from '../lib/logger.ts';
import { buildTaskList, collectCrontab, collectTaskDefinitions } from './registry.ts';
import type { TaskDefinition } from './task.ts';

export const HEARTBEAT_INTERVAL_MS = 5_000;
/** A lock held this long by a worker whose heartbeat is this old is taken to belong to a dead worker. */
export const RECOVER_LOCKS_AFTER_MS = 60_000;
export const DEFAULT_CONCURRENCY = 5;

const FLUSH_INTERVAL_MS = 250;
const FLUSH_MAX_ROWS = 200;
const WRITE_BATCH_ROWS = 1_000;
const RETRY_DELAY_MS = 1_000;
const MAX_WRITE_TRIES = 3;
const MAX_ERROR_CHARS = 2_000;
/** While the database refuses writes, keep at most this many rows (the oldest go first). */
const MAX_BUFFERED_ROWS = 20_000;

export interface WorkerHandle {
  /** Identifies this worker in `WorkerHeartbeat`, `JobRun.workerId` and graphile's `locked_by`. */
  workerId: string;
  /** Stops taking jobs, waits for running ones, flushes the run log, removes the heartbeat. */
  stop(): Promise<void>;
  /** Settles when the worker has stopped, for whatever reason; rejects if it died of an error. */
  promise: Promise<void>;
}

export interface StartWorkerOptions {
  databaseUrl: string;
  /** The process's resources: each job runs with a system scope over them. */
  app: App;
  concurrency?: number;
  /** Tasks beyond the registry's (tests use this for their own tasks). */
  extraTasks?: TaskDefinition[];
  /** Must be unique among live workers; default `<host>-<pid>-<random>`. */
  workerId?: string;
  logger: Logger;
  /** Default HEARTBEAT_INTERVAL_MS. */
  heartbeatIntervalMs?: number;
  /**
   * Default RECOVER_LOCKS_AFTER_MS. Must stay several times longer than the heartbeat interval of every
   * worker on the database, or a live but quiet worker's jobs are released and run twice.
   */
  recoverLocksAfterMs?: number;
  /**
   * How often to look for jobs that became due without a notification (retries, `runAt`). Default 1000:
   * graphile-worker has no timer for future jobs, so this bounds how late a deadline (an SLA breach) fires.
   */
  pollIntervalMs?: number;
}

/**
 * Installs graphile-worker's schema (idempotent). An API whose worker runs elsewhere calls it at boot, so
 * jobs can be queued before any worker process has started.
 */
export async function installJobQueue(databaseUrl: string, logger: Logger): Promise<void> {
  // A schema change may wait for locks or rewrite tables: no statement timeout.
  const pgPool = createPool(databaseUrl, { max: 1, applicationName: 'opsgraph-worker-migrate', statementTimeoutMs: 0 });
  try {
    await runMigrations({ pgPool, logger: toGraphileLogger(logger) });
  } finally {
    await pgPool.end();
  }
}

export async function startWorker(opts: StartWorkerOptions): Promise<WorkerHandle> {
  const workerId = opts.workerId ?? `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  const heartbeatIntervalMs = opts.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS;
  const recoverLocksAfterMs = opts.recoverLocksAfterMs ?? RECOVER_LOCKS_AFTER_MS;
  const logger = opts.logger.child({ component: 'worker', workerId });
  const { prisma } = opts.app;

  const definitions = [...collectTaskDefinitions(), ...(opts.extraTasks ?? [])];
  const taskList = buildTaskList(opts.app, logger, definitions);

  const recorder = new JobRunRecorder(opts.app, logger, workerId);
  const events: WorkerEvents = new EventEmitter();
  events.on('pool:create', ({ workerPool }) => {
    // graphile-worker locks jobs under its pool's random id, which nothing else knows. Using our id
    // instead ties each lock to this worker's heartbeat, so survivors can release a dead worker's jobs.
    // Read on every query (never cached), so setting it before the first job is taken is enough.
    workerPool.id = workerId;
  });
  recorder.attach(events);

  const graphileLogger = toGraphileLogger(logger);
  // Our own pool, not graphile's: graphile ends the pool it creates without awaiting it and drops its
  // error handlers first, so an idle connection cut by a stopping Postgres would crash the process.
  // One connection stays on LISTEN; the rest serve jobs, completions and cron.
  const pgPool = createPool(opts.databaseUrl, {
    max: concurrency + 2,
    applicationName: 'opsgraph-worker',
    onError: (err) => logger.debug({ err }, 'worker connection closed'),
  });
  const heartbeat = new Heartbeat(prisma, logger, workerId, heartbeatIntervalMs, recoverLocksAfterMs);
  let runner: Awaited<ReturnType<typeof run>>;
  try {
    // graphile's schema must exist before we touch its locks (run() would install it only later).
    await runMigrations({ pgPool, logger: graphileLogger });
    // Anything still locked under our id was left by an earlier process with the same id: it is dead.
    await forceUnlockWorkers(prisma, [workerId]);
    await beat(prisma, workerId, true);
    await heartbeat.recover();
    runner = await run({
      pgPool,
      concurrency,
      taskList,
      crontab: collectCrontab(),
      noHandleSignals: true,
      pollInterval: opts.pollIntervalMs ?? 1_000,
      events,
      logger: graphileLogger,
    });
  } catch (err) {
    await prisma.workerHeartbeat.deleteMany({ where: { workerId } }).catch(() => {});
    await pgPool.end().catch(() => {});
    throw err;
  }
  heartbeat.start();
  logger.info({ concurrency, tasks: definitions.map((d) => d.name) }, 'worker started');

  let cleanedUp: Promise<void> | null = null;
  const cleanup = () =>
    (cleanedUp ??= (async () => {
      await heartbeat.stop();
      await recorder.close();
      await pgPool.end().catch((err: unknown) => logger.warn({ err }, 'could not close the worker pool'));
      await prisma.workerHeartbeat
        .deleteMany({ where: { workerId } })
        .catch((err: unknown) => logger.warn({ err }, 'could not remove worker heartbeat'));
      logger.info('worker stopped');
    })());

  const promise = runner.promise.then(cleanup, async (err: unknown) => {
    logger.error({ err }, 'worker died');
    await cleanup();
    throw err;
  });
  promise.catch(() => {}); // surfaced through `promise` and logged; never an unhandled rejection

  let stopping: Promise<void> | null = null;
  return {
    workerId,
    promise,
    stop: () =>
      (stopping ??= (async () => {
        // Rejects only when the runner had already stopped on its own; `promise` tells how.
        await runner.stop().catch(() => {});
        await promise.catch(() => {});
      })()),
  };
}

/** True when some worker has beaten within `maxAgeMs` (by the database clock, shared by every host). */
export async function isWorkerHeartbeatFresh(prisma: PrismaClient, maxAgeMs = 15_000): Promise<boolean> {
  const rows = await prisma.$queryRaw<{ fresh: boolean }[]>`
    SELECT EXISTS (
      SELECT 1 FROM "WorkerHeartbeat" WHERE "beatAt" > now() - make_interval(secs => ${maxAgeMs / 1000}::float8)
    ) AS fresh`;
  return rows[0]?.fresh ?? false;
}

// ─── heartbeat and crash recovery ────────────────────────────────────────────

async function beat(prisma: PrismaClient, workerId: string, starting = false): Promise<void> {
  // Database time on both sides of the comparison, so clock skew between hosts doesn't matter.
  if (starting) {
    await prisma.$executeRaw`
      INSERT INTO "WorkerHeartbeat" ("workerId", "startedAt", "beatAt") VALUES (${workerId}, now(), now())
      ON CONFLICT ("workerId") DO UPDATE SET "startedAt" = now(), "beatAt" = now()`;
  } else {
    await prisma.$executeRaw`
      INSERT INTO "WorkerHeartbeat" ("workerId", "startedAt", "beatAt") VALUES (${workerId}, now(), now())
      ON CONFLICT ("workerId") DO UPDATE SET "beatAt" = now()`;
  }
}

async function forceUnlockWorkers(prisma: PrismaClient, workerIds: string[]): Promise<void> {
  await prisma.$executeRaw`SELECT graphile_worker.force_unlock_workers(${workerIds}::text[])`;
}

/**
 * Releases jobs locked by workers that stopped beating (SIGKILL, OOM, lost host): without this they
 * stay locked for graphile-worker's 4 hours. Such a job runs again, which tasks tolerate (idempotent).
 * Returns the ids of the workers whose jobs were released.
 */
export async function recoverCrashedWorkers(prisma: PrismaClient, staleAfterMs: number): Promise<string[]> {
  const secs = staleAfterMs / 1000;
  const rows = await prisma.$queryRaw<{ workerId: string }[]>`
    SELECT DISTINCT j.locked_by AS "workerId"
    FROM graphile_worker.jobs j
    WHERE j.locked_by IS NOT NULL
      AND j.locked_at < now() - make_interval(secs => ${secs}::float8)
      AND NOT EXISTS (
        SELECT 1 FROM "WorkerHeartbeat" h
        WHERE h."workerId" = j.locked_by AND h."beatAt" > now() - make_interval(secs => ${secs}::float8)
      )`;
  const dead = rows.map((r) => r.workerId);
  if (dead.length > 0) await forceUnlockWorkers(prisma, dead);
  await prisma.$executeRaw`
    DELETE FROM "WorkerHeartbeat" WHERE "beatAt" < now() - make_interval(secs => ${secs}::float8)`;
  return dead;
}

class Heartbeat {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private stopped = false;
  private lastRecovery = Date.now();
  private readonly recoverEveryMs: number;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
    private readonly workerId: string,
    private readonly intervalMs: number,
    private readonly recoverAfterMs: number,
  ) {
    this.recoverEveryMs = Math.max(intervalMs, recoverAfterMs / 2);
  }

  start(): void {
    this.schedule();
  }

  async recover(): Promise<void> {
    this.lastRecovery = Date.now();
    try {
      const dead = await recoverCrashedWorkers(this.prisma, this.recoverAfterMs);
      if (dead.length > 0) this.logger.warn({ deadWorkers: dead }, 'released jobs locked by dead workers');
    } catch (err) {
      this.logger.warn({ err }, 'crashed-worker recovery failed');
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.tick().finally(() => {
        this.inFlight = null;
        this.schedule();
      });
    }, this.intervalMs);
  }

  private async tick(): Promise<void> {
    try {
      await beat(this.prisma, this.workerId);
    } catch (err) {
      this.logger.warn({ err }, 'heartbeat failed');
    }
    if (!this.stopped && Date.now() - this.lastRecovery >= this.recoverEveryMs) await this.recover();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
  }
}

// ─── job-run recording ───────────────────────────────────────────────────────

interface JobRunRow {
  task: string;
  jobId: string;
  attempt: number;
  queuedAt: Date;
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  outcome: JobOutcome;
  errorMessage: string | null;
  workerId: string;
}

/**
 * One INSERT for the whole batch, idempotent on (jobId, attempt). Not `createMany`: with Prisma 7.10
 * that costs ~70 ms of Node CPU per 200 rows (measured), which halved the worker's no-op throughput;
 * this statement costs ~4 ms.
 */
async function insertJobRuns(prisma: PrismaClient, rows: JobRunRow[]): Promise<void> {
  const col = <T>(pick: (r: JobRunRow) => T) => rows.map(pick);
  const iso = (pick: (r: JobRunRow) => Date) => rows.map((r) => pick(r).toISOString());
  await prisma.$executeRaw`
    INSERT INTO "JobRun" (id, task, "jobId", attempt, "queuedAt", "startedAt", "finishedAt", "durationMs", outcome, "errorMessage", "workerId")
    SELECT * FROM unnest(
      ${rows.map(() => randomUUID())}::uuid[], ${col((r) => r.task)}::text[], ${col((r) => r.jobId)}::text[],
      ${col((r) => r.attempt)}::int[], ${iso((r) => r.queuedAt)}::timestamptz[], ${iso((r) => r.startedAt)}::timestamptz[],
      ${iso((r) => r.finishedAt)}::timestamptz[], ${col((r) => r.durationMs)}::int[], ${col((r) => r.outcome)}::"JobOutcome"[],
      ${col((r) => r.errorMessage)}::text[], ${col((r) => r.workerId)}::text[]
    )
    ON CONFLICT ("jobId", attempt) DO NOTHING`;
}

/**
 * Turns worker events into `JobRun` rows, written in batches off the jobs' path: a job's outcome is
 * decided before it is recorded, and a failed write is logged and retried, never thrown into the worker.
 */
class JobRunRecorder {
  private readonly started = new Map<string, { at: Date; t0: number }>();
  private buffer: { row: JobRunRow; tries: number }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private lastWriteFailed = false;

  constructor(
    private readonly app: App,
    private readonly logger: Logger,
    private readonly workerId: string,
  ) {}

  attach(events: WorkerEvents): void {
    events.on('job:start', ({ job }) => this.started.set(job.id, { at: new Date(), t0: performance.now() }));
    events.on('job:success', ({ job }) => this.finish(job, 'SUCCESS', null));
    // `job:error` fires for every failed attempt; `job:failed` only adds "and no attempts remain".
    events.on('job:error', ({ job, error }) => this.finish(job, 'FAILURE', error));
  }

  private finish(job: Job, outcome: JobOutcome, error: unknown): void {
    try {
      const start = this.started.get(job.id);
      this.started.delete(job.id);
      const finishedAt = new Date();
      const startedAt = start?.at ?? finishedAt;
      this.buffer.push({
        tries: 0,
        row: {
          task: job.task_identifier,
          jobId: String(job.id),
          attempt: job.attempts,
          // "Queued" = when this attempt became runnable: `run_at` is the enqueue time, the requested
          // `runAt`, or the end of a retry's backoff. So startedAt - queuedAt is time spent waiting
          // for a worker, not time the job was deliberately scheduled ahead (created_at would mix both).
          queuedAt: job.run_at,
          startedAt,
          finishedAt,
          durationMs: start ? Math.round(performance.now() - start.t0) : 0,
          outcome,
          errorMessage: error == null ? null : errorText(error).slice(0, MAX_ERROR_CHARS),
          workerId: this.workerId,
        },
      });
      if (this.buffer.length > MAX_BUFFERED_ROWS) {
        const dropped = this.buffer.splice(0, this.buffer.length - MAX_BUFFERED_ROWS).length;
        this.logger.error({ dropped }, 'job-run buffer full; dropping the oldest rows');
      }
      if (this.buffer.length >= FLUSH_MAX_ROWS) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
    } catch (err) {
      this.logger.error({ err, jobId: job.id }, 'could not record job run');
    }
  }

  /** Writes what is buffered; concurrent calls share one write. Never rejects. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flushing ??= this.write().finally(() => {
      this.flushing = null;
      // Rows that arrived meanwhile: a full batch goes now, a partial one waits for the interval.
      if (this.buffer.length >= FLUSH_MAX_ROWS) void this.flush();
      else if (this.buffer.length > 0) this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
    });
    return this.flushing;
  }

  private async write(): Promise<void> {
    const batch = this.buffer.splice(0, WRITE_BATCH_ROWS);
    if (batch.length === 0) return;
    this.lastWriteFailed = false;
    try {
      await insertJobRuns(this.app.prisma, batch.map((b) => b.row));
    } catch (err) {
      this.lastWriteFailed = true;
      const retry = batch.filter((b) => ++b.tries < MAX_WRITE_TRIES);
      this.logger.error({ err, rows: batch.length, dropped: batch.length - retry.length }, 'could not write job runs');
      this.buffer.unshift(...retry);
      this.timer ??= setTimeout(() => void this.flush(), RETRY_DELAY_MS);
      return;
    }
    await this.announce(batch.map((b) => b.row));
  }

  /** One `jobRunRecorded` event per (task, outcome) in the batch. */
  private async announce(rows: JobRunRow[]): Promise<void> {
    const groups = new Map<string, { task: string; outcome: JobOutcome; count: number }>();
    for (const row of rows) {
      const key = `${row.task}\u0000${row.outcome}`;
      const group = groups.get(key);
      if (group) group.count += 1;
      else groups.set(key, { task: row.task, outcome: row.outcome, count: 1 });
    }
    for (const group of groups.values()) {
      try {
        await this.app.pubsub.publish('jobRunRecorded', group);
      } catch (err) {
        this.logger.warn({ err, group }, 'could not publish jobRunRecorded');
      }
    }
  }

  /** Flushes until empty, retrying failed writes a few times, then gives up loudly. */
  async close(): Promise<void> {
    let failures = 0;
    while (this.buffer.length > 0 || this.flushing) {
      await (this.flushing ?? this.flush());
      if (this.lastWriteFailed) {
        if (++failures >= MAX_WRITE_TRIES) break;
        await new Promise((resolve) => setTimeout(resolve, 100 * failures));
      }
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length > 0) {
      this.logger.error({ dropped: this.buffer.length }, 'dropping unwritten job runs at shutdown');
      this.buffer = [];
    }
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
}

// ─── logging ─────────────────────────────────────────────────────────────────

/** graphile-worker's log calls into pino; per-job success lines go to debug, retries are warnings. */
function toGraphileLogger(logger: Logger): GraphileLogger {
  return new GraphileLogger((scope) => (level, message, meta) => {
    const fields: Record<string, unknown> = { graphile: scope };
    const err = meta?.error ?? meta?.fatalError;
    if (err) fields.err = err;
    if (level === 'error') {
      if (message.startsWith('Failed task')) logger.warn(fields, message.split('\n')[0]!);
      else logger.error(fields, message);
    } else if (level === 'warning') logger.warn(fields, message);
    else if (level === 'info') logger.debug(fields, message);
    else logger.trace(fields, message);
  });
}
