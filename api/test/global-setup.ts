// Once per `vitest run`: a Postgres server and a migrated template database that test files clone.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { applyMigrations, defaultMigrationsDir } from '@opsgraph/prisma/migrate';
import { runMigrations } from 'graphile-worker';
import type { TestProject } from 'vitest/node';
import { createPool } from '../src/db/client.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { ensureAppRole, grantAppRole } from '../src/db/roles.ts';
import { databaseUrlOn, withAdmin } from './db.ts';
import { freePort } from '../src/lib/process.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser (or CREATEDB) URL of the test server's `postgres` database. */
    pgServerUrl: string;
    /** The role tests' API and worker connect as: owns nothing, may only read and append to the audit log. */
    pgAppRole: { user: string; password: string };
    /** Migrated database (Prisma + graphile_worker) that testDb() clones. */
    pgTemplateDatabase: string;
  }
}

const TEMPLATE = 'opsgraph_template';
/** Not the embedded server's app role: TEST_DATABASE_URL may name a server where that one is in use. */
const APP_ROLE = { user: 'opsgraph_test_app', password: 'opsgraph_test_app' };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const log = (msg: string) => console.log(`[test db] ${msg}`);
  let serverUrl = process.env.TEST_DATABASE_URL;
  let cleanup = async () => {};

  if (!serverUrl) {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'opsgraph-test-pg-'));
    // The server runs as OS user postgres when we are root; mkdtemp makes the folder 0700.
    await fs.chmod(dataDir, 0o755);
    const server = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'data'),
      port: await freePort(),
      log: { info: () => {}, warn: log },
      // Throwaway cluster: durability is not worth the time.
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
    });
    serverUrl = server.url;
    cleanup = async () => {
      const t = Date.now();
      await server.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
      log(`stopped in ${Date.now() - t} ms`);
    };
  }

  try {
    await ensureAppRole(serverUrl, APP_ROLE.user, APP_ROLE.password);
    await buildTemplate(serverUrl, log);
  } catch (error) {
    await cleanup();
    throw error;
  }
  log(`server and template ready in ${Date.now() - started} ms`);
  project.provide('pgServerUrl', serverUrl);
  project.provide('pgTemplateDatabase', TEMPLATE);
  project.provide('pgAppRole', APP_ROLE);
  return cleanup;
}

/**
 * (Re)builds the template unless it already holds exactly these migrations and this graphile-worker
 * version (possible with TEST_DATABASE_URL). An advisory lock serialises concurrent runs on one server.
 */
async function buildTemplate(serverUrl: string, log: (msg: string) => void): Promise<void> {
  const fingerprint = await templateFingerprint();
  await withAdmin(serverUrl, async (admin) => {
    await admin.query(`SELECT pg_advisory_lock(hashtext('opsgraph test template'))`);
    const existing = await admin.query<{ comment: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
      [TEMPLATE],
    );
    if (existing.rows[0]?.comment === fingerprint) {
      log(`reusing template ${TEMPLATE}`);
      return;
    }
    const db = admin.escapeIdentifier(TEMPLATE);
    if (existing.rowCount) {
      await admin.query(`ALTER DATABASE ${db} IS_TEMPLATE false`);
      await admin.query(`DROP DATABASE ${db} WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE ${db}`);
    const templateUrl = databaseUrlOn(serverUrl, TEMPLATE);
    const t0 = Date.now();
    const { applied } = await applyMigrations(templateUrl);
    const t1 = Date.now();
    // Our own pool, ended before the template is sealed: graphile ends a pool it made without waiting.
    const pgPool = createPool(templateUrl, { max: 1 });
    try {
      await runMigrations({ pgPool });
    } finally {
      await pgPool.end();
    }
    // As in production: the owner migrated, the app role gets its privileges (clones inherit them).
    const loopholes = await grantAppRole(templateUrl, APP_ROLE.user);
    if (loopholes.length) throw new Error(`test app role: ${loopholes.join('; ')}`);
    log(`template: ${applied.length} Prisma migration(s) in ${t1 - t0} ms, graphile-worker schema and grants in ${Date.now() - t1} ms`);
    await admin.query(`COMMENT ON DATABASE ${db} IS ${admin.escapeLiteral(fingerprint)}`);
    // Any open connection to a template makes CREATE DATABASE ... TEMPLATE fail: allow none.
    await admin.query(`ALTER DATABASE ${db} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
  });
}

async function templateFingerprint(): Promise<string> {
  const hash = createHash('sha256');
  const entries = (await fs.readdir(defaultMigrationsDir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  for (const name of entries) {
    hash.update(name);
    hash.update(await fs.readFile(path.join(defaultMigrationsDir, name, 'migration.sql')).catch(() => ''));
  }
  const workerEntry = createRequire(import.meta.url).resolve('graphile-worker');
  const workerPkg = JSON.parse(await fs.readFile(path.join(path.dirname(workerEntry), '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  hash.update(`graphile-worker@${workerPkg.version}`);
  // The app role's privileges are part of the template.
  hash.update(await fs.readFile(new URL('../src/db/roles.ts', import.meta.url)));
  hash.update(APP_ROLE.user);
  return `opsgraph test template ${hash.digest('hex')}`;
}

