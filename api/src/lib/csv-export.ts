import type { PlatformScope } from '../scope.ts';
import { InputError } from './errors.ts';

/** Reads one query-string parameter; empty means absent. */
export type ParamReader = (name: string) => string | undefined;

/**
 * A list that can be exported as CSV: its columns, how the query string becomes its filter (the same
 * filter as the GraphQL list, so an export matches the screen), and its rows in pages.
 */
export interface CsvExport<Filter, Row> {
  columns: readonly (keyof Row & string)[];
  /** Throws InputError for bad parameters, which becomes a 400 naming the parameter. */
  parseFilter(param: ParamReader): Filter;
  count(scope: PlatformScope, filter: Filter): Promise<number>;
  /** One page of rows after `after` (an opaque cursor), with the cursor of the next page. */
  page(scope: PlatformScope, filter: Filter, size: number, after: string | null): Promise<{ rows: Row[]; next: string | null }>;
}

/** Every row of an export up to `limit`, fetched page by page so memory stays flat. */
export async function* exportRows<F, R>(scope: PlatformScope, spec: CsvExport<F, R>, filter: F, limit: number): AsyncGenerator<R> {
  let after: string | null = null;
  let sent = 0;
  while (sent < limit) {
    const { rows, next }: { rows: R[]; next: string | null } = await spec.page(scope, filter, Math.min(500, limit - sent), after);
    for (const row of rows) yield row;
    sent += rows.length;
    if (!next) return;
    after = next;
  }
}

/** A CSV cell: ISO times, JSON for objects and arrays, empty for null. */
export function csvCell(value: unknown): string | number | boolean {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return value as string | number | boolean;
}

/** A sort parameter that must name one of a list's sorts. */
export function sortParam<S extends string>(param: ParamReader, sorts: Record<S, unknown>, fallback: S): S {
  const sort = param('sort') ?? fallback;
  if (!(sort in sorts)) throw InputError.field('sort', `one of ${Object.keys(sorts).join(', ')}`);
  return sort as S;
}

export function dateParam(param: ParamReader, name: string): Date | undefined {
  const value = param(name);
  return value ? new Date(value) : undefined;
}

/**
 * Pages through a Prisma model in any order that ends on the unique id, with Prisma's cursor: `fetch`
 * gets the Prisma args to spread (take one extra row to know whether there is a next page).
 */
export async function idCursorPage<R extends { id: string }>(
  size: number,
  after: string | null,
  fetch: (args: { take: number; cursor?: { id: string }; skip?: number }) => Promise<R[]>,
): Promise<{ rows: R[]; next: string | null }> {
  const rows = await fetch({ take: size + 1, ...(after ? { cursor: { id: after }, skip: 1 } : {}) });
  const page = rows.slice(0, size);
  return { rows: page, next: rows.length > size ? page.at(-1)!.id : null };
}
