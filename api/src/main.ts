// Boot: env → database (embedded unless DATABASE_URL) → migrations → http → worker → seed (empty dev
// database). With API_WORKERS > 1 the http step forks that many HTTP processes (http/cluster.ts); this
// process keeps the rest.
import './lib/v8-flags.ts';
import cluster from 'node:cluster';
import { createApp } from './app.ts';
import { resolveDatabaseUrl } from './db/embedded.ts';
import { migrateDatabase } from './db/prepare.ts';
import { env } from './env.ts';
import { runHttpProcess, startHttpProcesses } from './http/cluster.ts';
import { startServer } from './http/server.ts';
import { logger } from './lib/logger.ts';
import { startWorker } from './worker/runner.ts';

/** What to undo on the way out, newest first: worker, server, app, database. */
const stops: (() => Promise<void>)[] = [];
let shuttingDown: Promise<void> | null = null;

function shutdown(reason: string): Promise<void> {
  shuttingDown ??= (async () => {
    logger.info({ reason }, 'shutting down');
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((err) => logger.error({ err }, 'error during shutdown'));
    }
  })();
  return shuttingDown;
}

/** A signal that arrives while booting is honoured at the next step, so nothing starts after the stop. */
let booting = true;
let stopRequested: string | null = null;
class BootStopped extends Error {}

function onSignal(signal: string) {
  if (booting) {
    stopRequested ??= signal;
    return;
  }
  void shutdown(signal).then(() => process.exit(0));
}

function checkpoint() {
  if (stopRequested) throw new BootStopped(stopRequested);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  const database = await resolveDatabaseUrl(env, logger);
  stops.push(database.stop);
  checkpoint();

  // As the owner: migrations, the job queue (before the API queues a job), the app role's privileges.
  const { applied } = await migrateDatabase(database, logger, { production: env.isProduction });
  if (applied.length) logger.info({ applied }, 'migrations applied');

  const app = createApp({ databaseUrl: database.databaseUrl, logger, poolSize: env.DATABASE_POOL_MAX });
  stops.push(() => app.close());
  checkpoint();

  // Listen before seeding: if the port is taken, nothing is seeded and no one-time API key is lost.
  const server =
    env.apiWorkers > 1
      ? await startHttpProcesses(env.apiWorkers, database.databaseUrl, logger)
      : await startServer(app, env, { workerMode: env.WORKER });
  stops.push(() => server.close());
  checkpoint();

  if (env.WORKER === 'inline') {
    const worker = await startWorker({
      databaseUrl: database.databaseUrl,
      app,
      concurrency: env.WORKER_CONCURRENCY,
      logger,
    });
    // Last in, first stopped: no job is cut off by the server or database going away.
    stops.push(() => worker.stop());
  }
  checkpoint();

  // After the worker and the job queue exist, so the demo can queue real jobs.
  let demo: { email: string; password: string } | null = null;
  if (!env.isProduction && env.SEED_DEMO) {
    const { seedIfEmpty } = await import('./seed/index.ts');
    demo = await seedIfEmpty(app, { onboardNewTrials: true });
  }
  server.markBooted();
  booting = false;
  checkpoint();

  const lines = [
    '',
    `  Opsgraph API    ${server.url}/graphql   (GraphiQL ${env.graphiql ? 'on' : 'off'})`,
    `  Health          ${server.url}/healthz  ${server.url}/readyz`,
    `  Database        ${database.databaseUrl.replace(/:[^:@/]+@/, ':***@')}`,
    `  Worker          ${env.WORKER === 'inline' ? 'in this process' : 'separate (run `pnpm worker`)'}`,
    ...(env.apiWorkers > 1 ? [`  HTTP            ${env.apiWorkers} processes (API_WORKERS)`] : []),
  ];
  if (demo) lines.push(`  Demo admin      ${demo.email} / ${demo.password}`);
  // A production install starts without admins (no demo seed there): say how to make the first one.
  else if ((await app.prisma.adminUser.count()) === 0) lines.push('  No admin yet    create the first owner: pnpm admin:create --email <address> --name <name>');
  console.log(`${lines.join('\n')}\n`);
}

if (cluster.isWorker) {
  runHttpProcess(env, logger).catch((err: unknown) => {
    logger.fatal({ err }, 'HTTP process failed');
    process.exit(1);
  });
} else {
  main().catch(onBootFailure);
}

async function onBootFailure(err: unknown): Promise<void> {
  if (err instanceof BootStopped) {
    await shutdown(err.message);
    process.exit(0);
  }
  logger.fatal({ err }, 'failed to start');
  console.error(err instanceof Error ? err.message : err);
  await shutdown('failed to start');
  process.exit(1);
}
