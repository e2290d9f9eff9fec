import { getDatamodel } from '../generated/pothos-types.ts';
import type { PrismaClient } from './client.ts';

/**
 * The one place where a tenant key's data access is confined to its tenant. Every Prisma operation
 * through the scoped client gets the tenant filter added to its `where` (and nested to-many reads),
 * writes are forced onto the tenant, and models a tenant may never touch are refused outright.
 */

/** Tenant-owned models and the column that holds the owning tenant's id. */
export const TENANT_OWNED: Record<string, string> = {
  Tenant: 'id',
  TenantApiKey: 'tenantId',
};

/** Global catalogue models a tenant may read but never write. */
export const SHARED_READ_ONLY = new Set(['Plan']);

const READS = new Set([
  'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'count', 'aggregate', 'groupBy',
]);
const FILTERED_WRITES = new Set(['update', 'updateMany', 'updateManyAndReturn', 'delete', 'deleteMany', 'upsert']);
const CREATES = new Set(['create', 'createMany', 'createManyAndReturn']);

export class TenantScopeError extends Error {
  override name = 'TenantScopeError';
}

const relations: Map<string, Map<string, { model: string; isList: boolean }>> = (() => {
  const map = new Map<string, Map<string, { model: string; isList: boolean }>>();
  for (const [name, model] of Object.entries(getDatamodel().datamodel.models)) {
    const fields = new Map<string, { model: string; isList: boolean }>();
    for (const field of model.fields) {
      if (field.kind === 'object') fields.set(field.name, { model: field.type, isList: field.isList });
    }
    map.set(name, fields);
  }
  return map;
})();

type Args = Record<string, unknown>;

function assertReadable(model: string): void {
  if (!(model in TENANT_OWNED) && !SHARED_READ_ONLY.has(model)) {
    throw new TenantScopeError(`${model} is not available to tenant keys`);
  }
}

/** Adds the tenant filter to nested to-many selections and refuses relations a tenant may not read. */
function scopeNested(model: string, selection: unknown, tenantId: string): unknown {
  if (!selection || typeof selection !== 'object') return selection;
  const out: Args = {};
  for (const [key, value] of Object.entries(selection as Args)) {
    const relation = relations.get(model)?.get(key);
    if (!relation || value === false) {
      out[key] = key === '_count' ? scopeCount(model, value, tenantId) : value;
      continue;
    }
    assertReadable(relation.model);
    const nested: Args = value === true ? {} : { ...(value as Args) };
    if (relation.isList && relation.model in TENANT_OWNED) {
      nested.where = andWhere(nested.where, { [TENANT_OWNED[relation.model]!]: tenantId });
    }
    if (nested.include) nested.include = scopeNested(relation.model, nested.include, tenantId);
    if (nested.select) nested.select = scopeNested(relation.model, nested.select, tenantId);
    out[key] = value === true && !relation.isList ? true : nested;
  }
  return out;
}

function scopeCount(model: string, value: unknown, tenantId: string): unknown {
  if (!value || typeof value !== 'object' || !('select' in value)) return value;
  return { ...(value as Args), select: scopeNested(model, (value as Args).select, tenantId) };
}

function andWhere(where: unknown, filter: Args): Args {
  return where && Object.keys(where as Args).length > 0 ? { AND: [where, filter] } : filter;
}

/**
 * Unique lookups keep their unique key at the top level (Prisma requires it) and get the tenant filter
 * beside it in AND, so asking for another tenant's row by its id finds nothing.
 */
function uniqueWhere(where: unknown, filter: Args): Args {
  const w = { ...(where as Args) };
  const and = w.AND === undefined ? [] : Array.isArray(w.AND) ? w.AND : [w.AND];
  return { ...w, AND: [...and, filter] };
}

/** Scopes one operation's arguments; exported for unit tests. */
export function scopeArgs(model: string, operation: string, args: Args | undefined, tenantId: string): Args {
  const column = TENANT_OWNED[model];
  const readOnly = SHARED_READ_ONLY.has(model);
  if (!column && !readOnly) throw new TenantScopeError(`${model} is not available to tenant keys`);
  const scoped: Args = { ...(args ?? {}) };
  if (scoped.include) scoped.include = scopeNested(model, scoped.include, tenantId);
  if (scoped.select) scoped.select = scopeNested(model, scoped.select, tenantId);

  if (READS.has(operation)) {
    // Shared catalogue rows are global; tenant-owned rows are filtered.
    if (column) {
      scoped.where = operation.startsWith('findUnique')
        ? uniqueWhere(scoped.where, { [column]: tenantId })
        : andWhere(scoped.where, { [column]: tenantId });
    }
    return scoped;
  }
  if (readOnly || !column) throw new TenantScopeError(`${model} is read-only for tenant keys`);
  if (FILTERED_WRITES.has(operation)) {
    scoped.where =
      operation === 'update' || operation === 'delete' || operation === 'upsert'
        ? uniqueWhere(scoped.where, { [column]: tenantId })
        : andWhere(scoped.where, { [column]: tenantId });
    if (operation === 'upsert') {
      scoped.create = { ...(scoped.create as Args), [column]: tenantId };
      if (column !== 'id') scoped.update = { ...(scoped.update as Args), [column]: tenantId };
    }
    if ('data' in scoped && column !== 'id') scoped.data = { ...(scoped.data as Args), [column]: tenantId };
    return scoped;
  }
  if (CREATES.has(operation)) {
    if (model === 'Tenant') throw new TenantScopeError('tenant keys cannot create tenants');
    const force = (row: unknown) => ({ ...(row as Args), [column]: tenantId });
    scoped.data = Array.isArray(scoped.data) ? scoped.data.map(force) : force(scoped.data);
    return scoped;
  }
  throw new TenantScopeError(`${operation} on ${model} is not available to tenant keys`);
}

export function scopeToTenant(prisma: PrismaClient, tenantId: string): PrismaClient {
  const scoped = prisma.$extends({
    name: 'tenant-scope',
    query: {
      $allModels: {
        $allOperations({ model, operation, args, query }) {
          return query(scopeArgs(model, operation, args as Args, tenantId) as typeof args);
        },
      },
      // Raw SQL cannot be scoped automatically, so the tenant client has none.
      $queryRaw: () => Promise.reject(new TenantScopeError('raw SQL is not available to tenant keys')),
      $executeRaw: () => Promise.reject(new TenantScopeError('raw SQL is not available to tenant keys')),
      $queryRawUnsafe: () => Promise.reject(new TenantScopeError('raw SQL is not available to tenant keys')),
      $executeRawUnsafe: () => Promise.reject(new TenantScopeError('raw SQL is not available to tenant keys')),
    },
  });
  return scoped as unknown as PrismaClient;
}
