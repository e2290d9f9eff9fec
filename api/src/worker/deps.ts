import type { PubSub } from '../db/pubsub.ts';
import type { PrismaClient } from '../db/client.ts';
import type { Logger } from '../lib/logger.ts';

/** What every task handler may use besides its payload. */
export interface TaskDeps {
  prisma: PrismaClient;
  pubsub: PubSub;
  logger: Logger;
}
