// Boot: env → database (embedded unless DATABASE_URL) → migrations → seed (empty dev database) → http → worker.
import { applyMigrations } from '@opsgraph/prisma/migrate';
import { createApp } from './app.ts';
import { resolveDatabaseUrl } from './db/embedded.ts';
import { env } from './env.ts';
import { startServer } from './http/server.ts';
import { logger } from './lib/logger.ts';
import { startWorker, type WorkerHandle } from './worker/runner.ts';

async function main(): Promise<void> {
  const database = await resolveDatabaseUrl(env, logger);
  const stops: (() => Promise<void>)[] = [database.stop];
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    for (const stop of stops.reverse()) {
      await stop().catch((err) => logger.error({ err }, 'error during shutdown'));
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const { applied } = await applyMigrations(database.databaseUrl, { log: (msg: string) => logger.info(msg) });
  if (applied.length) logger.info({ applied }, 'migrations applied');

  const app = createApp({ databaseUrl: database.databaseUrl, logger });
  stops.push(() => app.close());

  let demo: { email: string; password: string } | null = null;
  if (!env.isProduction && env.SEED_DEMO) {
    const { seedIfEmpty } = await import('../../prisma/seed.ts');
    demo = await seedIfEmpty(app);
  }

  const server = await startServer(app, env, { workerMode: env.WORKER });
  stops.push(() => server.close());

  let worker: WorkerHandle | null = null;
  if (env.WORKER === 'inline') {
    worker = await startWorker({
      databaseUrl: database.databaseUrl,
      deps: { prisma: app.prisma, pubsub: app.pubsub, logger },
      concurrency: env.WORKER_CONCURRENCY,
      logger,
    });
    const handle = worker;
    // Stop taking jobs before the server and database go away.
    stops.push(() => handle.stop());
  }

  const lines = [
    '',
    `  Opsgraph API    ${server.url}/graphql   (GraphiQL ${env.graphiql ? 'on' : 'off'})`,
    `  Health          ${server.url}/healthz  ${server.url}/readyz`,
    `  Database        ${database.databaseUrl.replace(/:[^:@/]+@/, ':***@')}`,
    `  Worker          ${env.WORKER === 'inline' ? 'in this process' : 'separate (run `pnpm worker`)'}`,
  ];
  if (demo) lines.push(`  Demo admin      ${demo.email} / ${demo.password}`);
  console.log(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  logger.fatal({ err }, 'failed to start');
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
