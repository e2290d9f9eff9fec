import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { env } from '../env.ts';
import { PrismaClient } from '../generated/prisma/client.ts';

export { Prisma } from '../generated/prisma/client.ts';
export type { PrismaClient } from '../generated/prisma/client.ts';

export interface PrismaOptions {
  /** Maximum connections in this client's pool. */
  max?: number;
  /** Called with the text of every SQL statement sent (tests count statements with it). */
  onQuery?: (sql: string) => void;
  /** See PoolOptions. */
  statementTimeoutMs?: number;
  /** How many distinct statements to prepare on each connection (default DATABASE_PREPARED_STATEMENTS). */
  preparedStatements?: number;
}

export interface PoolOptions {
  max: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  Client?: typeof pg.Client;
  /** Told of every error on the pool's connections; default: ignored. */
  onError?: (err: Error) => void;
  /**
   * Postgres cancels a statement running longer than this (SQLSTATE 57014). Default
   * DATABASE_STATEMENT_TIMEOUT_MS; 0 sets none, leaving the server's (migrations pass 0).
   */
  statementTimeoutMs?: number;
}

/**
 * A pg pool whose connection errors are never thrown. A connection cut by the server (restart, shutdown,
 * DROP DATABASE ... FORCE) emits `error`; with no listener that ends the process. The pool drops a cut
 * idle connection and replaces it on next use; a checked-out one fails its next query.
 */
export function createPool(databaseUrl: string, options: PoolOptions): pg.Pool {
  const onError = options.onError ?? (() => {});
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max,
    application_name: options.applicationName,
    // Sent with the connection's startup packet: in force from its first statement, no extra round trip.
    statement_timeout: options.statementTimeoutMs ?? env.DATABASE_STATEMENT_TIMEOUT_MS,
    Client: options.Client ?? pg.Client,
  });
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}

/** How a client's connection pool is used right now (pg's own counters). */
export interface PoolUsage {
  /** Connections open, busy or idle. */
  total: number;
  idle: number;
  /** Queries queued for a connection. */
  waiting: number;
  /** The pool's ceiling. */
  max: number;
}

const pools = new WeakMap<PrismaClient, pg.Pool>();

/** The usage of the pool `createPrisma` made for `prisma`; null for a client made another way. */
export function poolUsage(prisma: PrismaClient): PoolUsage | null {
  const pool = pools.get(prisma);
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 } : null;
}

export function createPrisma(databaseUrl: string, options: PrismaOptions = {}): PrismaClient {
  const { onQuery, statementTimeoutMs } = options;
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
  const pool = createPool(databaseUrl, {
    max: options.max ?? 10,
    Client,
    ...(statementTimeoutMs === undefined ? {} : { statementTimeoutMs }),
  });
  const statementNameGenerator = preparedStatementNames(options.preparedStatements ?? env.DATABASE_PREPARED_STATEMENTS);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true, statementNameGenerator }) });
  pools.set(prisma, pool);
  return prisma;
}

/**
 * Names for Prisma's statements, so each connection parses and plans a statement once and then only binds
 * and executes it (pg keeps a connection's named statements). The first `limit` distinct statements get a
 * name from their text; later ones run unnamed, which bounds what each connection holds. 0 names none
 * (for a pooler in transaction mode that cannot keep prepared statements).
 */
export function preparedStatementNames(limit: number): ((query: { sql: string }) => string) | undefined {
  if (limit <= 0) return undefined;
  const names = new Map<string, string>();
  return (query) => {
    let name = names.get(query.sql);
    if (name === undefined && names.size < limit) {
      name = `og_${createHash('sha1').update(query.sql).digest('base64url')}`;
      names.set(query.sql, name);
    }
    // adapter-pg passes it to pg as `name`: undefined runs the statement unnamed.
    return name as string;
  };
}
