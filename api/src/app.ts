import { createPrisma, poolUsage, type PoolUsage, type PrismaClient } from './db/client.ts';
import { PubSub } from './db/pubsub.ts';
import { createTenantScoping, type TenantScoping } from './db/tenant-scope.ts';
import { env } from './env.ts';
import { CredentialCache } from './http/credential-cache.ts';
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
  /** Principals of recently seen tokens, forgotten on revocation (see credential-cache.ts). */
  credentials: CredentialCache;
  /** This process's database pool right now (the System page's health). */
  poolUsage(): PoolUsage | null;
  close(): Promise<void>;
}

export function createApp(options: {
  databaseUrl: string;
  logger?: Logger;
  poolSize?: number;
  onQuery?: (sql: string) => void;
  /** How long an authenticated token is remembered (default AUTH_CACHE_TTL_MS; 0: not at all). */
  credentialTtlMs?: number;
  /** The statement_timeout of the app's connections (default DATABASE_STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs?: number;
}): App {
  const logger = options.logger ?? rootLogger;
  const prisma = createPrisma(options.databaseUrl, {
    max: options.poolSize ?? 10,
    onQuery: options.onQuery,
    statementTimeoutMs: options.statementTimeoutMs,
  });
  const pubsub = new PubSub(options.databaseUrl, prisma, logger);
  const credentials = new CredentialCache(pubsub, { ttlMs: options.credentialTtlMs ?? env.AUTH_CACHE_TTL_MS });
  return {
    databaseUrl: options.databaseUrl,
    prisma,
    pubsub,
    logger,
    tenantScoping: createTenantScoping(tenantModelSpecs),
    credentials,
    poolUsage: () => poolUsage(prisma),
    async close() {
      credentials.stop();
      await pubsub.close();
      await prisma.$disconnect();
    },
  };
}
