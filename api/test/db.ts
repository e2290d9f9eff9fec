import { randomBytes } from 'node:crypto';
import { withClient } from '@opsgraph/prisma/migrate';
import type pg from 'pg';
import { inject } from 'vitest';
import { withCredentials } from '../src/db/roles.ts';

export interface TestDatabase {
  /** As the app role, like the API and worker in production: owns nothing, cannot rewrite the audit log. */
  url: string;
  /** As the superuser that migrated it: for DDL, drift checks and fixtures the app role may not touch. */
  adminUrl: string;
  drop(): Promise<void>;
}

/** A fresh database cloned from the migrated template (schema + graphile_worker + grants), dropped by `drop()`. */
export async function testDb(): Promise<TestDatabase> {
  const serverUrl = inject('pgServerUrl');
  const template = inject('pgTemplateDatabase');
  const appRole = inject('pgAppRole');
  const name = `t_${randomBytes(8).toString('hex')}`;
  await withAdmin(serverUrl, (c) =>
    c.query(`CREATE DATABASE ${c.escapeIdentifier(name)} TEMPLATE ${c.escapeIdentifier(template)}`),
  );
  let dropped: Promise<void> | undefined;
  const adminUrl = databaseUrlOn(serverUrl, name);
  return {
    url: withCredentials(adminUrl, appRole.user, appRole.password),
    adminUrl,
    drop() {
      dropped ??= withAdmin(serverUrl, async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
      });
      return dropped;
    },
  };
}

/** The URL of database `name` on the server behind `serverUrl`. */
export function databaseUrlOn(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

/** One connection to `serverUrl` (a superuser's) for `fn`. */
export function withAdmin<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  return withClient(serverUrl, fn, 'opsgraph-test');
}
