import { builder } from '../../graphql/builder.ts';
import { adminScope } from '../../graphql/helpers.ts';
import { env } from '../../env.ts';
import type { MigrationState } from './migrations.ts';
import { SYSTEM_PERMISSION } from './permission.ts';
import { systemStatus, type HealthCheck, type QueueDepth, type SystemEnvironment, type SystemFeature, type SystemStatus, type WebhookProviderStatus } from './service.ts';
import { COUNT_CAP, type GrowthCount, type TableStats } from './tables.ts';

const HealthStatusEnum = builder.enumType('SystemHealthStatus', {
  values: { OK: { description: 'Working as expected.' }, WARNING: { description: 'Working, but needs a look.' }, CRITICAL: { description: 'Not working.' } } as const,
});

const HealthCheckRef = builder.objectRef<HealthCheck>('SystemHealthCheck').implement({
  description: 'One part of the platform and how it is doing.',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'database, worker, queue, email, webhooks or migrations.' }),
    name: t.exposeString('name'),
    status: t.field({ type: HealthStatusEnum, resolve: (h) => h.status }),
    message: t.exposeString('message'),
  }),
});

type Pool = NonNullable<SystemStatus['database']['pool']>;
const PoolRef = builder.objectRef<Pool>('SystemDatabasePool').implement({
  description: "This API process's connection pool.",
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'Connections open.' }),
    idle: t.exposeInt('idle'),
    waiting: t.exposeInt('waiting', { description: 'Queries queued for a connection.' }),
    max: t.exposeInt('max'),
  }),
});

const DatabaseRef = builder.objectRef<SystemStatus['database']>('SystemDatabase').implement({
  fields: (t) => ({
    latencyMs: t.exposeFloat('latencyMs', { nullable: true, description: 'Round trip of SELECT 1; null when unreachable.' }),
    pool: t.field({ type: PoolRef, nullable: true, resolve: (d) => d.pool }),
    name: t.exposeString('name', { nullable: true }),
    serverVersion: t.exposeString('serverVersion', { nullable: true }),
  }),
});

const QueueRef = builder.objectRef<QueueDepth>('SystemJobQueue').implement({
  description: `graphile-worker's jobs; at most ${COUNT_CAP + 1} are counted.`,
  fields: (t) => ({
    ready: t.exposeInt('ready', { description: 'Due now, waiting for a worker.' }),
    scheduled: t.exposeInt('scheduled', { description: 'Due later (runAt, retry backoff).' }),
    running: t.exposeInt('running'),
    failed: t.exposeInt('failed', { description: 'Out of attempts.' }),
    capped: t.exposeBoolean('capped', { description: `More than ${COUNT_CAP} jobs: the numbers cover the first ones only.` }),
  }),
});

const WorkerRef = builder.objectRef<SystemStatus['worker']>('SystemWorker').implement({
  fields: (t) => ({
    instances: t.exposeInt('instances', { description: 'Workers with a fresh heartbeat.' }),
    newestBeatAt: t.expose('newestBeatAt', { type: 'DateTime', nullable: true }),
    newestBeatAgeMs: t.exposeFloat('newestBeatAgeMs', { nullable: true }),
    staleAfterMs: t.exposeInt('staleAfterMs'),
    queue: t.field({ type: QueueRef, nullable: true, resolve: (w) => w.queue }),
  }),
});

type Email = SystemStatus['email'];
const EmailSentRef = builder.objectRef<NonNullable<Email['lastSent']>>('SystemEmailSent').implement({
  fields: (t) => ({ id: t.exposeID('id'), at: t.expose('at', { type: 'DateTime' }), status: t.exposeString('status') }),
});
const EmailFailedRef = builder.objectRef<NonNullable<Email['lastFailed']>>('SystemEmailFailed').implement({
  fields: (t) => ({ id: t.exposeID('id'), at: t.expose('at', { type: 'DateTime' }), error: t.exposeString('error', { nullable: true }) }),
});
const EmailRef = builder.objectRef<Email>('SystemEmail').implement({
  fields: (t) => ({
    transport: t.exposeString('transport', { description: 'resend or outbox.' }),
    apiKeyConfigured: t.exposeBoolean('apiKeyConfigured'),
    lastSent: t.field({ type: EmailSentRef, nullable: true, resolve: (e) => e.lastSent }),
    lastFailed: t.field({ type: EmailFailedRef, nullable: true, resolve: (e) => e.lastFailed }),
  }),
});

const WebhookProviderRef = builder.objectRef<WebhookProviderStatus>('SystemWebhookProvider').implement({
  fields: (t) => ({
    provider: t.exposeString('provider'),
    secretConfigured: t.exposeBoolean('secretConfigured'),
    lastReceivedAt: t.expose('lastReceivedAt', { type: 'DateTime', nullable: true }),
    lastStatus: t.exposeString('lastStatus', { nullable: true }),
    lastType: t.exposeString('lastType', { nullable: true }),
  }),
});

const MigrationsRef = builder.objectRef<MigrationState>('SystemMigrations').implement({
  fields: (t) => ({
    current: t.exposeBoolean('current', { description: 'Every shipped migration is applied and none failed.' }),
    shipped: t.exposeInt('shipped'),
    applied: t.exposeInt('applied'),
    latest: t.exposeString('latest', { nullable: true }),
    pending: t.exposeStringList('pending'),
    failed: t.exposeStringList('failed'),
    unknown: t.exposeStringList('unknown', { description: 'Applied but not shipped by this build.' }),
  }),
});

const GrowthCountRef = builder.objectRef<GrowthCount>('SystemGrowthCount').implement({
  fields: (t) => ({
    count: t.exposeInt('count'),
    capped: t.exposeBoolean('capped', { description: `More than ${COUNT_CAP} rows: count is a lower bound.` }),
  }),
});
const GrowthRef = builder.objectRef<NonNullable<TableStats['growth']>>('SystemTableGrowth').implement({
  fields: (t) => ({
    today: t.field({ type: GrowthCountRef, description: 'Since UTC midnight.', resolve: (g) => g.today }),
    last7Days: t.field({ type: GrowthCountRef, resolve: (g) => g.last7Days }),
    last30Days: t.field({ type: GrowthCountRef, resolve: (g) => g.last30Days }),
  }),
});
const TableRef = builder.objectRef<TableStats>('SystemTable').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    rows: t.exposeFloat('rows', { description: `Exact up to ${COUNT_CAP}; above it the planner's estimate.` }),
    estimated: t.exposeBoolean('estimated'),
    sizeBytes: t.exposeFloat('sizeBytes'),
    growth: t.field({ type: GrowthRef, nullable: true, description: 'Null for a big table without an index on its time column.', resolve: (s) => s.growth }),
  }),
});

const VersionsRef = builder.objectRef<SystemStatus['versions']>('SystemVersions').implement({
  fields: (t) => ({
    node: t.exposeString('node'),
    postgres: t.exposeString('postgres', { nullable: true }),
    opsgraph: t.exposeString('opsgraph'),
    schema: t.exposeString('schema', { nullable: true, description: 'The newest applied migration.' }),
  }),
});

const FeatureRef = builder.objectRef<SystemFeature>('SystemFeature').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    enabled: t.exposeBoolean('enabled'),
    detail: t.exposeString('detail', { nullable: true, description: 'A non-secret setting; never a key, password or URL with credentials.' }),
  }),
});

const EnvironmentRef = builder.objectRef<SystemEnvironment>('SystemEnvironment').implement({
  fields: (t) => ({
    nodeEnv: t.exposeString('nodeEnv'),
    production: t.exposeBoolean('production'),
    hostname: t.exposeString('hostname'),
    processId: t.exposeInt('processId'),
    uptimeSeconds: t.exposeInt('uptimeSeconds'),
    apiProcesses: t.exposeInt('apiProcesses', { description: 'HTTP processes per host.' }),
    workerMode: t.exposeString('workerMode'),
    workerConcurrency: t.exposeInt('workerConcurrency'),
    workerInstances: t.exposeInt('workerInstances'),
    databasePoolMax: t.exposeInt('databasePoolMax'),
    statementTimeoutMs: t.exposeInt('statementTimeoutMs'),
    features: t.field({ type: [FeatureRef], resolve: (e) => e.features }),
  }),
});

const SystemStatusRef = builder.objectRef<SystemStatus>('SystemStatus').implement({
  description: "The platform's health, table sizes, versions and environment (also GET /system/report.json and .csv).",
  fields: (t) => ({
    generatedAt: t.expose('generatedAt', { type: 'DateTime' }),
    overall: t.field({ type: HealthStatusEnum, resolve: (s) => s.overall }),
    health: t.field({ type: [HealthCheckRef], resolve: (s) => s.health }),
    database: t.field({ type: DatabaseRef, resolve: (s) => s.database }),
    worker: t.field({ type: WorkerRef, resolve: (s) => s.worker }),
    email: t.field({ type: EmailRef, resolve: (s) => s.email }),
    webhookProviders: t.field({ type: [WebhookProviderRef], resolve: (s) => s.webhookProviders }),
    migrations: t.field({ type: MigrationsRef, nullable: true, resolve: (s) => s.migrations }),
    tables: t.field({ type: [TableRef], resolve: (s) => s.tables }),
    versions: t.field({ type: VersionsRef, resolve: (s) => s.versions }),
    environment: t.field({ type: EnvironmentRef, resolve: (s) => s.environment }),
  }),
});

builder.queryField('systemStatus', (t) =>
  t.field({
    type: SystemStatusRef,
    authScopes: { permission: SYSTEM_PERMISSION },
    description: "The System page: the platform's health, table row counts and growth, versions and environment.",
    resolve: (_root, _args, ctx) => systemStatus(adminScope(ctx), env),
  }),
);
