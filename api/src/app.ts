import { createPrisma, type PrismaClient } from './db/client.ts';
import { PubSub } from './db/pubsub.ts';
import { logger as rootLogger, type Logger } from './lib/logger.ts';

/** Process-wide resources shared by the HTTP server, the worker and tests. */
export interface App {
  databaseUrl: string;
  prisma: PrismaClient;
  pubsub: PubSub;
  logger: Logger;
  close(): Promise<void>;
}

export function createApp(options: { databaseUrl: string; logger?: Logger; poolSize?: number; onQuery?: (sql: string) => void }): App {
  const logger = options.logger ?? rootLogger;
  const prisma = createPrisma(options.databaseUrl, { max: options.poolSize ?? 10, onQuery: options.onQuery });
  const pubsub = new PubSub(options.databaseUrl, prisma, logger);
  return {
    databaseUrl: options.databaseUrl,
    prisma,
    pubsub,
    logger,
    async close() {
      await pubsub.close();
      await prisma.$disconnect();
    },
  };
}
