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
  endCursor: string | null;
  hasNextPage: boolean;
}

/** The filter for rows after `after` in (field desc, id desc) order, or undefined on the first page. */
export function olderThan(field: string, after: string | null | undefined): Record<string, unknown> | undefined {
  if (!after) return undefined;
  const cursor = decodeCursor(after);
  return { OR: [{ [field]: { lt: cursor.at } }, { [field]: cursor.at, id: { lt: cursor.id } }] };
}

/** Cuts `first + 1` fetched rows into a page; the extra row only says whether there is a next page. */
export function keysetPage<T extends { id: string }>(rows: T[], first: number, at: (row: T) => Date): KeysetPage<T> {
  const nodes = rows.slice(0, first);
  const cursors = nodes.map((node) => encodeCursor({ at: at(node), id: node.id }));
  return { nodes, cursors, endCursor: cursors.at(-1) ?? null, hasNextPage: rows.length > first };
}
