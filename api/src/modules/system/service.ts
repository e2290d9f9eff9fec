// The System page: health of the platform's parts, table sizes, versions and the environment, read in a
// bounded number of statements (a ping, one statement of facts, one of table numbers, the webhook secrets).
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { PoolUsage } from '../../db/client.ts';
import { Prisma } from '../../db/client.ts';
import type { Env } from '../../env.ts';
import { processDatabasePool, type AdminScope } from '../../scope.ts';
import { HEARTBEAT_INTERVAL_MS } from '../../worker/runner.ts';
import packageJson from '../../../package.json' with { type: 'json' };
import { SENT_STATUSES } from '../operations/service.ts';
import { secretStatuses } from '../webhooks/secrets.ts';
import { compareMigrations, shippedMigrations, type AppliedMigration, type MigrationState } from './migrations.ts';
import { COUNT_CAP, tableStats, type TableStats } from './tables.ts';

export type HealthStatus = 'OK' | 'WARNING' | 'CRITICAL';

export interface HealthCheck {
  key: 'database' | 'worker' | 'queue' | 'email' | 'webhooks' | 'migrations';
  name: string;
  status: HealthStatus;
  message: string;
}

/** A worker whose newest beat is older than this many intervals is taken for stopped. */
export const STALE_HEARTBEATS = 3;
/** Round trips slower than these make the database a warning / critical. */
export const DATABASE_LATENCY_WARNING_MS = 100;
export const DATABASE_LATENCY_CRITICAL_MS = 1_000;
/** Jobs due and waiting for a worker beyond this are a warning. */
export const QUEUE_READY_WARNING = 1_000;

export interface QueueDepth {
  /** Due now, waiting for a worker. */
  ready: number;
  /** Due later (runAt, retry backoff). */
  scheduled: number;
  /** Taken by a worker. */
  running: number;
  /** Out of attempts: kept by graphile-worker until removed. */
  failed: number;
  /** More than COUNT_CAP jobs: the numbers cover the first COUNT_CAP + 1 only. */
  capped: boolean;
}

export interface WebhookProviderStatus {
  provider: 'STRIPE' | 'RESEND';
  secretConfigured: boolean;
  lastReceivedAt: Date | null;
  lastStatus: string | null;
  lastType: string | null;
}

export interface SystemStatus {
  generatedAt: Date;
  /** The worst status of `health`. */
  overall: HealthStatus;
  health: HealthCheck[];
  database: { latencyMs: number | null; pool: PoolUsage | null; name: string | null; serverVersion: string | null };
  worker: { instances: number; newestBeatAt: Date | null; newestBeatAgeMs: number | null; staleAfterMs: number; queue: QueueDepth | null };
  email: {
    transport: 'resend' | 'outbox';
    apiKeyConfigured: boolean;
    lastSent: { id: string; at: Date; status: string } | null;
    lastFailed: { id: string; at: Date; error: string | null } | null;
  };
  webhookProviders: WebhookProviderStatus[];
  migrations: MigrationState | null;
  tables: TableStats[];
  versions: { node: string; postgres: string | null; opsgraph: string; schema: string | null };
  environment: SystemEnvironment;
}

export interface SystemFeature {
  name: string;
  enabled: boolean;
  /** A setting's value, when it is not a secret (never a key, password or URL with credentials). */
  detail: string | null;
}

export interface SystemEnvironment {
  nodeEnv: string;
  production: boolean;
  hostname: string;
  processId: number;
  uptimeSeconds: number;
  /** HTTP processes per host (Node cluster). */
  apiProcesses: number;
  workerMode: 'inline' | 'separate';
  workerConcurrency: number;
  /** Worker processes with a fresh heartbeat, across every host. */
  workerInstances: number;
  databasePoolMax: number;
  statementTimeoutMs: number;
  features: SystemFeature[];
}

interface Facts {
  serverVersion: string;
  database: string;
  migrations: { name: string; startedAt: string; finishedAt: string | null; rolledBackAt: string | null }[];
  workers: { count: number; newestBeatAt: string | null; ageMs: number | null };
  queue: { ready: number; scheduled: number; running: number; failed: number; total: number };
  lastSent: { id: string; at: string; status: string } | null;
  lastFailed: { id: string; at: string; error: string | null } | null;
  webhooks: { provider: 'STRIPE' | 'RESEND'; receivedAt: string | null; status: string | null; type: string | null }[];
}

/** Everything but the ping and the tables, in one statement; each part reads a bounded number of rows. */
async function readFacts(scope: AdminScope): Promise<Facts> {
  const limit = COUNT_CAP + 1;
  const [row] = await scope.db.$queryRaw<Facts[]>`
    SELECT
      current_setting('server_version') AS "serverVersion",
      current_database() AS database,
      (SELECT coalesce(json_agg(json_build_object('name', migration_name, 'startedAt', started_at, 'finishedAt', finished_at, 'rolledBackAt', rolled_back_at)
                       ORDER BY started_at), '[]'::json) FROM _prisma_migrations) AS migrations,
      (SELECT json_build_object('count', count(*), 'newestBeatAt', max("beatAt"), 'ageMs', (extract(epoch FROM now() - max("beatAt")) * 1000)::float8)
         FROM "WorkerHeartbeat") AS workers,
      (SELECT json_build_object(
                'ready', count(*) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts AND run_at <= now()),
                'scheduled', count(*) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts AND run_at > now()),
                'running', count(*) FILTER (WHERE locked_at IS NOT NULL AND attempts < max_attempts),
                'failed', count(*) FILTER (WHERE attempts >= max_attempts),
                'total', count(*))
         FROM (SELECT run_at, attempts, max_attempts, locked_at FROM graphile_worker.jobs LIMIT ${limit}) j) AS queue,
      (SELECT json_build_object('id', id, 'at', coalesce("sentAt", "createdAt"), 'status', status)
         FROM "Email" WHERE status::text IN (${Prisma.join([...SENT_STATUSES])}) ORDER BY "createdAt" DESC LIMIT 1) AS "lastSent",
      (SELECT json_build_object('id', id, 'at', coalesce("failedAt", "createdAt"), 'error', left(error, 300))
         FROM "Email" WHERE status = 'FAILED' ORDER BY "createdAt" DESC LIMIT 1) AS "lastFailed",
      (SELECT json_agg(json_build_object('provider', p, 'receivedAt', e."receivedAt", 'status', e.status, 'type', e.type) ORDER BY p)
         FROM unnest(enum_range(NULL::"WebhookProvider")) AS p
         LEFT JOIN LATERAL (
           SELECT w."receivedAt", w.status, w.type FROM "WebhookEvent" w WHERE w.provider = p ORDER BY w."receivedAt" DESC LIMIT 1
         ) e ON true) AS webhooks`;
  return row!;
}

const date = (value: string | null | undefined) => (value ? new Date(value) : null);
const worst = (statuses: HealthStatus[]): HealthStatus =>
  statuses.includes('CRITICAL') ? 'CRITICAL' : statuses.includes('WARNING') ? 'WARNING' : 'OK';
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function databaseCheck(latencyMs: number | null, pool: PoolUsage | null, error?: string): HealthCheck {
  const base = { key: 'database', name: 'Database' } as const;
  if (latencyMs === null) return { ...base, status: 'CRITICAL', message: `Not reachable: ${error ?? 'no answer'}` };
  const poolText = pool ? `; pool ${pool.total - pool.idle}/${pool.max} in use, ${pool.idle} idle, ${pool.waiting} waiting` : '';
  const message = `SELECT 1 in ${latencyMs.toFixed(1)} ms${poolText}`;
  if (latencyMs >= DATABASE_LATENCY_CRITICAL_MS) return { ...base, status: 'CRITICAL', message: `Slow: ${message}` };
  if (latencyMs >= DATABASE_LATENCY_WARNING_MS) return { ...base, status: 'WARNING', message: `Slow: ${message}` };
  if (pool && pool.waiting > 0) return { ...base, status: 'WARNING', message: `Queries wait for a connection: ${message}` };
  return { ...base, status: 'OK', message };
}

export function workerCheck(instances: number, ageMs: number | null, staleAfterMs: number): HealthCheck {
  const base = { key: 'worker', name: 'Worker' } as const;
  if (instances === 0 || ageMs === null) return { ...base, status: 'CRITICAL', message: 'No worker has a heartbeat: jobs do not run' };
  const age = `${(ageMs / 1000).toFixed(1)} s ago`;
  if (ageMs > staleAfterMs) return { ...base, status: 'CRITICAL', message: `Stale: the newest heartbeat was ${age} (stale after ${staleAfterMs / 1000} s)` };
  return { ...base, status: 'OK', message: `${plural(instances, 'worker')}, newest heartbeat ${age}` };
}

export function queueCheck(queue: QueueDepth): HealthCheck {
  const base = { key: 'queue', name: 'Job queue' } as const;
  const more = queue.capped ? ' (first ' + COUNT_CAP + ' jobs counted)' : '';
  const message = `${queue.ready} ready, ${queue.scheduled} scheduled, ${queue.running} running, ${queue.failed} failed${more}`;
  if (queue.ready >= QUEUE_READY_WARNING) return { ...base, status: 'WARNING', message: `Backlog: ${message}` };
  if (queue.failed > 0) return { ...base, status: 'WARNING', message: `Failed jobs kept: ${message}` };
  return { ...base, status: 'OK', message };
}

export function emailCheck(email: SystemStatus['email'], production: boolean): HealthCheck {
  const base = { key: 'email', name: 'Email transport' } as const;
  if (email.transport === 'outbox') {
    const message = 'Outbox: emails are stored, not sent';
    return { ...base, status: production ? 'WARNING' : 'OK', message };
  }
  if (email.lastFailed && (!email.lastSent || email.lastFailed.at > email.lastSent.at)) {
    return { ...base, status: 'WARNING', message: `Resend: the last email failed (${email.lastFailed.error ?? 'no reason given'})` };
  }
  return { ...base, status: 'OK', message: email.lastSent ? `Resend: last sent ${email.lastSent.at.toISOString()}` : 'Resend: nothing sent yet' };
}

export function webhooksCheck(providers: WebhookProviderStatus[]): HealthCheck {
  const base = { key: 'webhooks', name: 'Webhook providers' } as const;
  const failing = providers.filter((p) => p.lastStatus === 'FAILED' || p.lastStatus === 'DEAD');
  const describe = (p: WebhookProviderStatus) =>
    p.lastReceivedAt ? `${p.provider} ${p.lastStatus} ${p.lastReceivedAt.toISOString()}` : `${p.provider} ${p.secretConfigured ? 'no events yet' : 'not configured'}`;
  const message = providers.map(describe).join('; ');
  if (failing.length > 0) return { ...base, status: 'WARNING', message: `Last event failed: ${message}` };
  return { ...base, status: 'OK', message };
}

export function migrationsCheck(state: MigrationState): HealthCheck {
  const base = { key: 'migrations', name: 'Migrations' } as const;
  if (state.failed.length > 0) return { ...base, status: 'CRITICAL', message: `Failed: ${state.failed.join(', ')}` };
  if (state.pending.length > 0) return { ...base, status: 'CRITICAL', message: `${plural(state.pending.length, 'pending migration')}: ${state.pending.join(', ')}` };
  if (state.unknown.length > 0) return { ...base, status: 'WARNING', message: `Applied but not in this build: ${state.unknown.join(', ')}` };
  return { ...base, status: 'OK', message: `Current: ${plural(state.applied, 'migration')} applied, latest ${state.latest}` };
}

function environmentOf(settings: Env, workerInstances: number, secrets: { provider: string; configured: boolean }[]): SystemEnvironment {
  const secret = (name: string) => secrets.find((s) => s.provider === name)?.configured ?? false;
  return {
    nodeEnv: settings.NODE_ENV,
    production: settings.isProduction,
    hostname: hostname(),
    processId: process.pid,
    uptimeSeconds: Math.round(process.uptime()),
    apiProcesses: settings.apiWorkers,
    workerMode: settings.WORKER,
    workerConcurrency: settings.WORKER_CONCURRENCY,
    workerInstances,
    databasePoolMax: settings.DATABASE_POOL_MAX,
    statementTimeoutMs: settings.DATABASE_STATEMENT_TIMEOUT_MS,
    // Only whether a secret is set, never its value.
    features: [
      { name: 'External database', enabled: Boolean(settings.DATABASE_URL), detail: settings.DATABASE_URL ? null : 'embedded PostgreSQL' },
      { name: 'Separate migration role', enabled: Boolean(settings.DATABASE_MIGRATION_URL), detail: null },
      { name: 'Secrets key', enabled: Boolean(settings.SECRETS_KEY), detail: settings.SECRETS_KEYS_PREVIOUS.length ? `${settings.SECRETS_KEYS_PREVIOUS.length} previous key(s)` : null },
      { name: 'Email transport', enabled: true, detail: settings.emailTransport },
      { name: 'Resend API key', enabled: Boolean(settings.RESEND_API_KEY), detail: null },
      { name: 'Stripe webhook secret', enabled: secret('STRIPE'), detail: null },
      { name: 'Resend webhook secret', enabled: secret('RESEND'), detail: null },
      { name: 'Public URL', enabled: Boolean(settings.PUBLIC_URL), detail: settings.PUBLIC_URL ? new URL(settings.PUBLIC_URL).origin : null },
      { name: 'GraphiQL', enabled: settings.graphiql, detail: null },
      { name: 'Error masking', enabled: settings.maskErrors, detail: null },
      { name: 'Demo data', enabled: settings.SEED_DEMO && !settings.isProduction, detail: null },
      { name: 'CORS origins', enabled: settings.CORS_ORIGINS.length > 0, detail: settings.CORS_ORIGINS.length ? plural(settings.CORS_ORIGINS.length, 'origin') : null },
      { name: 'Prepared statements', enabled: settings.DATABASE_PREPARED_STATEMENTS > 0, detail: String(settings.DATABASE_PREPARED_STATEMENTS) },
      { name: 'Log level', enabled: settings.LOG_LEVEL !== 'silent', detail: settings.LOG_LEVEL },
    ],
  };
}

export interface SystemStatusOptions {
  /** Where the shipped migrations are (tests point it at a folder with one more). */
  migrationsDir?: string;
  now?: Date;
}

/** Everything the System page and its report show. */
export async function systemStatus(scope: AdminScope, settings: Env, options: SystemStatusOptions = {}): Promise<SystemStatus> {
  const generatedAt = options.now ?? new Date();
  let latencyMs: number | null = null;
  let pingError: string | undefined;
  const started = performance.now();
  try {
    await scope.db.$queryRaw`SELECT 1`;
    latencyMs = performance.now() - started;
  } catch (err) {
    pingError = (err as Error).message;
  }
  const pool = processDatabasePool(scope);
  if (latencyMs === null) return unreachable(generatedAt, settings, pool, pingError);

  const [facts, tables, secrets, shipped] = await Promise.all([
    readFacts(scope),
    tableStats(scope, generatedAt),
    secretStatuses(scope),
    shippedMigrations(options.migrationsDir),
  ]);
  const staleAfterMs = STALE_HEARTBEATS * HEARTBEAT_INTERVAL_MS;
  const ageMs = facts.workers.ageMs === null ? null : Math.max(0, facts.workers.ageMs);
  const freshWorkers = ageMs !== null && ageMs <= staleAfterMs ? facts.workers.count : 0;
  const queue: QueueDepth = { ...facts.queue, capped: facts.queue.total > COUNT_CAP };
  const email: SystemStatus['email'] = {
    transport: settings.emailTransport,
    apiKeyConfigured: Boolean(settings.RESEND_API_KEY),
    lastSent: facts.lastSent ? { ...facts.lastSent, at: new Date(facts.lastSent.at) } : null,
    lastFailed: facts.lastFailed ? { ...facts.lastFailed, at: new Date(facts.lastFailed.at) } : null,
  };
  const webhookProviders: WebhookProviderStatus[] = facts.webhooks.map((w) => ({
    provider: w.provider,
    secretConfigured: secrets.find((s) => s.provider === w.provider)?.configured ?? false,
    lastReceivedAt: date(w.receivedAt),
    lastStatus: w.status,
    lastType: w.type,
  }));
  const applied: AppliedMigration[] = facts.migrations.map((m) => ({
    name: m.name, startedAt: new Date(m.startedAt), finishedAt: date(m.finishedAt), rolledBackAt: date(m.rolledBackAt),
  }));
  const migrations = compareMigrations(shipped, applied);
  const health = [
    databaseCheck(latencyMs, pool),
    workerCheck(facts.workers.count, ageMs, staleAfterMs),
    queueCheck(queue),
    emailCheck(email, settings.isProduction),
    webhooksCheck(webhookProviders),
    migrationsCheck(migrations),
  ];
  return {
    generatedAt,
    overall: worst(health.map((h) => h.status)),
    health,
    database: { latencyMs, pool, name: facts.database, serverVersion: facts.serverVersion },
    worker: { instances: freshWorkers, newestBeatAt: date(facts.workers.newestBeatAt), newestBeatAgeMs: ageMs, staleAfterMs, queue },
    email,
    webhookProviders,
    migrations,
    tables,
    versions: { node: process.version, postgres: facts.serverVersion, opsgraph: packageJson.version, schema: migrations.latest },
    environment: environmentOf(settings, freshWorkers, secrets),
  };
}

/** What can be said without the database: its failure, this process and its settings. */
function unreachable(generatedAt: Date, settings: Env, pool: PoolUsage | null, error?: string): SystemStatus {
  const unknown = (key: HealthCheck['key'], name: string): HealthCheck => ({ key, name, status: 'CRITICAL', message: 'Unknown: the database is not reachable' });
  const health = [
    databaseCheck(null, pool, error),
    unknown('worker', 'Worker'),
    unknown('queue', 'Job queue'),
    unknown('email', 'Email transport'),
    unknown('webhooks', 'Webhook providers'),
    unknown('migrations', 'Migrations'),
  ];
  return {
    generatedAt,
    overall: 'CRITICAL',
    health,
    database: { latencyMs: null, pool, name: null, serverVersion: null },
    worker: { instances: 0, newestBeatAt: null, newestBeatAgeMs: null, staleAfterMs: STALE_HEARTBEATS * HEARTBEAT_INTERVAL_MS, queue: null },
    email: { transport: settings.emailTransport, apiKeyConfigured: Boolean(settings.RESEND_API_KEY), lastSent: null, lastFailed: null },
    webhookProviders: [],
    migrations: null,
    tables: [],
    versions: { node: process.version, postgres: null, opsgraph: packageJson.version, schema: null },
    environment: environmentOf(settings, 0, []),
  };
}
