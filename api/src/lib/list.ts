// One definition per list: its filter fields, where-builder, sorts and CSV columns. From it come the
// GraphQL connection field (graphql/list.ts), the CSV export with the same parsing (http/exports.ts) and,
// through the SDL and codegen, the console's typed filter state. Enums come from Prisma's, once.
import { z } from 'zod';
import type { Prisma } from '../db/client.ts';
import * as prismaEnums from '../generated/prisma/enums.ts';
import type { PlatformScope } from '../scope.ts';
import { InputError } from './errors.ts';
import { id, text } from './strings.ts';

export type PrismaEnumName = keyof typeof prismaEnums;
export type PrismaEnumValue<N extends PrismaEnumName> = (typeof prismaEnums)[N][keyof (typeof prismaEnums)[N]];

/** The values of a Prisma enum, in declaration order. */
export function enumValues<N extends PrismaEnumName>(name: N): PrismaEnumValue<N>[] {
  return Object.values(prismaEnums[name]) as PrismaEnumValue<N>[];
}

type Shape =
  | { kind: 'enum'; enumName: PrismaEnumName; list: boolean }
  | { kind: 'id' }
  | { kind: 'string' }
  | { kind: 'date' }
  | { kind: 'boolean' };

/** One filter field: its GraphQL shape, its validation, and how CSV query parameters spell it. */
export interface FilterField<T = unknown> {
  shape: Shape;
  schema: z.ZodType<T>;
  description?: string;
  /** Every occurrence of the parameter in the query string (already split on commas for lists). */
  fromParams(values: string[], name: string): unknown;
}

function single(values: string[], name: string): string {
  if (values.length > 1) throw InputError.field(name, 'give one value (this filter does not take several)');
  return values[0]!;
}

/** Filter field constructors. */
export const filters = {
  /** Any of several values of a Prisma enum: `[TenantStatus!]`, `?status=A,B` or `?status=A&status=B`. */
  enumList<N extends PrismaEnumName>(enumName: N, description?: string): FilterField<PrismaEnumValue<N>[]> {
    const values = enumValues(enumName) as unknown as [string, ...string[]];
    return {
      shape: { kind: 'enum', enumName, list: true },
      schema: z.array(z.enum(values, `one of ${values.join(', ')}`)) as unknown as z.ZodType<PrismaEnumValue<N>[]>,
      description,
      fromParams: (params) => params.flatMap((v) => v.split(',')).filter(Boolean),
    };
  },
  /** One value of a Prisma enum. */
  enum<N extends PrismaEnumName>(enumName: N, description?: string): FilterField<PrismaEnumValue<N>> {
    const values = enumValues(enumName) as unknown as [string, ...string[]];
    return {
      shape: { kind: 'enum', enumName, list: false },
      schema: z.enum(values, `one of ${values.join(', ')}`) as unknown as z.ZodType<PrismaEnumValue<N>>,
      description,
      fromParams: single,
    };
  },
  /** A record's id. */
  id(description?: string): FilterField<string> {
    return { shape: { kind: 'id' }, schema: id, description, fromParams: single };
  },
  /** Free text: a search, an exact name, a prefix. */
  text(options: { max?: number; description?: string } = {}): FilterField<string> {
    return { shape: { kind: 'string' }, schema: text({ min: 1, max: options.max ?? 200 }), description: options.description, fromParams: single };
  },
  /** A point in time (ISO 8601 in query strings). */
  date(description?: string): FilterField<Date> {
    return {
      shape: { kind: 'date' },
      schema: z.date('not a valid date and time'),
      description,
      fromParams: (values, name) => {
        const date = new Date(single(values, name));
        if (Number.isNaN(date.getTime())) throw InputError.field(name, 'not a valid date and time (ISO 8601)');
        return date;
      },
    };
  },
  boolean(description?: string): FilterField<boolean> {
    return {
      shape: { kind: 'boolean' },
      schema: z.boolean(),
      description,
      fromParams: (values, name) => {
        const value = single(values, name);
        if (value !== 'true' && value !== 'false') throw InputError.field(name, 'true or false');
        return value === 'true';
      },
    };
  },
};

type ModelOps<M extends Prisma.ModelName> = Prisma.TypeMap['model'][M]['operations'];
export type WhereOf<M extends Prisma.ModelName> = NonNullable<ModelOps<M>['findMany']['args']['where']>;
export type OrderByOf<M extends Prisma.ModelName> = Extract<NonNullable<ModelOps<M>['findMany']['args']['orderBy']>, readonly unknown[]>[number];
export type FilterFields = Record<string, FilterField<any>>;
export type FilterOf<F extends FilterFields> = { [K in keyof F]?: F[K] extends FilterField<infer T> ? T : never };

/** A check across filter fields (from ≤ to); returns the problem and the field to name, or null. */
export type FilterCheck<F extends FilterFields> = (filter: FilterOf<F>) => { field: keyof F & string; message: string } | null;

export interface ListSpec<M extends Prisma.ModelName, F extends FilterFields, S extends string> {
  /** The GraphQL field and the CSV export (`/exports/<csvName>.csv`). */
  name: string;
  model: M;
  description: string;
  /** GraphQL names of the filter input and the sort enum. */
  filterType: string;
  sortType: string;
  filter: F;
  checks?: FilterCheck<F>[];
  where(filter: FilterOf<F>): WhereOf<M>;
  /**
   * Conditions the where-builder cannot say in Prisma terms (a full-text search over a tsvector column),
   * worked out with the scope's client before the query runs (an id set, say) and ANDed to `where`.
   */
  prepare?(filter: FilterOf<F>, scope: PlatformScope): Promise<WhereOf<M> | undefined>;
  /** Each sort ends on the id, so every order is total and cursors are stable. */
  sorts: Record<S, readonly OrderByOf<M>[]>;
  defaultSort: NoInfer<S>;
  csv: {
    /** Path of the export: /exports/<name>.csv */
    name: string;
    columns: readonly string[];
    /** Extra Prisma arguments for the export's reads (include a relation, omit a secret). */
    query?: Record<string, unknown>;
    /** The CSV row of one record; default: the record itself. */
    row?: (record: any) => Record<string, unknown>;
  };
}

export interface ListDefinition<M extends Prisma.ModelName = Prisma.ModelName, F extends FilterFields = FilterFields, S extends string = string>
  extends ListSpec<M, F, S> {
  /** Validates a filter (GraphQL input or CSV parameters) and names each offending field under `prefix`. */
  parseFilter(input: unknown, prefix?: string[]): FilterOf<F>;
  /** The Prisma `where` for raw filter input, validated first (lists with a `prepare` step use `queryWhere`). */
  whereFor(input: unknown, prefix?: string[]): WhereOf<M>;
  /** The `where` of a parsed filter, with the list's prepared conditions. */
  preparedWhere(scope: PlatformScope, filter: FilterOf<F>): Promise<WhereOf<M>>;
  /** The Prisma `where` for raw filter input: validated, with the list's prepared conditions. */
  queryWhere(scope: PlatformScope, input: unknown, prefix?: string[]): Promise<WhereOf<M>>;
  /** The filter schema (zod), for GraphQL argument validation. */
  filterSchema: z.ZodType<FilterOf<F>>;
  /** Filter and sort from a CSV export's query string; unknown parameters are refused. */
  fromSearchParams(params: URLSearchParams): { filter: FilterOf<F>; sort: S };
}

export function defineList<M extends Prisma.ModelName, F extends FilterFields, S extends string>(spec: ListSpec<M, F, S>): ListDefinition<M, F, S> {
  const shape = Object.fromEntries(Object.entries(spec.filter).map(([key, field]) => [key, field.schema.optional()]));
  const filterSchema = z.object(shape).superRefine((value, ctx) => {
    for (const check of spec.checks ?? []) {
      const problem = check(value as FilterOf<F>);
      if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: [problem.field] });
    }
  }) as unknown as z.ZodType<FilterOf<F>>;

  function parseFilter(input: unknown, prefix: string[] = ['filter']): FilterOf<F> {
    // GraphQL gives explicit nulls for omitted optional fields, and a cleared search box sends "": both
    // mean "no filter".
    const cleaned = Object.fromEntries(
      Object.entries((input ?? {}) as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined && !(typeof v === 'string' && v.trim() === '')),
    );
    const result = filterSchema.safeParse(cleaned);
    if (!result.success) throw InputError.fromZod(result.error, prefix);
    return result.data;
  }

  async function preparedWhere(scope: PlatformScope, filter: FilterOf<F>): Promise<WhereOf<M>> {
    const where = spec.where(filter);
    const extra = spec.prepare ? await spec.prepare(filter, scope) : undefined;
    return extra ? ({ AND: [where, extra] } as WhereOf<M>) : where;
  }

  return {
    ...spec,
    filterSchema,
    parseFilter,
    whereFor(input, prefix) {
      if (spec.prepare) throw new Error(`list ${spec.name} prepares conditions: use queryWhere`);
      return spec.where(parseFilter(input, prefix));
    },
    preparedWhere,
    queryWhere: (scope, input, prefix) => preparedWhere(scope, parseFilter(input, prefix)),
    fromSearchParams(params) {
      const raw: Record<string, unknown> = {};
      let sort: S = spec.defaultSort;
      for (const name of new Set(params.keys())) {
        const values = params.getAll(name).filter((v) => v !== '');
        if (values.length === 0) continue;
        if (name === 'sort') {
          const value = single(values, 'sort');
          if (!(value in spec.sorts)) throw InputError.field('sort', `one of ${Object.keys(spec.sorts).join(', ')}`);
          sort = value as S;
          continue;
        }
        const field = spec.filter[name];
        if (!field) throw InputError.field(name, `unknown parameter; filters are ${[...Object.keys(spec.filter), 'sort'].join(', ')}`);
        raw[name] = field.fromParams(values, name);
      }
      return { filter: parseFilter(raw, []), sort };
    },
  };
}

/** A check that a `from` bound is not after its `to` bound. */
export function ordered<F extends FilterFields>(from: keyof F & string, to: keyof F & string): FilterCheck<F> {
  return (filter) => {
    const a = filter[from] as Date | undefined;
    const b = filter[to] as Date | undefined;
    return a && b && a > b ? { field: from, message: `must not be after \`${to}\`` } : null;
  };
}

/** A case-insensitive substring search over several text columns (undefined when there is no search). */
export function searchAny<C extends string>(columns: readonly C[], search: string | undefined) {
  return search ? columns.map((column) => ({ [column]: { contains: search, mode: 'insensitive' as const } }) as Partial<Record<C, { contains: string; mode: 'insensitive' }>>) : undefined;
}
