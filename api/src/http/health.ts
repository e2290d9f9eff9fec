import { readdir } from 'node:fs/promises';
import { defaultMigrationsDir as migrationsDir } from '@opsgraph/prisma/migrate';
import type { App } from '../app.ts';
import { isWorkerHeartbeatFresh } from '../worker/runner.ts';

let expectedMigrations: Promise<string[]> | null = null;

function listMigrations(): Promise<string[]> {
  expectedMigrations ??= readdir(migrationsDir, { withFileTypes: true }).then((entries) =>
    entries.filter((e) => e.isDirectory()).map((e) => e.name).sort(),
  );
  return expectedMigrations;
}

export interface Readiness {
  ready: boolean;
  checks: { database: boolean; migrations: boolean; worker: boolean | 'not-required'; boot: boolean };
}

/**
 * Ready = the boot has finished (demo data seeded included), the database answers, every migration is
 * applied, and some worker has a fresh heartbeat.
 */
export async function readiness(app: App, workerMode: 'inline' | 'separate' | 'none', booted: boolean): Promise<Readiness> {
  let database = false;
  let migrations = false;
  let worker: boolean | 'not-required' = workerMode === 'none' ? 'not-required' : false;
  try {
    const applied = await app.prisma.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    database = true;
    const done = new Set(applied.map((r) => r.migration_name));
    migrations = (await listMigrations()).every((name) => done.has(name));
    if (workerMode !== 'none') worker = await isWorkerHeartbeatFresh(app.prisma);
  } catch (err) {
    app.logger.warn({ err }, 'readiness check failed');
  }
  return { ready: booted && database && migrations && worker !== false, checks: { database, migrations, worker, boot: booted } };
}
