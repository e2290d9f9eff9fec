import { InputError } from './errors.ts';

/** Opaque keyset cursor over (timestamp, id). */
export interface KeysetCursor {
  at: Date;
  id: string;
}

export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(`${cursor.at.toISOString()}|${cursor.id}`).toString('base64url');
}

export function decodeCursor(text: string): KeysetCursor {
  const [at, id] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  const date = at ? new Date(at) : null;
  if (!date || Number.isNaN(date.getTime()) || !id) throw InputError.field('after', 'not a valid cursor');
  return { at: date, id };
}

/** A page of a newest-first list, keyset-paginated on (timestamp, id). */
export interface KeysetPage<T> {
  nodes: T[];
  /** One opaque cursor per node. */
  cursors: string[];
  startCursor: string | null;
  endCursor: string | null;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

/** Relay paging: `first` rows after `after` (forward), or `last` rows before `before` (backward). */
export interface KeysetArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

function cursorWhere(field: string, cursorText: string, argName: 'after' | 'before', op: 'lt' | 'gt') {
  let cursor: KeysetCursor;
  try {
    cursor = decodeCursor(cursorText);
  } catch {
    throw InputError.field(argName, 'not a valid cursor');
  }
  return { OR: [{ [field]: { [op]: cursor.at } }, { [field]: cursor.at, id: { [op]: cursor.id } }] };
}

/** The filter for rows after `after` in (field desc, id desc) order, or undefined on the first page. */
export function olderThan(field: string, after: string | null | undefined): Record<string, unknown> | undefined {
  return after ? cursorWhere(field, after, 'after', 'lt') : undefined;
}

/**
 * The Prisma `where` (cursor part), `orderBy` and `take` for one page of a newest-first list on
 * (field, id). Backward pages are read oldest-first from the cursor and turned around by `keysetPage`.
 */
export function keysetQuery<F extends string>(field: F, args: KeysetArgs, size: number) {
  const backward = args.last != null || args.before != null;
  if (backward && (args.first != null || args.after != null)) {
    throw InputError.field('last', 'page forward (first/after) or backward (last/before), not both');
  }
  const where = backward
    ? args.before
      ? cursorWhere(field, args.before, 'before', 'gt')
      : undefined
    : olderThan(field, args.after);
  const dir: 'asc' | 'desc' = backward ? 'asc' : 'desc';
  const orderBy = [{ [field]: dir } as Record<F, 'asc' | 'desc'>, { id: dir }];
  return { backward, where, orderBy, take: size + 1 };
}

/** Cuts `size + 1` fetched rows into a page; the extra row only says whether there is more that way. */
export function keysetPage<T extends { id: string }>(
  rows: T[],
  size: number,
  at: (row: T) => Date,
  args: KeysetArgs = {},
): KeysetPage<T> {
  const backward = args.last != null || args.before != null;
  const more = rows.length > size;
  const nodes = backward ? rows.slice(0, size).reverse() : rows.slice(0, size);
  const cursors = nodes.map((node) => encodeCursor({ at: at(node), id: node.id }));
  return {
    nodes,
    cursors,
    startCursor: cursors[0] ?? null,
    endCursor: cursors.at(-1) ?? null,
    hasNextPage: backward ? Boolean(args.before) : more,
    hasPreviousPage: backward ? more : Boolean(args.after),
  };
}
