import { decodeBase64, decodeCursorChunk } from '@pothos/core';
import { z } from 'zod';
import type { Prisma, PrismaClient } from '../db/client.ts';
import type { FilterField, FilterFields, ListDefinition } from '../lib/list.ts';
import { id } from '../lib/strings.ts';
import type { Permission } from '../permissions.ts';
import { builder } from './builder.ts';
import type { Context } from './context.ts';
import { prismaEnum } from './enums.ts';
import { adminScope } from './helpers.ts';

export const MAX_PAGE_SIZE = 200;

// 0 is allowed: a page of nothing, for `totalCount` alone.
const pageSize = z.number().int('a whole number').min(0, 'must not be negative').max(MAX_PAGE_SIZE, `at most ${MAX_PAGE_SIZE}`);

/** Whether a connection cursor is one this API issued for an id (the Prisma plugin's `GPC:` + id). */
function isIdCursor(cursor: string): boolean {
  try {
    const decoded = decodeBase64(cursor);
    return decoded.startsWith('GPC:') && id.safeParse(decodeCursorChunk(decoded.slice(4))).success;
  } catch {
    return false;
  }
}
const cursor = z.string().refine(isIdCursor, 'not a valid cursor');

/** Connection arguments: bad page sizes and cursors are input errors naming the argument. */
const connectionArgs = z
  .object({
    first: pageSize.nullish(),
    last: pageSize.nullish(),
    after: cursor.nullish(),
    before: cursor.nullish(),
  })
  .loose()
  .superRefine((args, ctx) => {
    const forward = args.first != null || args.after != null;
    const backward = args.last != null || args.before != null;
    if (forward && backward) {
      ctx.addIssue({ code: 'custom', path: [args.last != null ? 'last' : 'before'], message: 'page forward (first/after) or backward (last/before), not both' });
    }
  });

type InputFieldBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

function inputField(t: InputFieldBuilder, field: FilterField) {
  const common = { required: false, description: field.description } as const;
  const { shape } = field;
  switch (shape.kind) {
    case 'enum': {
      const ref = prismaEnum(shape.enumName);
      return shape.list ? t.field({ ...common, type: [ref] }) : t.field({ ...common, type: ref });
    }
    case 'id':
      return t.id(common);
    case 'string':
      return t.string(common);
    case 'date':
      return t.field({ ...common, type: 'DateTime' });
    case 'boolean':
      return t.boolean(common);
  }
}

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);
type Delegate = { findMany(args: object): Promise<unknown[]>; count(args: object): Promise<number> };
const delegateOf = (db: PrismaClient, model: Prisma.ModelName) => (db as unknown as Record<string, Delegate>)[lowerFirst(model)]!;

/**
 * The list's connection field in the admin graph: `<name>(first, after, last, before, filter, sort)`
 * with `totalCount`, nested selections planned into the same SQL statement by the Prisma plugin.
 */
const filterRefs = new Map<string, ReturnType<typeof builder.inputRef<Record<string, unknown>>>>();

/**
 * A list's filter input type, for a module's own fields that act on a list's rows (a bulk action by the
 * current filter): usable before `registerList` implements it. Parse the value with `list.whereFor`.
 */
export function listFilterRef(list: Pick<ListDefinition, 'filterType'>) {
  let ref = filterRefs.get(list.filterType);
  if (!ref) filterRefs.set(list.filterType, (ref = builder.inputRef<Record<string, unknown>>(list.filterType)));
  return ref;
}

export function registerList<F extends FilterFields>(list: ListDefinition<Prisma.ModelName, F, string>, options: { permission?: Permission } = {}) {
  const FilterInput = listFilterRef(list).implement({
    fields: (t) => Object.fromEntries(Object.entries(list.filter).map(([key, field]) => [key, inputField(t, field)])) as never,
  });
  const SortEnum = builder.enumType(list.sortType, { values: Object.keys(list.sorts) as [string, ...string[]] });
  const args = async (ctx: Context, raw: { filter?: unknown; sort?: string | null }) => ({
    where: await list.queryWhere(adminScope(ctx), raw.filter),
    orderBy: list.sorts[raw.sort ?? list.defaultSort] as object[],
  });
  builder.queryField(list.name, (t) =>
    t.prismaConnection({
      type: list.model as never,
      cursor: 'id' as never,
      description: list.description,
      authScopes: { permission: options.permission ?? 'READ' },
      args: {
        filter: t.arg({ type: FilterInput, required: false }),
        sort: t.arg({ type: SortEnum, required: false, defaultValue: list.defaultSort }),
      },
      validate: connectionArgs,
      resolve: async (query: object, _root: unknown, raw: { filter?: unknown; sort?: string | null }, ctx: Context) =>
        delegateOf(adminScope(ctx).db, list.model).findMany({ ...query, ...(await args(ctx, raw)) }) as never,
      totalCount: async (_root: unknown, raw: { filter?: unknown }, ctx: Context) =>
        delegateOf(adminScope(ctx).db, list.model).count({ where: await list.queryWhere(adminScope(ctx), raw.filter) }),
    } as never),
  );
}
