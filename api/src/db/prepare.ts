// What boot does to the database before the API or worker connect, always as the owner
// (DATABASE_MIGRATION_URL, else DATABASE_URL): migrations, the job queue's schema, the app role's privileges.
import { applyMigrations } from '@opsgraph/prisma/migrate';
import type { Logger } from '../lib/logger.ts';
import { installJobQueue } from '../worker/runner.ts';
import { grantAppAccess, type DatabaseUrls } from './roles.ts';

export interface PrepareOptions {
  /** A single role for everything is worth a warning in production. */
  production?: boolean;
}

/** The API's boot: pending Prisma migrations, then the job queue (jobs can be queued before a worker runs). */
export async function migrateDatabase(urls: DatabaseUrls, logger: Logger, options: PrepareOptions = {}): Promise<{ applied: string[] }> {
  const { applied } = await applyMigrations(urls.migrationUrl, { log: (msg: string) => logger.info(msg) });
  await prepareJobQueue(urls, logger, options);
  return { applied };
}

/**
 * A worker process's boot: graphile-worker's schema, installed as the owner (the app role could not create
 * it), then the app role's privileges on it and on the application's tables.
 */
export async function prepareJobQueue(urls: DatabaseUrls, logger: Logger, options: PrepareOptions = {}): Promise<void> {
  await installJobQueue(urls.migrationUrl, logger);
  await grantAppAccess(urls, logger, options);
}
