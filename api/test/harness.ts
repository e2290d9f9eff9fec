import type { ApolloServerPlugin } from '@apollo/server';
import { createApp, type App } from '../src/app.ts';
import { env, type Env } from '../src/env.ts';
import type { EventName } from '../src/events.ts';
import type { Context } from '../src/graphql/context.ts';
import { startServer, type ServerHandle } from '../src/http/server.ts';
import type { Logger } from '../src/lib/logger.ts';
import { hashPassword } from '../src/lib/password.ts';
import { createPlan } from '../src/modules/plans/service.ts';
import { createApiKey } from '../src/modules/tenants/api-keys.ts';
import { createTenant } from '../src/modules/tenants/service.ts';
import { systemScope, type SystemScope } from '../src/scope.ts';
import { startWorker, type WorkerHandle } from '../src/worker/runner.ts';
import { withClient } from '@opsgraph/prisma/migrate';
import { testDb } from './db.ts';

export const TEST_PASSWORD = 'test-password-123';
let passwordHash: Promise<string> | null = null;

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[];
}

export interface TestPlatform {
  app: App;
  /** The superuser's URL of this platform's database, when known. */
  adminUrl: string | undefined;
  /** The platform acting on its own, for setting up data through the services. */
  system: SystemScope;
  server: ServerHandle;
  url: string;
  databaseUrl: string;
  /**
   * Runs SQL as the database's superuser with triggers off (`session_replication_role = replica`), so the
   * database announces nothing: a change made behind the platform's back whose revocation event is lost.
   */
  unannounced(sql: string, ...values: unknown[]): Promise<void>;
  /** POSTs a GraphQL operation; `token` is an admin session token or a tenant API key. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphQLResponse<T>>;
  /**
   * Every SQL statement the API sends while `run` runs, without transaction control (BEGIN/COMMIT):
   * asserts N+1 away. Only on a platform started with `{ recordQueries: true }`.
   */
  recordQueries(run: () => Promise<unknown>): Promise<string[]>;
  /** Creates an admin with `role` and returns a session token for them. */
  login(role?: 'OWNER' | 'ADMIN' | 'SUPPORT' | 'BILLING' | 'VIEWER'): Promise<{ token: string; userId: string; email: string }>;
  /** A plan, a tenant on it and an API key for the tenant, made through the services. */
  makeTenant(overrides?: { name?: string; planCode?: string }): Promise<{ tenantId: string; planId: string; apiKey: string }>;
  /**
   * Resolves once this instance holds exactly `count` listeners of `event` with its LISTEN in place: the
   * subscriptions a test opened are live (an event published from now on reaches them), or the ones it
   * ended are gone.
   */
  untilListening(event: EventName, count: number): Promise<void>;
  startWorker(): Promise<WorkerHandle>;
  close(): Promise<void>;
}

let counter = 0;

export async function startPlatform(
  options: {
    plugins?: ApolloServerPlugin<Context>[];
    databaseUrl?: string;
    /** The superuser's URL of `databaseUrl` (for `unannounced`); known by itself for the platform's own database. */
    adminUrl?: string;
    /** How long the instance remembers a token (AUTH_CACHE_TTL_MS); 0 asks the database every time. */
    credentialTtlMs?: number;
    /** The statement_timeout of the app's connections (DATABASE_STATEMENT_TIMEOUT_MS). */
    statementTimeoutMs?: number;
    /** Record SQL statements for `recordQueries`. */
    recordQueries?: boolean;
    /** Settings that differ from the test environment's (limits, error masking). */
    env?: Partial<Env>;
    logger?: Logger;
  } = {},
): Promise<TestPlatform> {
  const db = options.databaseUrl ? null : await testDb();
  const databaseUrl = options.databaseUrl ?? db!.url;
  let recording: string[] | null = null;
  const onQuery = options.recordQueries ? (sql: string) => recording?.push(sql) : undefined;
  const adminUrl = options.adminUrl ?? db?.adminUrl;
  const app = createApp({ databaseUrl, poolSize: 5, onQuery, logger: options.logger,
    credentialTtlMs: options.credentialTtlMs,
    statementTimeoutMs: options.statementTimeoutMs,
  });
  const server = await startServer(app, { ...env, ...options.env }, { port: 0, host: '127.0.0.1', workerMode: 'none', plugins: options.plugins });
  // Nothing to seed here: ready as soon as it listens.
  server.markBooted();
  const workers: WorkerHandle[] = [];
  const gql: TestPlatform['gql'] = async (query, variables, token) => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as never;
  };
  const system = systemScope(app, 'test');
  const platform: TestPlatform = {
    app,
    adminUrl,
    system,
    server,
    url: server.url,
    databaseUrl,
    gql,
    async unannounced(sql, ...values) {
      if (!adminUrl) throw new Error('unannounced needs the database superuser: start the platform with { adminUrl }');
      await withClient(adminUrl, async (client) => {
        await client.query(`SET session_replication_role = replica`);
        await client.query(sql, values);
      });
    },
    async recordQueries(run) {
      if (!onQuery) throw new Error('start the platform with { recordQueries: true }');
      recording = [];
      try {
        await run();
        return recording.filter((sql) => !/^\s*(BEGIN|COMMIT|ROLLBACK)\b/i.test(sql));
      } finally {
        recording = null;
      }
    },
    async login(role = 'OWNER') {
      passwordHash ??= hashPassword(TEST_PASSWORD);
      const n = (counter += 1);
      const email = `${role.toLowerCase()}-${n}-${Date.now()}@test.example`;
      const user = await app.prisma.adminUser.create({
        data: { email, name: `Test ${role}`, role, passwordHash: await passwordHash },
      });
      const res = await gql<{ login: { token: string } }>(
        `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { ... on MutationLoginSuccess { data { token } } ... on Error { message } } }`,
        { e: email, p: TEST_PASSWORD },
      );
      const token = (res.data?.login as unknown as { data?: { token: string } })?.data?.token;
      if (!token) throw new Error(`login failed: ${JSON.stringify(res)}`);
      return { token, userId: user.id, email };
    },
    async untilListening(event, count) {
      await app.pubsub.start();
      const deadline = Date.now() + 10_000;
      while (app.pubsub.listenerCount(event) !== count) {
        if (Date.now() > deadline) throw new Error(`${count} listener(s) of ${event} expected, ${app.pubsub.listenerCount(event)} after 10 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async makeTenant(overrides = {}) {
      // Its own number, so calls made at once never share a name, code or slug.
      const n = (counter += 1);
      const code = overrides.planCode ?? `plan-${n}-${Date.now() % 100000}`;
      const plan =
        (await app.prisma.plan.findUnique({ where: { code } })) ??
        (await createPlan(system, {
          code, name: `Plan ${n}`, currency: 'USD', monthlyPrice: 1000, yearlyPrice: 10000, trialDays: 14,
          emailsPerMonth: 100, smsPerMonth: 10, seats: 3, apiCallsPerMonth: 1000, entitlements: ['tickets'],
        }));
      const tenant = await createTenant(system, {
        name: overrides.name ?? `Tenant ${n}`, planId: plan.id, ownerName: 'Owner', ownerEmail: `owner${n}@t.example`,
      });
      const { secret } = await createApiKey(system, { tenantId: tenant.id, name: 'test' });
      return { tenantId: tenant.id, planId: plan.id, apiKey: secret };
    },
    async startWorker() {
      const worker = await startWorker({
        databaseUrl, app, concurrency: 2,
        logger: app.logger, pollIntervalMs: 200,
      });
      workers.push(worker);
      return worker;
    },
    async close() {
      for (const w of workers) await w.stop();
      await server.close();
      await app.close();
      await db?.drop();
    },
  };
  return platform;
}

/** Unwraps a mutation result union: returns `data` or throws with the error's message. */
export function ok<T = any>(result: any): T {
  if (result && 'data' in result && result.data !== undefined) return result.data as T;
  throw new Error(`expected success, got ${JSON.stringify(result)}`);
}
