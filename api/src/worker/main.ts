// `pnpm worker`: the job worker as its own process (WORKER=separate); the API then runs none inline.
import '../lib/v8-flags.ts';
import { createApp } from '../app.ts';
import { resolveDatabaseUrl } from '../db/embedded.ts';
import { prepareJobQueue } from '../db/prepare.ts';
import { env } from '../env.ts';
import { logger } from '../lib/logger.ts';
import { startWorker, type WorkerHandle } from './runner.ts';

async function main(): Promise<void> {
  const log = logger.child({ process: 'worker' });
  if (env.WORKER !== 'separate') {
    log.warn('WORKER is not "separate", so API processes run jobs too; both share the queue safely');
  }
  const db = await resolveDatabaseUrl(env, log.child({ component: 'embedded-postgres' }));
  const app = createApp({ databaseUrl: db.databaseUrl, logger: log, poolSize: 4 });
  const { prisma } = app;

  const closeAll = async () => {
    await app.close().catch((err: unknown) => log.warn({ err }, 'closing the database connections failed'));
    await db.stop().catch((err: unknown) => log.warn({ err }, 'stopping embedded Postgres failed'));
  };

  let worker: WorkerHandle;
  try {
    await prepareJobQueue(db, log, { production: env.isProduction });
    const [tables] = await prisma.$queryRaw<{ ready: boolean }[]>`
      SELECT to_regclass('"JobRun"') IS NOT NULL AND to_regclass('"WorkerHeartbeat"') IS NOT NULL AS ready`;
    if (!tables?.ready) throw new Error('The database has no JobRun/WorkerHeartbeat tables: run `pnpm db:migrate` first');
    worker = await startWorker({
      databaseUrl: db.databaseUrl,
      app,
      concurrency: env.WORKER_CONCURRENCY,
      logger: log,
    });
  } catch (err) {
    log.fatal({ err }, 'worker failed to start');
    await closeAll();
    process.exit(1);
  }

  let exitCode = 0;
  let shuttingDown: Promise<void> | null = null;
  const shutdown = (reason: string) =>
    (shuttingDown ??= (async () => {
      log.info({ reason }, 'worker shutting down');
      await worker.stop(); // waits for running jobs, flushes the run log, removes the heartbeat
      await closeAll();
      log.info({ exitCode }, 'worker exited');
      // Explicit: a pool someone forgot to end must not keep a stopped worker alive.
      process.exit(exitCode);
    })());

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (shuttingDown) {
        log.warn({ signal }, 'second signal: exiting without waiting for running jobs');
        process.exit(1);
      }
      void shutdown(signal);
    });
  }

  // The worker can also stop on its own (a fatal database error): then the process ends too.
  worker.promise.then(
    () => void shutdown('worker stopped'),
    () => {
      exitCode = 1;
      void shutdown('worker died');
    },
  );
}

await main();
