import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export { Prisma } from '../generated/prisma/client.ts';
export type { PrismaClient } from '../generated/prisma/client.ts';

export interface PrismaOptions {
  /** Maximum connections in this client's pool. */
  max?: number;
  /** Called with the text of every SQL statement sent (tests count statements with it). */
  onQuery?: (sql: string) => void;
}

export function createPrisma(databaseUrl: string, options: PrismaOptions = {}): PrismaClient {
  const { onQuery } = options;
  const Client = onQuery
    ? class ObservedClient extends pg.Client {
        override query(...args: unknown[]): any {
          const first = args[0] as string | { text?: string };
          const text = typeof first === 'string' ? first : first?.text;
          if (text) onQuery(text);
          return (super.query as (...a: unknown[]) => unknown)(...args);
        }
      }
    : pg.Client;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.max ?? 10, Client });
  // An idle connection dropped by the server (restart, DROP DATABASE ... FORCE) must not crash the process;
  // the pool replaces it on next use.
  pool.on('error', () => {});
  return new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
}
