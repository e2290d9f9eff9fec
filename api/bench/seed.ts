// The data benchmarks run against, written with plain SQL so seeding 10,000 tenants takes well under a second.
import pg from 'pg';
import { hashPassword } from '../src/lib/password.ts';
import { newApiKey, newSessionToken, sha256 } from '../src/lib/tokens.ts';

export interface BenchSeedOptions {
  tenants: number;
  /** Job runs spread over the last 24 hours (for the dashboard); none by default. */
  jobRuns?: number;
}

export interface BenchSeed {
  /** A VIEWER admin's session token: `Authorization: Bearer <token>` or the `og_session` cookie. */
  token: string;
  /** An API key of `Tenant 1` (ACTIVE): `Authorization: Bearer ogk_…`. */
  tenantKey: string;
  tenantId: string;
  /** Tenant names are `Tenant <n>`, n = 1..tenants; `Tenant 1` is the newest. */
  tenantName(n: number): string;
  /** How many of the job runs failed. */
  failedJobRuns: number;
}

/**
 * Three plans, `tenants` tenants in mixed states (60% active) created one minute apart going back from now,
 * optional job runs, one admin session and one API key of the newest tenant; then ANALYZE so the planner sees the real row counts.
 */
export async function seedBench(databaseUrl: string, options: BenchSeedOptions): Promise<BenchSeed> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`
      INSERT INTO "Plan" (id, code, name, currency, "monthlyPrice", "yearlyPrice", "emailsPerMonth", "smsPerMonth", seats, "apiCallsPerMonth", entitlements, "updatedAt")
      SELECT gen_random_uuid(), 'plan-' || i, 'Plan ' || i, 'USD', i * 1000, i * 10000, 1000, 100, 5, 10000, ARRAY['tickets'], now()
      FROM generate_series(1, 3) i`);
    await client.query(
      `
      INSERT INTO "Tenant" (id, name, slug, status, "planId", "ownerName", "ownerEmail", "createdAt", "updatedAt")
      SELECT gen_random_uuid(), 'Tenant ' || i, 'tenant-' || i,
        (CASE WHEN i % 10 < 6 THEN 'ACTIVE' WHEN i % 10 < 8 THEN 'TRIALING' WHEN i % 10 = 8 THEN 'SUSPENDED' ELSE 'PAST_DUE' END)::"TenantStatus",
        (SELECT id FROM "Plan" ORDER BY code OFFSET (i % 3) LIMIT 1), 'Owner ' || i, 'owner' || i || '@example.com',
        now() - (i || ' minutes')::interval, now()
      FROM generate_series(1, $1::int) i`,
      [options.tenants],
    );
    if (options.jobRuns) {
      // Two real task names, one run in eight failing, evenly spread so every hour of the chart has bars.
      await client.query(
        `
        INSERT INTO "JobRun" (id, task, "jobId", attempt, "queuedAt", "startedAt", "finishedAt", "durationMs", outcome, "errorMessage", "workerId")
        SELECT gen_random_uuid(), t.task, 'bench-' || i, 1, t.started - interval '50 milliseconds', t.started,
          t.started + (t.duration || ' milliseconds')::interval, t.duration,
          (CASE WHEN i % 8 = 0 THEN 'FAILURE' ELSE 'SUCCESS' END)::"JobOutcome",
          CASE WHEN i % 8 = 0 THEN 'bench: simulated failure' END, 'bench-worker'
        FROM generate_series(1, $1::int) i,
          LATERAL (SELECT CASE WHEN i % 3 = 0 THEN 'jobRunsPrune' ELSE 'tenantOnboard' END AS task,
                          now() - (i * 86000.0 / $1::int || ' seconds')::interval AS started,
                          20 + (i * 37) % 400 AS duration) t`,
        [options.jobRuns],
      );
    }
    const token = newSessionToken();
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO "AdminUser" (id, email, name, role, "passwordHash", "updatedAt") VALUES (gen_random_uuid(), 'bench@opsgraph.dev', 'Bench', 'VIEWER', $1, now()) RETURNING id`,
      [await hashPassword('bench-password-123')],
    );
    await client.query(
      `INSERT INTO "AdminSession" (id, "adminUserId", "tokenHash", "expiresAt") VALUES (gen_random_uuid(), $1, $2, now() + interval '1 day')`,
      [rows[0]!.id, sha256(token)],
    );
    const { key, prefix } = newApiKey();
    const tenant = await client.query<{ id: string }>(
      `INSERT INTO "TenantApiKey" (id, "tenantId", name, prefix, "secretHash")
       SELECT gen_random_uuid(), id, 'bench', $1, $2 FROM "Tenant" WHERE name = 'Tenant 1' RETURNING "tenantId" AS id`,
      [prefix, sha256(key)],
    );
    await client.query('ANALYZE');
    return { token, tenantKey: key, tenantId: tenant.rows[0]!.id, tenantName: (n) => `Tenant ${n}`, failedJobRuns: Math.floor((options.jobRuns ?? 0) / 8) };
  } finally {
    await client.end();
  }
}
