// Two roles: what the app role (DATABASE_URL) may and may not do in a database the owner migrated. The
// test database is a clone of the template, migrated and granted the way boot does it.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { testDb, databaseUrlOn, withAdmin, type TestDatabase } from '../../test/db.ts';
import { EnvError, parseEnv } from '../env.ts';
import { startWorker } from '../worker/runner.ts';
import { defineTask, enqueueJob } from '../worker/task.ts';
import { createApp } from '../app.ts';
import { resolveDatabaseUrl } from './embedded.ts';
import { migrateDatabase } from './prepare.ts';
import { ensureAppRole, grantAppAccess, grantAppRole, withCredentials } from './roles.ts';

declare global {
  namespace GraphileWorker {
    interface Tasks {
      rolesTestEcho: { n: number };
    }
  }
}

const logger = pino({ level: 'silent' });
const appRole = inject('pgAppRole');
const serverUrl = inject('pgServerUrl');
let db: TestDatabase;
let app: pg.Client;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  db = await testDb();
  app = new pg.Client({ connectionString: db.url });
  await app.connect();
});

afterAll(async () => {
  await app?.end();
  await db?.drop();
  // Roles last: the databases holding their privileges are gone by now.
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The SQLSTATE `sql` fails with as the app role (null when it succeeds). */
async function refusal(sql: string): Promise<string | null> {
  return app.query(sql).then(
    () => null,
    (error: { code?: string }) => error.code ?? 'no code',
  );
}

const insertAudit = `INSERT INTO "AuditEvent" (id, "actorType", action, "targetType") VALUES (gen_random_uuid(), 'SYSTEM', 'roles.test', 'Test')`;

/** A login role of this test only, dropped after the databases that know it. */
async function throwawayRole(attributes = ''): Promise<{ name: string; password: string }> {
  const name = `opsgraph_roles_test_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(8).toString('hex');
  if (attributes) await withAdmin(serverUrl, (c) => c.query(`CREATE ROLE ${name} LOGIN ${attributes} PASSWORD '${password}'`));
  cleanups.push(() => withAdmin(serverUrl, (c) => c.query(`DROP ROLE IF EXISTS ${name}`)));
  return { name, password };
}

describe('the app role', () => {
  it('is who the tests connect as: no superuser, owner of nothing', async () => {
    const { rows } = await app.query(`
      SELECT current_user AS who, r.rolsuper, r.rolbypassrls, r.rolcreatedb, r.rolcreaterole,
             (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owned
        FROM pg_roles r WHERE r.rolname = current_user`);
    expect(rows).toEqual([
      { who: appRole.user, rolsuper: false, rolbypassrls: false, rolcreatedb: false, rolcreaterole: false, owned: 0 },
    ]);
  });

  it('appends to the audit log and reads it', async () => {
    await app.query(insertAudit);
    const { rows } = await app.query(`SELECT action FROM "AuditEvent" WHERE action = 'roles.test'`);
    expect(rows.length).toBeGreaterThanOrEqual(1);
  });

  it('cannot update, delete or truncate audit entries', async () => {
    await app.query(insertAudit);
    // 42501: insufficient_privilege, refused before any trigger runs.
    expect(await refusal(`UPDATE "AuditEvent" SET action = 'tampered'`)).toBe('42501');
    expect(await refusal(`DELETE FROM "AuditEvent"`)).toBe('42501');
    expect(await refusal(`TRUNCATE "AuditEvent"`)).toBe('42501');
    const { rows } = await app.query(`SELECT count(*)::int AS n FROM "AuditEvent" WHERE action = 'tampered'`);
    expect(rows[0].n).toBe(0);
  });

  it('cannot switch the audit table’s triggers off, for the table or for its session', async () => {
    expect(await refusal(`ALTER TABLE "AuditEvent" DISABLE TRIGGER ALL`)).toBe('42501'); // must be owner
    expect(await refusal(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_no_update_delete"`)).toBe('42501');
    expect(await refusal(`SET session_replication_role = replica`)).toBe('42501');
    expect((await app.query(`SHOW session_replication_role`)).rows[0].session_replication_role).toBe('origin');
  });

  it('cannot create tables, take the owner’s role, or change the migration history', async () => {
    expect(await refusal(`CREATE TABLE mine (id int)`)).toBe('42501');
    expect(await refusal(`SET ROLE postgres`)).toBe('42501');
    expect(await refusal(`DELETE FROM _prisma_migrations`)).toBe('42501');
    expect(await refusal(`DELETE FROM graphile_worker.migrations`)).toBe('42501');
    // Readiness reads it.
    expect((await app.query(`SELECT count(*)::int AS n FROM _prisma_migrations`)).rows[0].n).toBeGreaterThan(0);
  });

  it('reads and writes the application’s other tables', async () => {
    await app.query(`INSERT INTO "WorkerHeartbeat" ("workerId", "startedAt", "beatAt") VALUES ('roles-test', now(), now())`);
    await app.query(`UPDATE "WorkerHeartbeat" SET "beatAt" = now() WHERE "workerId" = 'roles-test'`);
    expect((await app.query(`DELETE FROM "WorkerHeartbeat" WHERE "workerId" = 'roles-test'`)).rowCount).toBe(1);
  });

  it('runs a job through graphile-worker', async () => {
    const handled: number[] = [];
    const jobApp = createApp({ databaseUrl: db.url, logger, poolSize: 3 });
    const { prisma } = jobApp;
    const worker = await startWorker({
      databaseUrl: db.url,
      app: jobApp,
      concurrency: 2,
      extraTasks: [defineTask('rolesTestEcho', z.object({ n: z.number() }), async ({ n }) => void handled.push(n))],
      logger,
      pollIntervalMs: 100,
    });
    try {
      await enqueueJob(prisma, 'rolesTestEcho', { n: 7 });
      await expect.poll(() => handled, { timeout: 10_000 }).toEqual([7]);
      await expect
        .poll(async () => (await app.query(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'rolesTestEcho'`)).rows[0].n, {
          timeout: 5_000,
        })
        .toBe(0);
      await expect
        .poll(() => prisma.jobRun.count({ where: { task: 'rolesTestEcho', outcome: 'SUCCESS' } }), { timeout: 5_000 })
        .toBe(1);
    } finally {
      await worker.stop();
      await jobApp.close();
    }
  });

  it('gets its privileges on tables a later migration creates, and granting again changes nothing', async () => {
    await withAdmin(db.adminUrl, (c) => c.query(`CREATE TABLE "LaterTable" (id serial PRIMARY KEY, note text)`));
    await app.query(`INSERT INTO "LaterTable" (note) VALUES ('added')`);
    await app.query(`UPDATE "LaterTable" SET note = 'changed'`);
    expect((await app.query(`SELECT note FROM "LaterTable"`)).rows).toEqual([{ note: 'changed' }]);
    expect((await app.query(`DELETE FROM "LaterTable"`)).rowCount).toBe(1);

    expect(await grantAppRole(db.adminUrl, appRole.user)).toEqual([]);
    expect(await grantAppRole(db.adminUrl, appRole.user)).toEqual([]);
    expect(await refusal(`UPDATE "AuditEvent" SET action = 'tampered'`)).toBe('42501');
    const policies = await withAdmin(db.adminUrl, (c) =>
      c.query(`SELECT count(*)::int AS n FROM pg_policy WHERE polname = 'opsgraph_app_role'`),
    );
    expect(policies.rows[0].n).toBe(4); // one per graphile-worker table, not one per run
  });
});

describe('boot with two roles', () => {
  it('migrates an empty database as the owner and leaves the app role able to run the platform', async () => {
    const name = `t_roles_${randomBytes(6).toString('hex')}`;
    await withAdmin(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
    const migrationUrl = databaseUrlOn(serverUrl, name);
    cleanups.unshift(() => withAdmin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));
    const databaseUrl = withCredentials(migrationUrl, appRole.user, appRole.password);

    const { applied } = await migrateDatabase({ databaseUrl, migrationUrl }, logger);
    expect(applied.length).toBeGreaterThan(0);

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(insertAudit);
      await client.query(`SELECT graphile_worker.add_job('rolesTestEcho', json_build_object('n', 1))`);
      expect((await client.query(`SELECT count(*)::int AS n FROM graphile_worker.jobs`)).rows[0].n).toBe(1);
      await expect(client.query(`UPDATE "AuditEvent" SET action = 'x'`)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await client.end();
    }
  });

  it('with one role for both, grants nothing and says it is the weaker setup', async () => {
    const warnings: string[] = [];
    const infos: string[] = [];
    const log = { info: (m: string) => void infos.push(m), warn: (m: string) => void warnings.push(m) };
    await grantAppAccess({ databaseUrl: db.adminUrl, migrationUrl: db.adminUrl }, log, { production: true });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('DATABASE_MIGRATION_URL');
    await grantAppAccess({ databaseUrl: db.adminUrl, migrationUrl: db.adminUrl }, log);
    expect(infos).toHaveLength(1);
  });

  it('warns about an app role that could get around the rules', async () => {
    const superuser = await throwawayRole('SUPERUSER');
    const warnings: string[] = [];
    await grantAppAccess(
      { databaseUrl: withCredentials(db.adminUrl, superuser.name, superuser.password), migrationUrl: db.adminUrl },
      { info: () => {}, warn: (m) => void warnings.push(m) },
    );
    expect(warnings).toEqual([`the app role "${superuser.name}" is a superuser: the audit log's append-only rule does not bind it`]);
  });

  it('creates the app role idempotently, also from several processes at once', async () => {
    const role = await throwawayRole();
    await Promise.all([1, 2, 3].map(() => ensureAppRole(serverUrl, role.name, role.password)));
    await ensureAppRole(serverUrl, role.name, role.password);
    const { rows } = await withAdmin(serverUrl, (c) =>
      c.query(`SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = $1`, [role.name]),
    );
    expect(rows).toEqual([{ rolcanlogin: true, rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolbypassrls: false }]);
    const client = new pg.Client({ connectionString: withCredentials(serverUrl, role.name, role.password) });
    await client.connect();
    expect((await client.query('SELECT current_user AS who')).rows).toEqual([{ who: role.name }]);
    await client.end();
  });
});

describe('configuration', () => {
  it('takes DATABASE_MIGRATION_URL for migrations, DATABASE_URL otherwise, and refuses it without DATABASE_URL', async () => {
    const base = { DATA_DIR: '.data', EMBEDDED_PG_PORT: 1 };
    const app = 'postgres://app:a@db.example/opsgraph';
    const owner = 'postgres://owner:o@db.example/opsgraph';
    expect(await resolveDatabaseUrl({ ...base, DATABASE_URL: app })).toMatchObject({ databaseUrl: app, migrationUrl: app });
    expect(await resolveDatabaseUrl({ ...base, DATABASE_URL: app, DATABASE_MIGRATION_URL: owner })).toMatchObject({
      databaseUrl: app,
      migrationUrl: owner,
    });
    await expect(resolveDatabaseUrl({ ...base, DATABASE_MIGRATION_URL: owner })).rejects.toThrow(/needs DATABASE_URL/);
    expect(parseEnv({ DATABASE_URL: app, DATABASE_MIGRATION_URL: owner }).DATABASE_MIGRATION_URL).toBe(owner);
    expect(() => parseEnv({ DATABASE_MIGRATION_URL: owner })).toThrow(EnvError);
    expect(() => parseEnv({ DATABASE_MIGRATION_URL: owner })).toThrow(/DATABASE_MIGRATION_URL: needs DATABASE_URL/);
  });
});
