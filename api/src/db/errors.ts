import { getDatamodel } from '../generated/pothos-types.ts';
import { ConflictError } from '../lib/errors.ts';

type Model = { dbName?: string | null; fields: readonly { name: string; isUnique?: boolean }[]; uniqueIndexes?: readonly { name?: string | null; fields: readonly string[] }[] };
const models = Object.entries(getDatamodel().datamodel.models as Record<string, Model>);

/** Unique constraints by their PostgreSQL name (Prisma's default `<Table>_<fields>_key`) → model and fields. */
const constraints = new Map<string, { model: string; fields: string[] }>();
for (const [name, model] of models) {
  const table = model.dbName ?? name;
  for (const field of model.fields) {
    if (field.isUnique) constraints.set(`${table}_${field.name}_key`, { model: name, fields: [field.name] });
  }
  for (const index of model.uniqueIndexes ?? []) {
    constraints.set(index.name ?? `${table}_${index.fields.join('_')}_key`, { model: name, fields: [...index.fields] });
  }
}

interface PrismaKnownError {
  code?: string;
  meta?: { driverAdapterError?: { cause?: { kind?: string; constraint?: { index?: string; fields?: string[] } } }; target?: unknown };
}

/**
 * A unique violation (Prisma P2002, PostgreSQL 23505) as the ConflictError naming the field that must be
 * unique; null for any other error. Mutations rely on the database's constraint, not on a check before
 * the write, so two requests racing for one value get one success and one conflict.
 */
export function conflictFromUniqueViolation(error: unknown): ConflictError | null {
  const e = error as PrismaKnownError;
  if (!e || e.code !== 'P2002') return null;
  const constraint = e.meta?.driverAdapterError?.cause?.constraint;
  const known = constraint?.index ? constraints.get(constraint.index) : undefined;
  const fields = known?.fields ?? constraint?.fields ?? [];
  const field = fields.length ? fields.join(',') : null;
  const what = known ? `${known.model}` : 'A record';
  return new ConflictError(field ? `${what} with this ${fields.join(' and ')} already exists` : `${what} like this already exists`, field);
}
