// Every API and worker connection runs under a statement_timeout (DATABASE_STATEMENT_TIMEOUT_MS), and
// prepares the statements Prisma sends (DATABASE_PREPARED_STATEMENTS).
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../test/db.ts';
import { env, EnvError, parseEnv } from '../env.ts';
import { createPool, createPrisma, preparedStatementNames, type PrismaClient } from './client.ts';

let db: Awaited<ReturnType<typeof testDb>>;
const clients: PrismaClient[] = [];
const pools: pg.Pool[] = [];

beforeAll(async () => {
  db = await testDb();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.$disconnect()));
  await Promise.all(pools.map((p) => p.end()));
  await db?.drop();
});

function prisma(options: Parameters<typeof createPrisma>[1] = {}): PrismaClient {
  const client = createPrisma(db.url, { max: 1, ...options });
  clients.push(client);
  return client;
}

function pool(options: Partial<Parameters<typeof createPool>[1]> = {}): pg.Pool {
  const p = createPool(db.url, { max: 1, ...options });
  pools.push(p);
  return p;
}

/** The SQLSTATE of a failed Prisma raw query (P2010 wraps the driver adapter's error). */
function sqlState(error: unknown): string | undefined {
  return (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } }).meta?.driverAdapterError?.cause
    ?.originalCode;
}

describe('statement_timeout', () => {
  it('cancels a statement of the app’s Prisma client that runs longer than the timeout (57014)', async () => {
    const client = prisma({ statementTimeoutMs: 200 });
    const started = Date.now();
    const error = await client.$queryRaw`SELECT pg_sleep(5)`.then(
      () => null,
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    expect(error, 'the statement was not cancelled').not.toBeNull();
    expect(sqlState(error), String(error)).toBe('57014');
    expect(elapsed).toBeLessThan(3_000);
    // The connection survives the cancelled statement.
    expect(await client.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
  });

  it('is DATABASE_STATEMENT_TIMEOUT_MS on the app’s Prisma client and on worker pools by default', async () => {
    expect(env.DATABASE_STATEMENT_TIMEOUT_MS).toBe(15_000);
    const [row] = await prisma().$queryRaw<{ statement_timeout: string }[]>`SHOW statement_timeout`;
    expect(row!.statement_timeout).toBe('15s');
    const { rows } = await pool({ applicationName: 'opsgraph-worker' }).query<{ statement_timeout: string }>('SHOW statement_timeout');
    expect(rows[0]!.statement_timeout).toBe('15s');
  });

  it('is left to the server for a pool created with 0 (the job queue’s schema installation)', async () => {
    const { rows } = await pool({ statementTimeoutMs: 0 }).query<{ statement_timeout: string }>('SHOW statement_timeout');
    expect(rows[0]!.statement_timeout).toBe('0');
  });

  it('is configured by DATABASE_STATEMENT_TIMEOUT_MS, a whole number of milliseconds', () => {
    expect(parseEnv({}).DATABASE_STATEMENT_TIMEOUT_MS).toBe(15_000);
    expect(parseEnv({ DATABASE_STATEMENT_TIMEOUT_MS: '2500' }).DATABASE_STATEMENT_TIMEOUT_MS).toBe(2_500);
    expect(parseEnv({ DATABASE_STATEMENT_TIMEOUT_MS: '0' }).DATABASE_STATEMENT_TIMEOUT_MS).toBe(0);
    for (const bad of ['-1', '1.5', 'soon']) {
      expect(() => parseEnv({ DATABASE_STATEMENT_TIMEOUT_MS: bad })).toThrow(EnvError);
      expect(() => parseEnv({ DATABASE_STATEMENT_TIMEOUT_MS: bad })).toThrow(/DATABASE_STATEMENT_TIMEOUT_MS/);
    }
  });
});

describe('prepared statements', () => {
  it('prepares each statement once per connection and reuses it, with the same answers', async () => {
    const client = prisma();
    const first = await client.plan.findMany({ where: { status: 'ACTIVE' }, select: { id: true } });
    const again = await client.plan.findMany({ where: { status: 'ACTIVE' }, select: { id: true } });
    expect(again).toEqual(first);
    // One connection (max: 1): what it has prepared is what the two reads sent.
    const prepared = await client.$queryRaw<{ name: string; statement: string }[]>`SELECT name, statement FROM pg_prepared_statements`;
    const plans = prepared.filter((p) => p.statement.includes('"Plan"'));
    expect(plans).toHaveLength(1);
    expect(plans[0]!.name).toMatch(/^og_/);
  });

  it('prepares nothing with 0, and at most the limit of distinct statements', () => {
    expect(preparedStatementNames(0)).toBeUndefined();
    const name = preparedStatementNames(2)!;
    const a = name({ sql: 'SELECT 1' });
    expect(a).toMatch(/^og_[\w-]+$/);
    expect(name({ sql: 'SELECT 1' })).toBe(a);
    expect(name({ sql: 'SELECT 2' })).not.toBe(a);
    expect(name({ sql: 'SELECT 3' })).toBeUndefined();
    expect(name({ sql: 'SELECT 1' })).toBe(a);
  });

  it('is configured by DATABASE_PREPARED_STATEMENTS', async () => {
    expect(parseEnv({}).DATABASE_PREPARED_STATEMENTS).toBe(500);
    expect(() => parseEnv({ DATABASE_PREPARED_STATEMENTS: '-1' })).toThrow(/DATABASE_PREPARED_STATEMENTS/);
    const unprepared = prisma({ preparedStatements: 0 });
    await unprepared.plan.count();
    expect(await unprepared.$queryRaw<unknown[]>`SELECT name FROM pg_prepared_statements`).toEqual([]);
  });
});
