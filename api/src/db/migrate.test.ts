import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  applyMigrations,
  checkDrift,
  createMigration,
  defaultMigrationsDir,
  defaultSchemaPath,
  migrationStatus,
  resolveMigration,
} from '@opsgraph/prisma/migrate';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testDb, databaseUrlOn, withAdmin } from '../../test/db.ts';

const serverUrl = inject('pgServerUrl');
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A database with nothing in it (not cloned from the template). */
async function emptyDatabase(): Promise<string> {
  const name = `t_empty_${randomBytes(6).toString('hex')}`;
  await withAdmin(serverUrl, (c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`));
  cleanups.push(() => withAdmin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`)).then(() => {}));
  return databaseUrlOn(serverUrl, name);
}

async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'opsgraph-migrate-test-'));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A copy of the repository's migrations folder that a test may add to or edit. */
async function copyOfMigrations(): Promise<string> {
  const dir = path.join(await tempDir(), 'migrations');
  await fs.cp(defaultMigrationsDir, dir, { recursive: true });
  return dir;
}

async function query<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function repoMigrations(): Promise<string[]> {
  const entries = await fs.readdir(defaultMigrationsDir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

const tableExists = async (url: string, table: string) =>
  (await query<{ t: string | null }>(url, `SELECT to_regclass($1)::text AS t`, [`"${table}"`]))[0]?.t != null;

describe('applyMigrations', () => {
  it('migrates an empty database and records standard _prisma_migrations rows', async () => {
    const url = await emptyDatabase();
    const expected = await repoMigrations();
    expect(expected.length).toBeGreaterThan(0);

    const started = Date.now();
    const { applied } = await applyMigrations(url);
    console.log(`[migrate] applied ${applied.length} migration(s) to an empty database in ${Date.now() - started} ms`);
    expect(applied).toEqual(expected);

    for (const table of ['AdminUser', 'Tenant', 'AuditEvent']) expect(await tableExists(url, table)).toBe(true);
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      url,
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(expected);
    for (const row of rows) {
      const script = await fs.readFile(path.join(defaultMigrationsDir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(script).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }

    expect(await applyMigrations(url)).toEqual({ applied: [] });
    const [count] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM _prisma_migrations`);
    expect(count?.n).toBe(expected.length);
    expect(await migrationStatus(url)).toEqual({ applied: expected, pending: [], failed: [] });
  });

  it('rolls back a failing migration completely, records it as failed and refuses to continue until resolved', async () => {
    const url = await emptyDatabase();
    const dir = await copyOfMigrations();
    const broken = '29991231000000_broken';
    await fs.mkdir(path.join(dir, broken));
    await fs.writeFile(
      path.join(dir, broken, 'migration.sql'),
      `CREATE TABLE "PartialOne" (id int);\n` +
        `CREATE FUNCTION partial_fn() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$;\n` +
        `ALTER TABLE "NoSuchTable" ADD COLUMN x int;\n` +
        `CREATE TABLE "PartialTwo" (id int);\n`,
    );

    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(/NoSuchTable/);

    expect(await tableExists(url, 'AdminUser')).toBe(true); // the migrations before it stay applied
    expect(await tableExists(url, 'PartialOne')).toBe(false);
    expect(await tableExists(url, 'PartialTwo')).toBe(false);
    const fn = await query(url, `SELECT 1 FROM pg_proc WHERE proname = 'partial_fn'`);
    expect(fn).toHaveLength(0);

    const [row] = await query<{ finished_at: Date | null; logs: string | null; rolled_back_at: Date | null }>(
      url,
      `SELECT finished_at, logs, rolled_back_at FROM _prisma_migrations WHERE migration_name = $1`,
      [broken],
    );
    expect(row?.finished_at).toBeNull();
    expect(row?.rolled_back_at).toBeNull();
    expect(row?.logs).toMatch(/NoSuchTable/);
    expect((await migrationStatus(url, { migrationsDir: dir })).failed).toEqual([broken]);

    await fs.writeFile(path.join(dir, broken, 'migration.sql'), `CREATE TABLE "PartialOne" (id int);\n`);
    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(/P3009[\s\S]*29991231000000_broken/);
    expect(await tableExists(url, 'PartialOne')).toBe(false);

    // The documented way out: mark it rolled back, then deploy retries the fixed migration.
    await resolveMigration(url, { rolledBack: broken }, { migrationsDir: dir });
    expect(await applyMigrations(url, { migrationsDir: dir })).toEqual({ applied: [broken] });
    expect(await tableExists(url, 'PartialOne')).toBe(true);
    expect(await migrationStatus(url, { migrationsDir: dir })).toMatchObject({ pending: [], failed: [] });
  });

  it('applies each migration once when several instances deploy at the same time', async () => {
    const url = await emptyDatabase();
    const results = await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(await repoMigrations());
  });

  it('refuses when an applied migration was edited afterwards', async () => {
    const url = await emptyDatabase();
    const dir = await copyOfMigrations();
    await applyMigrations(url, { migrationsDir: dir });
    const [first] = await repoMigrations();
    await fs.appendFile(path.join(dir, first!, 'migration.sql'), '\n-- edited\n');
    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(
      new RegExp(`${first}[\\s\\S]*changed after they were applied`),
    );
  });
});

describe('drift and createMigration', () => {
  let url: string;
  let driftedSchema: string;
  let shadowsBefore: unknown[];
  const shadowDatabases = () =>
    query(serverUrl, `SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%' ORDER BY 1`);

  beforeAll(async () => {
    shadowsBefore = await shadowDatabases();
    const db = await testDb();
    cleanups.push(db.drop);
    url = db.adminUrl; // shadow databases need CREATEDB
    // The repository's schema folder plus one more domain file.
    driftedSchema = await tempDir();
    await fs.cp(defaultSchemaPath, driftedSchema, { recursive: true });
    await fs.writeFile(path.join(driftedSchema, 'drift.prisma'), `model DriftProbe {\n  id   Int    @id\n  note String\n}\n`);
  });

  it('reports the repository schema and migrations in sync', async () => {
    const started = Date.now();
    expect(await checkDrift(url)).toEqual({ inSync: true, script: '' });
    console.log(`[migrate] checkDrift (shadow database) in ${Date.now() - started} ms`);
  });

  it('reports a schema with an extra model as out of sync, with the SQL', async () => {
    const result = await checkDrift(url, { schemaPath: driftedSchema });
    expect(result.inSync).toBe(false);
    expect(result.script).toMatch(/CREATE TABLE "DriftProbe"/);
  });

  it('creates nothing when in sync, and a standard folder for a change', async () => {
    const dir = await copyOfMigrations();
    expect(await createMigration('noop', url, { migrationsDir: dir })).toBeNull();

    const folder = await createMigration('drift_probe', url, { migrationsDir: dir, schemaPath: driftedSchema });
    expect(folder).toMatch(/^\d{14}_drift_probe$/);
    expect(await fs.readFile(path.join(dir, folder!, 'migration.sql'), 'utf8')).toMatch(/CREATE TABLE "DriftProbe"/);
    expect(await fs.readFile(path.join(dir, 'migration_lock.toml'), 'utf8')).toMatch(/provider = "postgresql"/);
    expect(await checkDrift(url, { migrationsDir: dir, schemaPath: driftedSchema })).toEqual({ inSync: true, script: '' });

    await expect(createMigration('bad name', url, { migrationsDir: dir })).rejects.toThrow(/letters, digits/);
  });

  it('leaves no shadow databases behind', async () => {
    expect(await shadowDatabases()).toEqual(shadowsBefore);
  });
});

describe('AuditEvent', () => {
  it('is append-only, even for its owner', async () => {
    const db = await testDb();
    cleanups.push(db.drop);
    const client = new pg.Client({ connectionString: db.adminUrl });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO "AuditEvent" (id, "actorType", action, "targetType") VALUES (gen_random_uuid(), 'SYSTEM', 'test.created', 'Test')`,
      );
      await expect(client.query(`UPDATE "AuditEvent" SET action = 'tampered'`)).rejects.toThrow('AuditEvent is append-only');
      await expect(client.query(`DELETE FROM "AuditEvent"`)).rejects.toThrow('AuditEvent is append-only');
      await expect(client.query(`TRUNCATE "AuditEvent"`)).rejects.toThrow('AuditEvent is append-only');
      const rows = await client.query(`SELECT action FROM "AuditEvent"`);
      expect(rows.rows).toEqual([{ action: 'test.created' }]);
    } finally {
      await client.end();
    }
  });
});
