import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultMigrationsDir } from '@opsgraph/prisma/migrate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env } from '../../env.ts';
import { actingFor, type AdminScope } from '../../scope.ts';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { shippedMigrations } from './migrations.ts';
import { systemStatus } from './service.ts';
import { COUNT_CAP } from './tables.ts';

// The System page's numbers against this file's own database: statuses, migration detection, estimates,
// the report's routes and that nothing secret leaves the API.

const SECRETS = {
  SECRETS_KEY: 'ab'.repeat(32),
  RESEND_API_KEY: 're_secret_api_key_value_1234',
  STRIPE_WEBHOOK_SECRET: 'whsec_stripe_secret_value_5678',
  RESEND_WEBHOOK_SECRET: 'whsec_cmVzZW5kLXNlY3JldC12YWx1ZQ==',
  DATABASE_URL: 'postgres://app:database-password-9876@db.internal:5432/opsgraph',
  DATABASE_MIGRATION_URL: 'postgres://owner:migration-password-5432@db.internal:5432/opsgraph',
};

let p: TestPlatform;
let owner: { token: string; userId: string; email: string };
let viewer: string;
let admin: AdminScope;

const QUERY = `{ systemStatus {
  overall generatedAt
  health { key name status message }
  database { latencyMs name serverVersion pool { total idle waiting max } }
  worker { instances newestBeatAt staleAfterMs queue { ready scheduled running failed capped } }
  email { transport apiKeyConfigured lastSent { id at status } lastFailed { id at error } }
  webhookProviders { provider secretConfigured lastReceivedAt lastStatus lastType }
  migrations { current shipped applied latest pending failed unknown }
  tables { name rows estimated sizeBytes growth { today { count capped } last7Days { count capped } last30Days { count capped } } }
  versions { node postgres opsgraph schema }
  environment { nodeEnv production apiProcesses workerMode workerConcurrency workerInstances databasePoolMax features { name enabled detail } }
} }`;

beforeAll(async () => {
  p = await startPlatform({ recordQueries: true, env: SECRETS });
  owner = await p.login('OWNER');
  viewer = (await p.login('VIEWER')).token;
  const user = await p.app.prisma.adminUser.findUniqueOrThrow({ where: { id: owner.userId } });
  admin = actingFor(p.system, {
    kind: 'admin', userId: user.id, email: user.email, role: user.role, sessionId: 'test', sessionExpiresAt: new Date(Date.now() + 3_600_000), impersonatorId: null,
  });
  await p.makeTenant();
  const db = p.app.prisma;
  await db.webhookEvent.create({ data: { provider: 'STRIPE', externalId: 'evt_system_1', type: 'invoice.paid', payload: {}, status: 'PROCESSED', receivedAt: new Date(Date.now() - 60_000) } });
  await db.webhookEvent.create({ data: { provider: 'STRIPE', externalId: 'evt_system_2', type: 'invoice.payment_failed', payload: {}, status: 'DEAD', receivedAt: new Date() } });
});
afterAll(() => p.close());

const check = (status: Awaited<ReturnType<typeof systemStatus>>, key: string) => status.health.find((h) => h.key === key)!;

describe('systemStatus', () => {
  it('reports the database, migrations and tables of a real database', async () => {
    const res = await p.gql(QUERY, {}, viewer);
    expect(res.errors).toBeUndefined();
    const s = res.data!.systemStatus;
    const health = Object.fromEntries(s.health.map((h: { key: string; status: string }) => [h.key, h.status]));
    expect(health.database).toBe('OK');
    expect(health.migrations).toBe('OK');
    expect(s.database.latencyMs).toBeGreaterThan(0);
    expect(s.database.pool.max).toBe(5);
    expect(s.database.pool.total).toBeGreaterThanOrEqual(1);
    expect(s.database.serverVersion).toMatch(/^\d+\.\d+/);
    const shipped = await shippedMigrations();
    expect(s.migrations).toMatchObject({ current: true, shipped: shipped.length, applied: shipped.length, pending: [], failed: [], unknown: [], latest: shipped.at(-1) });
    expect(s.versions).toEqual({ node: process.version, postgres: s.database.serverVersion, opsgraph: '0.12.0', schema: shipped.at(-1) });
    const tenants = s.tables.find((t: { name: string }) => t.name === 'Tenant');
    expect(tenants).toMatchObject({ rows: 1, estimated: false, growth: { today: { count: 1, capped: false }, last7Days: { count: 1, capped: false }, last30Days: { count: 1, capped: false } } });
    expect(s.tables.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['Tenant', 'User', 'Email', 'WebhookEvent', 'Ticket', 'TicketComment', 'AuditEvent', 'JobRun', 'MetricPoint', 'Alert']));
  });

  it('says the worker is down without a heartbeat, and up with a fresh one', async () => {
    const before = await systemStatus(admin, env);
    expect(check(before, 'worker').status).toBe('CRITICAL');
    expect(before.worker.instances).toBe(0);
    const worker = await p.startWorker();
    try {
      const after = await systemStatus(admin, env);
      expect(check(after, 'worker')).toMatchObject({ status: 'OK' });
      expect(after.worker.instances).toBe(1);
      expect(after.environment.workerInstances).toBe(1);
      // A beat older than three intervals is stale.
      await p.app.prisma.workerHeartbeat.updateMany({ data: { beatAt: new Date(Date.now() - 3_600_000) } });
      const stale = await systemStatus(admin, env);
      expect(check(stale, 'worker').status).toBe('CRITICAL');
      expect(check(stale, 'worker').message).toMatch(/Stale/);
    } finally {
      await worker.stop();
    }
  });

  it('counts the job queue by state', async () => {
    const db = p.app.prisma;
    await db.$executeRaw`SELECT graphile_worker.add_job('systemTestReady', '{}'::json)`;
    await db.$executeRaw`SELECT graphile_worker.add_job('systemTestLater', '{}'::json, run_at => now() + interval '1 hour')`;
    await db.$executeRaw`SELECT graphile_worker.add_job('systemTestDead', '{}'::json, run_at => now() + interval '1 hour')`;
    await db.$executeRaw`SELECT graphile_worker.permanently_fail_jobs(ARRAY(SELECT id FROM graphile_worker.jobs WHERE task_identifier = 'systemTestDead'), 'gave up')`;
    try {
      const s = await systemStatus(admin, env);
      expect(s.worker.queue!.ready).toBeGreaterThanOrEqual(1);
      expect(s.worker.queue!.scheduled).toBeGreaterThanOrEqual(1);
      expect(s.worker.queue!.failed).toBe(1);
      expect(s.worker.queue!.capped).toBe(false);
      expect(check(s, 'queue')).toMatchObject({ status: 'WARNING', message: expect.stringContaining('1 failed') });
    } finally {
      await db.$executeRaw`SELECT graphile_worker.complete_jobs(ARRAY(SELECT id FROM graphile_worker.jobs WHERE task_identifier LIKE 'systemTest%'))`;
    }
  });

  it("shows each webhook provider's last event, and warns when it failed", async () => {
    const s = await systemStatus(admin, env);
    const stripe = s.webhookProviders.find((w) => w.provider === 'STRIPE')!;
    expect(stripe).toMatchObject({ lastStatus: 'DEAD', lastType: 'invoice.payment_failed' });
    expect(s.webhookProviders.find((w) => w.provider === 'RESEND')).toMatchObject({ lastReceivedAt: null, lastStatus: null });
    expect(check(s, 'webhooks').status).toBe('WARNING');
  });

  it('reports the email transport and a failure after the last send', async () => {
    const db = p.app.prisma;
    const template = await db.emailTemplate.create({ data: { key: 'system-status', name: 'System' } });
    const version = await db.emailTemplateVersion.create({ data: { templateId: template.id, version: 1, subject: 's', html: 'h', text: 't' } });
    const email = (status: 'SENT' | 'FAILED', minutesAgo: number, error?: string) =>
      db.email.create({
        data: {
          templateId: template.id, templateVersionId: version.id, toAddress: 'a@example.com', fromAddress: 'b@example.com', transport: 'resend', status, error,
          createdAt: new Date(Date.now() - minutesAgo * 60_000),
        },
      });
    const sent = await email('SENT', 10);
    const failed = await email('FAILED', 1, 'provider refused');
    const outbox = await systemStatus(admin, { ...env, emailTransport: 'outbox' });
    expect(check(outbox, 'email')).toMatchObject({ status: 'OK', message: expect.stringMatching(/Outbox/) });
    const resend = await systemStatus(admin, { ...env, emailTransport: 'resend', RESEND_API_KEY: 'k' });
    expect(resend.email.lastSent?.id).toBe(sent.id);
    expect(resend.email.lastFailed).toMatchObject({ id: failed.id, error: 'provider refused' });
    expect(check(resend, 'email').status).toBe('WARNING');
  });

  it('names a shipped migration the database has not applied', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
    try {
      await cp(defaultMigrationsDir, dir, { recursive: true });
      await mkdir(path.join(dir, '29991231000000_not_applied'));
      const s = await systemStatus(admin, env, { migrationsDir: dir });
      expect(s.migrations).toMatchObject({ current: false, pending: ['29991231000000_not_applied'] });
      expect(check(s, 'migrations')).toMatchObject({ status: 'CRITICAL', message: expect.stringContaining('29991231000000_not_applied') });
      expect(s.overall).toBe('CRITICAL');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('labels counts above the cap as estimates and caps growth', async () => {
    await p.app.prisma.$executeRaw`
      INSERT INTO "WebhookAttempt" (id, "eventId", number, "startedAt", outcome)
      SELECT gen_random_uuid(), (SELECT id FROM "WebhookEvent" LIMIT 1), n, now(), 'SUCCEEDED' FROM generate_series(1, ${COUNT_CAP + 500}) n`;
    await p.app.prisma.$executeRaw`ANALYZE "WebhookAttempt"`;
    const s = await systemStatus(admin, env);
    const attempts = s.tables.find((t) => t.name === 'WebhookAttempt')!;
    expect(attempts.estimated).toBe(true);
    expect(attempts.rows).toBeGreaterThan(COUNT_CAP);
    expect(attempts.growth!.today).toEqual({ count: COUNT_CAP, capped: true });
    const tenants = s.tables.find((t) => t.name === 'Tenant')!;
    expect(tenants.estimated).toBe(false);
  });

  it('leaves out the growth of a big table its time column has no index for', async () => {
    await p.app.prisma.$executeRaw`
      INSERT INTO "MetricSeries" (id, name, key, "createdAt")
      SELECT gen_random_uuid(), 'system_test', 'system_test_' || n, now() FROM generate_series(1, ${COUNT_CAP + 1}) n`;
    const s = await systemStatus(admin, env);
    expect(s.tables.find((t) => t.name === 'MetricSeries')).toMatchObject({ estimated: true, growth: null });
    // A small table without such an index is counted in full.
    expect(s.tables.find((t) => t.name === 'TicketComment')!.growth).toEqual({
      today: { count: 0, capped: false }, last7Days: { count: 0, capped: false }, last30Days: { count: 0, capped: false },
    });
    await p.app.prisma.$executeRaw`DELETE FROM "MetricSeries" WHERE name = 'system_test'`;
  });

  it('reads everything in a bounded number of statements', async () => {
    const sql = await p.recordQueries(() => p.gql(`{ systemStatus { overall tables { name rows } } }`, {}, viewer));
    // Besides authentication: the ping, the facts, the webhook secrets and one statement for all the tables.
    const reads = sql.filter((q) => !/"AdminSession"|"expiresAt"/.test(q));
    expect(reads).toHaveLength(4);
    expect(reads.filter((q) => q.includes('UNION ALL'))).toHaveLength(1);
    expect(sql.length).toBeLessThanOrEqual(5);
  });

  it('is admin-only in GraphQL', async () => {
    const { apiKey } = await p.makeTenant();
    const res = await p.gql(`{ systemStatus { overall } }`, {}, apiKey);
    expect(res.errors).toBeDefined();
    expect(res.data?.systemStatus).toBeUndefined();
  });
});

describe('the system report', () => {
  const get = (format: 'json' | 'csv', token?: string) =>
    fetch(`${p.url}/system/report.${format}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('downloads as JSON and CSV for an admin', async () => {
    const json = await get('json', viewer);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-disposition')).toMatch(/^attachment; filename="opsgraph-system-.*\.json"$/);
    const report = await json.json();
    expect(report.health.find((h: { key: string }) => h.key === 'database').status).toBe('OK');
    expect(report.migrations.current).toBe(true);
    expect(report.tables.length).toBeGreaterThan(10);
    expect(report.versions.opsgraph).toBe('0.12.0');

    const csv = await get('csv', viewer);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text.split('\n')[0]).toBe('section,item,field,value');
    expect(text).toContain('health,database,status,OK');
    expect(text).toContain('tables,Tenant,estimated,false');
    expect(text).toContain('migrations,migrations,current,true');
  });

  it('refuses tenant keys and anonymous callers with JSON errors', async () => {
    const { apiKey } = await p.makeTenant();
    const tenant = await get('json', apiKey);
    expect(tenant.status).toBe(403);
    expect((await tenant.json()).errors[0].extensions.code).toBe('FORBIDDEN');
    const anonymous = await get('csv');
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const bad = await get('json', 'not-a-token');
    expect(bad.status).toBe(401);
  });

  it('contains no secret from the environment', async () => {
    const secretValues = [
      ...Object.values(SECRETS),
      'database-password-9876',
      'migration-password-5432',
      new URL(p.databaseUrl).password,
      ...[env.SECRETS_KEY, env.RESEND_API_KEY, env.STRIPE_WEBHOOK_SECRET, env.RESEND_WEBHOOK_SECRET, env.DATABASE_URL].filter((v): v is string => Boolean(v)),
    ];
    for (const format of ['json', 'csv'] as const) {
      const body = await (await get(format, owner.token)).text();
      for (const secret of secretValues) expect(body, `${format} holds ${secret}`).not.toContain(secret);
    }
    // It does say which of them are set.
    const report = await (await get('json', owner.token)).json();
    const features = Object.fromEntries(report.environment.features.map((f: { name: string; enabled: boolean }) => [f.name, f.enabled]));
    expect(features).toMatchObject({ 'Secrets key': true, 'Resend API key': true, 'External database': true, 'Separate migration role': true });
  });
});
