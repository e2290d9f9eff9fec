// Whether the database has every migration this build ships, and only those.
import { readdir } from 'node:fs/promises';
import { defaultMigrationsDir } from '@opsgraph/prisma/migrate';

export interface AppliedMigration {
  name: string;
  startedAt: Date;
  finishedAt: Date | null;
  rolledBackAt: Date | null;
}

export interface MigrationState {
  /** Every shipped migration is applied and none failed. */
  current: boolean;
  shipped: number;
  applied: number;
  /** The newest applied migration: the schema's version. */
  latest: string | null;
  /** Shipped but not applied, oldest first. */
  pending: string[];
  /** Started and neither finished nor rolled back: `pnpm db:migrate` stops at them. */
  failed: string[];
  /** Applied but not shipped by this build: a newer build migrated this database. */
  unknown: string[];
}

/** The migration folders a build ships, sorted (their names start with a timestamp). */
export async function shippedMigrations(dir = defaultMigrationsDir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

export function compareMigrations(shipped: string[], rows: AppliedMigration[]): MigrationState {
  const applied = rows.filter((r) => r.finishedAt && !r.rolledBackAt);
  const done = new Set(applied.map((r) => r.name));
  const failed = [...new Set(rows.filter((r) => !r.finishedAt && !r.rolledBackAt && !done.has(r.name)).map((r) => r.name))].sort();
  const known = new Set(shipped);
  const pending = shipped.filter((name) => !done.has(name));
  const names = [...done].sort();
  return {
    current: pending.length === 0 && failed.length === 0,
    shipped: shipped.length,
    applied: done.size,
    latest: names.at(-1) ?? null,
    pending,
    failed,
    unknown: names.filter((name) => !known.has(name)),
  };
}
