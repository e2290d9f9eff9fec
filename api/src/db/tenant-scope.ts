import { getDatamodel } from '../generated/pothos-types.ts';
import type { Prisma, PrismaClient } from './client.ts';

/**
 * The one place where a tenant key's data access is confined to its tenant. The scoped client exposes
 * only the models modules declared as reachable by tenants; every operation on them gets the tenant
 * filter added to its `where` (and to nested to-many reads), writes are forced onto the tenant, and
 * there is no raw SQL. Modules declare their models in their manifest (`tenantModels`) and add them to
 * the client's type by declaration merging:
 *
 *   const tenantModels = { Ticket: { access: 'owned', column: 'tenantId' } } satisfies TenantModelSpecs;
 *   declare module '../../db/tenant-scope.ts' { interface TenantModels extends TenantModelAccess<typeof tenantModels> {} }
 */

/**
 * - `owned`: rows belong to one tenant through `column`; the tenant reads and writes its own rows only.
 * - `read`: a global catalogue (plans) the tenant may read but never write.
 * - `append`: the tenant may add rows (forced onto itself) but not read them (the audit log).
 */
export type TenantAccess = 'owned' | 'read' | 'append';
export type TenantModelSpec =
  | {
      access: 'owned' | 'append';
      column: string;
      /**
       * Only rows matching these scalar values exist for a tenant key (`{ internal: false }`): reads,
       * nested reads and counts never see the others, and writes are forced onto these values.
       */
      visible?: Readonly<Record<string, string | number | boolean>>;
    }
  | { access: 'read' };
export type TenantModelSpecs = Partial<Record<Prisma.ModelName, TenantModelSpec>>;
export type TenantModelAccess<T extends TenantModelSpecs> = { [K in keyof T]: T[K] extends { access: infer A } ? A : never };

// Extended by modules (see above).
export interface TenantModels {}

const READ_OPERATIONS = ['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'count', 'aggregate', 'groupBy'] as const;
const FILTERED_WRITES = ['update', 'updateMany', 'updateManyAndReturn', 'delete', 'deleteMany', 'upsert'] as const;
const CREATE_OPERATIONS = ['create', 'createMany', 'createManyAndReturn'] as const;

type Delegate<M extends string> = Uncapitalize<M> extends keyof PrismaClient ? PrismaClient[Uncapitalize<M>] : never;
type DelegateFor<M extends string, A> = A extends 'read'
  ? Pick<Delegate<M>, Extract<keyof Delegate<M>, (typeof READ_OPERATIONS)[number]>>
  : A extends 'append'
    ? Pick<Delegate<M>, Extract<keyof Delegate<M>, (typeof CREATE_OPERATIONS)[number]>>
    : Delegate<M>;

/** A tenant key's data access: only the declared models, only its own rows, no raw SQL. */
export type TenantDb = { readonly [M in keyof TenantModels & string as Uncapitalize<M>]: DelegateFor<M, TenantModels[M]> };

export class TenantScopeError extends Error {
  override name = 'TenantScopeError';
}

type Args = Record<string, unknown>;
type Relation = { model: string; isList: boolean };

const datamodel = getDatamodel().datamodel.models as Record<string, { fields: readonly { name: string; kind: string; type: string; isList: boolean }[] }>;

const relations: Map<string, Map<string, Relation>> = new Map(
  Object.entries(datamodel).map(([name, model]) => [
    name,
    new Map(model.fields.filter((f) => f.kind === 'object').map((f) => [f.name, { model: f.type, isList: f.isList }])),
  ]),
);

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

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

export interface TenantScoping {
  /** Declared models by Prisma model name. */
  readonly specs: TenantModelSpecs;
  /** Scopes one operation's arguments; throws TenantScopeError for anything a tenant may not do. */
  scopeArgs(model: string, operation: string, args: Args | undefined, tenantId: string): Args;
  /** The tenant's view of a Prisma client or transaction client. */
  client(base: object, tenantId: string): TenantDb;
}

/** Builds the scoping rules from every module's declared tenant models. */
export function createTenantScoping(specs: TenantModelSpecs): TenantScoping {
  for (const [model, spec] of Object.entries(specs)) {
    const fields = datamodel[model]?.fields;
    if (!fields) throw new Error(`tenantModels: no Prisma model ${model}`);
    if (spec && 'column' in spec && !fields.some((f) => f.name === spec.column && f.kind === 'scalar')) {
      throw new Error(`tenantModels: ${model} has no column ${spec.column}`);
    }
  }
  const specOf = (model: string) => specs[model as Prisma.ModelName];

  /** The rows of `model` that exist for the tenant: its own, and only the visible ones. */
  const ownFilter = (spec: { column: string; visible?: Readonly<Record<string, unknown>> }, tenantId: string): Args => ({
    [spec.column]: tenantId,
    ...spec.visible,
  });

  const refuse = (message: string): never => {
    throw new TenantScopeError(message);
  };

  function assertReadable(model: string): void {
    const spec = specOf(model);
    if (!spec || spec.access === 'append') refuse(`${model} is not available to tenant keys`);
  }

  /** Adds the tenant filter to nested to-many selections and refuses relations a tenant may not read. */
  function scopeNested(model: string, selection: unknown, tenantId: string): unknown {
    if (!selection || typeof selection !== 'object') return selection;
    const out: Args = {};
    for (const [key, value] of Object.entries(selection as Args)) {
      const relation = relations.get(model)?.get(key);
      // A relation left undefined (a conditional select) is not selected: Prisma ignores it, so must we.
      if (!relation || value === false || value === undefined) {
        out[key] = key === '_count' ? scopeCount(model, value, tenantId) : value;
        continue;
      }
      assertReadable(relation.model);
      const nested: Args = value === true ? {} : { ...(value as Args) };
      const spec = specOf(relation.model);
      if (relation.isList && spec?.access === 'owned') nested.where = andWhere(nested.where, ownFilter(spec, tenantId));
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

  function scopeArgs(model: string, operation: string, args: Args | undefined, tenantId: string): Args {
    const spec = specOf(model);
    if (!spec) return refuse(`${model} is not available to tenant keys`);
    const scoped: Args = { ...(args ?? {}) };
    if (scoped.include) scoped.include = scopeNested(model, scoped.include, tenantId);
    if (scoped.select) scoped.select = scopeNested(model, scoped.select, tenantId);

    if ((READ_OPERATIONS as readonly string[]).includes(operation)) {
      if (spec.access === 'append') refuse(`${model} is write-only for tenant keys`);
      // Shared catalogue rows are global; tenant-owned rows are filtered.
      if (spec.access === 'owned') {
        scoped.where = operation.startsWith('findUnique')
          ? uniqueWhere(scoped.where, ownFilter(spec, tenantId))
          : andWhere(scoped.where, ownFilter(spec, tenantId));
      }
      return scoped;
    }
    if (spec.access === 'read') return refuse(`${model} is read-only for tenant keys`);
    const { column } = spec;
    const own = ownFilter(spec, tenantId);
    if ((CREATE_OPERATIONS as readonly string[]).includes(operation)) {
      if (column === 'id') refuse(`tenant keys cannot create ${model} rows`);
      const force = (row: unknown) => ({ ...(row as Args), ...own });
      scoped.data = Array.isArray(scoped.data) ? scoped.data.map(force) : force(scoped.data);
      return scoped;
    }
    if (spec.access === 'append') return refuse(`${model} is append-only for tenant keys`);
    if ((FILTERED_WRITES as readonly string[]).includes(operation)) {
      scoped.where =
        operation === 'update' || operation === 'delete' || operation === 'upsert'
          ? uniqueWhere(scoped.where, own)
          : andWhere(scoped.where, own);
      if (operation === 'upsert') {
        scoped.create = { ...(scoped.create as Args), ...own };
        if (column !== 'id') scoped.update = { ...(scoped.update as Args), ...own };
      }
      if ('data' in scoped && column !== 'id') scoped.data = { ...(scoped.data as Args), ...own };
      return scoped;
    }
    return refuse(`${operation} on ${model} is not available to tenant keys`);
  }

  const allowed = new Set<string>([...READ_OPERATIONS, ...FILTERED_WRITES, ...CREATE_OPERATIONS]);

  function client(base: object, tenantId: string): TenantDb {
    const delegates = new Map<string, object>();
    const byDelegateName = new Map(Object.keys(specs).map((model) => [lowerFirst(model), model]));
    return new Proxy(Object.freeze({}) as TenantDb, {
      get(_target, property) {
        // `then` is looked up whenever a value passes through a promise; a client is not a thenable.
        if (typeof property !== 'string' || property === 'then') return undefined;
        const model = byDelegateName.get(property);
        if (!model) return refuse(`${property} is not available to tenant keys`);
        let delegate = delegates.get(property);
        if (!delegate) {
          const target = (base as Record<string, Record<string, (args?: Args) => unknown>>)[property]!;
          delegate = new Proxy(Object.freeze({}), {
            get(_t, operation) {
              if (typeof operation !== 'string' || operation === 'then') return undefined;
              if (!allowed.has(operation)) {
                return refuse(`${String(operation)} on ${model} is not available to tenant keys`);
              }
              return (args?: Args) => target[operation]!.call(target, scopeArgs(model, operation, args, tenantId));
            },
          });
          delegates.set(property, delegate);
        }
        return delegate;
      },
      has: (_target, property) => typeof property === 'string' && byDelegateName.has(property),
    });
  }

  return { specs, scopeArgs, client };
}
