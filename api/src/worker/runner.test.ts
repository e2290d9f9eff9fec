import { parseCrontab } from 'graphile-worker';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testDb, withAdmin, type TestDatabase } from '../../test/db.ts';
import { createApp, type App } from '../app.ts';
import type { PrismaClient } from '../db/client.ts';
import { PubSub } from '../db/pubsub.ts';
import type { EventMap } from '../events.ts';
import { collectCrontab } from './registry.ts';
import { isWorkerHeartbeatFresh, startWorker, type StartWorkerOptions, type WorkerHandle } from './runner.ts';
import { defineTask, enqueueJob } from './task.ts';

// Test-only tasks, declared the way modules declare theirs.
const invoicePayload = z.object({ invoiceId: z.uuid(), amountMinor: z.number().int() });
declare global {
  namespace GraphileWorker {
    interface Tasks {
      runnerTestEcho: { n: number };
      runnerTestFail: { reason: string };
      runnerTestInvoice: z.input<typeof invoicePayload>;
    }
  }
}

const handled: number[] = [];
const invoices: string[] = [];
const testTasks = [
  defineTask('runnerTestEcho', z.object({ n: z.number() }), async ({ n }) => {
    handled.push(n);
  }),
  defineTask('runnerTestFail', z.object({ reason: z.string() }), async ({ reason }) => {
    throw new Error(reason);
  }),
  defineTask('runnerTestInvoice', invoicePayload, async ({ invoiceId }) => {
    invoices.push(invoiceId);
  }),
];

const logger = pino({ level: 'silent' });
let db: TestDatabase;
let app: App;
let prisma: PrismaClient;
const running = new Set<WorkerHandle>();

beforeAll(async () => {
  db = await testDb();
  // Closed in afterAll, before the database is dropped, so no connection in use is cut.
  app = createApp({ databaseUrl: db.url, logger, poolSize: 5 });
  ({ prisma } = app);
});

afterAll(async () => {
  for (const w of running) await w.stop();
  await app?.close();
  await db?.drop();
});

async function worker(overrides: Partial<StartWorkerOptions> = {}): Promise<WorkerHandle> {
  const handle = await startWorker({
    databaseUrl: db.url,
    app,
    concurrency: 4,
    extraTasks: testTasks,
    logger,
    pollIntervalMs: 100,
    ...overrides,
  });
  running.add(handle);
  return handle;
}

async function stop(handle: WorkerHandle): Promise<void> {
  await handle.stop();
  running.delete(handle);
}

async function workerConnections(): Promise<number> {
  const [row] = await prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND application_name = 'opsgraph-worker'`;
  return row!.n;
}

/** Terminates the worker pool's connections the way a stopping Postgres does; returns how many there were. */
async function cutWorkerConnections(): Promise<number> {
  const [row] = await prisma.$queryRaw<{ n: number }[]>`
    SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND application_name = 'opsgraph-worker'`;
  return row!.n;
}

/** Jobs of `task` still in graphile's queue that may run again (not permanently failed). */
async function pendingJobs(task: string): Promise<number> {
  const [row] = await prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM graphile_worker.jobs
    WHERE task_identifier = ${task} AND (attempts < max_attempts OR locked_at IS NOT NULL)`;
  return row!.n;
}

describe('startWorker', () => {
  it('records every execution with its outcome and attempt, one FAILURE row per failed attempt', async () => {
    const w = await worker();
    try {
      for (const n of [1, 2, 3]) await enqueueJob(prisma, 'runnerTestEcho', { n });
      await enqueueJob(prisma, 'runnerTestFail', { reason: 'card declined' }, { maxAttempts: 2 });
      // graphile-worker retries after exp(1) ≈ 2.7 s.
      await expect
        .poll(() => prisma.jobRun.count({ where: { task: 'runnerTestFail' } }), { timeout: 10_000, interval: 100 })
        .toBe(2);
      await expect.poll(() => prisma.jobRun.count({ where: { task: 'runnerTestEcho' } }), { timeout: 5_000 }).toBe(3);

      const echoes = await prisma.jobRun.findMany({ where: { task: 'runnerTestEcho' } });
      for (const run of echoes) {
        expect(run).toMatchObject({ outcome: 'SUCCESS', attempt: 1, errorMessage: null, workerId: w.workerId });
        expect(run.jobId).toMatch(/^\d+$/);
        expect(run.queuedAt.getTime()).toBeLessThanOrEqual(run.startedAt.getTime());
        expect(run.startedAt.getTime()).toBeLessThanOrEqual(run.finishedAt.getTime());
        expect(run.durationMs).toBeGreaterThanOrEqual(0);
      }
      expect(new Set(echoes.map((r) => r.jobId)).size).toBe(3);

      const failures = await prisma.jobRun.findMany({ where: { task: 'runnerTestFail' }, orderBy: { attempt: 'asc' } });
      expect(failures.map((r) => [r.attempt, r.outcome, r.errorMessage])).toEqual([
        [1, 'FAILURE', 'card declined'],
        [2, 'FAILURE', 'card declined'],
      ]);
      expect(failures[0]!.jobId).toBe(failures[1]!.jobId);
      // The retry was queued when its backoff ended, not when the job was first added.
      expect(failures[1]!.queuedAt.getTime()).toBeGreaterThan(failures[0]!.finishedAt.getTime());
    } finally {
      await stop(w);
    }
  });

  it('fails a job whose payload does not match its schema, naming each bad field', async () => {
    const w = await worker();
    try {
      // @ts-expect-error amountMinor must be a number: the payload type is checked at compile time too
      await enqueueJob(prisma, 'runnerTestInvoice', { invoiceId: 'not-a-uuid', amountMinor: 'ten' }, { maxAttempts: 1 });
      await expect.poll(() => prisma.jobRun.count({ where: { task: 'runnerTestInvoice' } }), { timeout: 5_000 }).toBe(1);
      const run = await prisma.jobRun.findFirstOrThrow({ where: { task: 'runnerTestInvoice' } });
      expect(run.outcome).toBe('FAILURE');
      expect(run.errorMessage).toMatch(/^Invalid payload for task "runnerTestInvoice": /);
      expect(run.errorMessage).toContain('invoiceId:');
      expect(run.errorMessage).toContain('amountMinor:');
      expect(invoices).toEqual([]);
    } finally {
      await stop(w);
    }
  });

  it('truncates long error messages to 2000 characters', async () => {
    const w = await worker();
    try {
      await enqueueJob(prisma, 'runnerTestFail', { reason: 'x'.repeat(5000) }, { maxAttempts: 1, jobKey: 'long-error' });
      await expect
        .poll(() => prisma.jobRun.findFirst({ where: { task: 'runnerTestFail', errorMessage: { startsWith: 'xxx' } } }), {
          timeout: 5_000,
        })
        .toBeTruthy();
      const run = await prisma.jobRun.findFirstOrThrow({ where: { task: 'runnerTestFail', errorMessage: { startsWith: 'xxx' } } });
      expect(run.errorMessage).toHaveLength(2000);
    } finally {
      await stop(w);
    }
  });

  it('flushes buffered runs when stopped', async () => {
    const before = handled.length;
    const w = await worker();
    for (let n = 100; n < 110; n++) await enqueueJob(prisma, 'runnerTestEcho', { n });
    await expect.poll(() => handled.length - before, { timeout: 5_000, interval: 5 }).toBe(10);
    await stop(w); // well inside the 250 ms batching window
    const rows = await prisma.jobRun.count({ where: { task: 'runnerTestEcho', workerId: w.workerId } });
    expect(rows).toBe(10);
  });

  it('adds a job only if the enqueueing transaction commits', async () => {
    await prisma
      .$transaction(async (tx) => {
        await enqueueJob(tx, 'runnerTestEcho', { n: 999 }, { jobKey: 'rolled-back' });
        throw new Error('rollback');
      })
      .catch(() => {});
    await prisma.$transaction(async (tx) => {
      await enqueueJob(tx, 'runnerTestEcho', { n: 998 }, { jobKey: 'committed', runAt: new Date(Date.now() + 3_600_000) });
    });
    const keys = await prisma.$queryRaw<{ key: string; run_at: Date }[]>`
      SELECT key, run_at FROM graphile_worker.jobs WHERE key IN ('rolled-back', 'committed')`;
    expect(keys.map((k) => k.key)).toEqual(['committed']);
    expect(keys[0]!.run_at.getTime()).toBeGreaterThan(Date.now() + 3_500_000);
    await prisma.$executeRaw`SELECT graphile_worker.remove_job('committed')`;
  });

  it('writes a heartbeat while running and removes it on stop', async () => {
    expect(await isWorkerHeartbeatFresh(prisma)).toBe(false);
    const w = await worker({ heartbeatIntervalMs: 100 });
    const first = await prisma.workerHeartbeat.findUniqueOrThrow({ where: { workerId: w.workerId } });
    expect(await isWorkerHeartbeatFresh(prisma)).toBe(true);
    await expect
      .poll(async () => (await prisma.workerHeartbeat.findUnique({ where: { workerId: w.workerId } }))?.beatAt.getTime(), {
        timeout: 3_000,
      })
      .toBeGreaterThan(first.beatAt.getTime());
    await stop(w);
    expect(await prisma.workerHeartbeat.findUnique({ where: { workerId: w.workerId } })).toBeNull();
    expect(await isWorkerHeartbeatFresh(prisma)).toBe(false);
  });

  it('survives its connections being cut right after stop(), as when Postgres stops next', async () => {
    const w = await worker();
    await enqueueJob(prisma, 'runnerTestEcho', { n: 7 });
    await expect.poll(() => handled.includes(7), { timeout: 5_000 }).toBe(true);
    expect(await workerConnections()).toBeGreaterThan(0);
    await stop(w);
    // A connection still closing gets FATAL 57P01 here; with no error handler left on its pool, that
    // error would be thrown and fail this test file.
    await cutWorkerConnections();
    await expect.poll(() => cutWorkerConnections(), { timeout: 5_000 }).toBe(0);
  });

  it('treats a heartbeat older than the limit as stale', async () => {
    await prisma.workerHeartbeat.create({
      data: { workerId: 'old-worker', startedAt: new Date(Date.now() - 60_000), beatAt: new Date(Date.now() - 20_000) },
    });
    expect(await isWorkerHeartbeatFresh(prisma)).toBe(false);
    expect(await isWorkerHeartbeatFresh(prisma, 30_000)).toBe(true);
    await prisma.workerHeartbeat.delete({ where: { workerId: 'old-worker' } });
  });

  it('publishes one jobRunRecorded event per task and outcome of each batch', async () => {
    const listener = new PubSub(db.url, prisma, logger);
    const events: EventMap['jobRunRecorded'][] = [];
    const iterator = listener.subscribe('jobRunRecorded', (e) => e.task.startsWith('runnerTest'));
    const consuming = (async () => {
      for await (const e of iterator) events.push(e);
    })();
    await listener.start();
    const w = await worker();
    try {
      for (let n = 200; n < 205; n++) await enqueueJob(prisma, 'runnerTestEcho', { n });
      await enqueueJob(prisma, 'runnerTestFail', { reason: 'nope' }, { maxAttempts: 1, jobKey: 'event-failure' });
      const total = (task: string, outcome: string) =>
        events.filter((e) => e.task === task && e.outcome === outcome).reduce((sum, e) => sum + e.count, 0);
      await expect.poll(() => total('runnerTestEcho', 'SUCCESS'), { timeout: 5_000 }).toBe(5);
      await expect.poll(() => total('runnerTestFail', 'FAILURE'), { timeout: 5_000 }).toBe(1);
      // Grouped: far fewer events than runs when they land in one batch.
      expect(events.length).toBeLessThanOrEqual(6);
    } finally {
      await stop(w);
      await iterator.return?.();
      await consuming;
      await listener.close();
    }
  });

  it('keeps running jobs while the run log cannot be written, and writes it once it can', async () => {
    const w = await worker();
    const before = handled.length;
    try {
      // The app role may not rename tables; the owner does it for the test.
      await withAdmin(db.adminUrl, (c) => c.query(`ALTER TABLE "JobRun" RENAME TO "JobRunAway"`));
      for (let n = 300; n < 303; n++) await enqueueJob(prisma, 'runnerTestEcho', { n });
      await expect.poll(() => handled.length - before, { timeout: 5_000 }).toBe(3);
      // Only this test's task: an earlier test's failed job may still wait for its retry.
      await expect.poll(() => pendingJobs('runnerTestEcho'), { timeout: 5_000 }).toBe(0);
      await new Promise((r) => setTimeout(r, 400)); // the first write has failed by now
    } finally {
      await withAdmin(db.adminUrl, (c) => c.query(`ALTER TABLE "JobRunAway" RENAME TO "JobRun"`));
    }
    // The failed batch is retried a second later.
    await expect
      .poll(() => prisma.jobRun.count({ where: { task: 'runnerTestEcho', workerId: w.workerId } }), { timeout: 5_000 })
      .toBe(3);
    await stop(w);
  });
});

describe('registry', () => {
  it('collects a crontab graphile-worker can parse, including the daily job-run prune', () => {
    const items = parseCrontab(collectCrontab());
    expect(items.map((i) => i.task)).toContain('jobRunsPrune');
  });
});
