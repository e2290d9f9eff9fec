import type { PrismaClient } from '../db/client.ts';
import type { ListDefinition } from './list.ts';
import type { PlatformScope } from '../scope.ts';

/** A CSV cell: ISO times, JSON for objects and arrays, empty for null, and never a formula. */
export function csvCell(value: unknown): string | number | boolean {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return neutralise(JSON.stringify(value));
  if (typeof value === 'string') return neutralise(value);
  return value as number | boolean;
}

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return before one) as a
 * formula: `=HYPERLINK(...)` in a tenant's name would become a link on the admin's machine. OWASP's
 * advice: prefix such a cell with a single quote, so it is shown as the text it is.
 */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);
type Delegate = { findMany(args: object): Promise<Record<string, unknown>[]>; count(args: object): Promise<number> };

/** A list's rows for its CSV export: the same filter and sort as its GraphQL field. */
export interface ListExport {
  list: ListDefinition;
  count(scope: PlatformScope, filter: unknown): Promise<number>;
  /** Every row up to `limit`, fetched page by page (Prisma cursor on the id) so memory stays flat. */
  rows(scope: PlatformScope, query: { filter: unknown; sort: string }, limit: number): AsyncGenerator<Record<string, unknown>>;
}

export function listExport(list: ListDefinition): ListExport {
  const delegate = (scope: PlatformScope) => (scope.db as unknown as PrismaClient & Record<string, Delegate>)[lowerFirst(list.model)] as Delegate;
  return {
    list,
    count: async (scope, filter) => delegate(scope).count({ where: await list.preparedWhere(scope, filter as never) }),
    async *rows(scope, { filter, sort }, limit) {
      const where = await list.preparedWhere(scope, filter as never);
      let after: string | null = null;
      let sent = 0;
      while (sent < limit) {
        const size = Math.min(500, limit - sent);
        const records: Record<string, unknown>[] = await delegate(scope).findMany({
          ...list.csv.query,
          where,
          orderBy: list.sorts[sort],
          take: size + 1,
          ...(after ? { cursor: { id: after }, skip: 1 } : {}),
        });
        const page = records.slice(0, size);
        for (const record of page) yield list.csv.row ? list.csv.row(record) : record;
        sent += page.length;
        if (records.length <= size) return;
        after = page.at(-1)!.id as string;
      }
    },
  };
}
