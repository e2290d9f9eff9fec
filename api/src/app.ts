import { createPrisma, type PrismaClient } from './db/client.ts';
import { PubSub } from './db/pubsub.ts';
import { createTenantScoping, type TenantScoping } from './db/tenant-scope.ts';
import { logger as rootLogger, type Logger } from './lib/logger.ts';
import { tenantModelSpecs } from './modules/index.ts';

/**
 * Process-wide resources shared by the HTTP server, the worker and tests. Code in modules never sees it:
 * it works with a request scope (scope.ts) built from it.
 */
export interface App {
  databaseUrl: string;
  prisma: PrismaClient;
  pubsub: PubSub;
  logger: Logger;
  /** How a tenant key's client is confined to its tenant, from the modules' declarations. */
  tenantScoping: TenantScoping;
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
    tenantScoping: createTenantScoping(tenantModelSpecs),
    async close() {
      await pubsub.close();
      await prisma.$disconnect();
    },
  };
}
