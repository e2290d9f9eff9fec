// Lists keep filters, sort and page in the URL, so a view can be shared, reloaded and reached with Back.
// Which parameters a list has, and of which kind, comes from the API's one definition of the list, through
// the SDL and codegen (app/gql/lists.ts): the console does not spell any filter out again.
import { isUuid } from './ids.ts';

export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 25;
/** The API streams at most this many rows per CSV export. */
export const EXPORT_ROW_LIMIT = 100_000;

export type PageVariables = { first?: number; after?: string; last?: number; before?: string };

/** Relay paging arguments from `?after=` / `?before=` / `?size=`. */
export function pageVariables(params: URLSearchParams): PageVariables {
  const requested = Number(params.get('size'));
  const size = (PAGE_SIZES as readonly number[]).includes(requested) ? requested : DEFAULT_PAGE_SIZE;
  const before = params.get('before');
  if (before) return { last: size, before };
  const after = params.get('after');
  return after ? { first: size, after } : { first: size };
}

/** A non-empty string parameter, or undefined. */
export function param(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name)?.trim();
  return value ? value : undefined;
}

const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A bound given as an exact instant (the Operations links give them), which a date field cannot show. */
export function isInstant(value: string | null | undefined): value is string {
  const text = value?.trim() ?? '';
  return text !== '' && !BARE_DATE.test(text) && !LOCAL_DATE_TIME.test(text) && isoDate(text) !== null;
}
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;

/**
 * A date (`2026-03-01`) or a `datetime-local` value (`2026-03-01T14:30`) read as UTC, as an ISO string,
 * whatever the server's time zone. A bare date is midnight, or with `endOfDay` the last millisecond of
 * that day (of that minute for a date-time) so that "to" includes it. A value with a zone is kept as it
 * says. Anything unreadable is null.
 */
export function isoDate(value: string, { endOfDay = false } = {}): string | null {
  const text = value.trim();
  let iso = text;
  if (BARE_DATE.test(text)) iso = `${text}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z`;
  else if (LOCAL_DATE_TIME.test(text)) iso = `${text}${endOfDay && text.length === 16 ? ':59.999' : ''}Z`;
  if (!/^\d{4}-\d{2}-\d{2}/.test(iso)) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The same URL on another page: filters kept, cursor replaced. */
export function pageHref(search: string, cursor: { after?: string | null; before?: string | null }): string {
  const params = new URLSearchParams(search);
  params.delete('after');
  params.delete('before');
  if (cursor.after) params.set('after', cursor.after);
  if (cursor.before) params.set('before', cursor.before);
  return `?${params}`;
}

/** The same URL with some parameters changed; a filter change goes back to the first page. */
export function withParams(search: string, changes: Record<string, string | null | undefined>): string {
  const params = new URLSearchParams(search);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === '') params.delete(name);
    else params.set(name, value);
  }
  params.delete('after');
  params.delete('before');
  const query = params.toString();
  return query ? `?${query}` : '?';
}

/** The notice shown beside the export button when the filter matches more rows than one export holds. */
export function exportCapNotice(totalCount: number, limit = EXPORT_ROW_LIMIT): string | null {
  if (totalCount <= limit) return null;
  return `The export holds the first ${limit.toLocaleString('en-US')} of ${totalCount.toLocaleString('en-US')} rows. Narrow the filters to export the rest.`;
}

/** One filter field as app/gql/lists.ts describes it. */
export type FieldSpec =
  | { readonly kind: 'enum'; readonly list: boolean; readonly values: readonly string[] }
  | { readonly kind: 'id' | 'string' | 'date' | 'boolean' };
export type FilterSpec = Readonly<Record<string, FieldSpec>>;

type ValueOf<F extends FieldSpec> = F extends { kind: 'enum'; list: true; values: readonly (infer V)[] }
  ? V[]
  : F extends { kind: 'enum'; values: readonly (infer V)[] }
    ? V
    : F extends { kind: 'boolean' }
      ? boolean
      : string;

/** The filter a list's URL gives: each field its GraphQL type (dates as ISO instants), or left out. */
export type FilterOf<S extends FilterSpec> = { -readonly [K in keyof S]?: ValueOf<S[K]> };

/** An upper time bound (`createdTo`, `to`) covers the whole day or minute a bare date or time names. */
const isUpperBound = (name: string) => /(^to|To)$/.test(name);

function fieldValue(name: string, field: FieldSpec, values: string[]): unknown {
  switch (field.kind) {
    case 'enum': {
      // Values the list does not know are dropped: a stale link still opens.
      const allowed = values.flatMap((v) => v.split(',')).filter((v) => field.values.includes(v));
      return field.list ? (allowed.length ? allowed : undefined) : allowed[0];
    }
    // An id that is not a UUID names nothing; sent, it would fail the whole query.
    case 'id':
      return isUuid(values[0]!) ? values[0] : undefined;
    case 'string':
      return values[0];
    case 'date':
      return isoDate(values[0]!, { endOfDay: isUpperBound(name) }) ?? undefined;
    case 'boolean':
      return values[0] === 'true' ? true : values[0] === 'false' ? false : undefined;
  }
}

/** A list's filter from the page's URL parameters, typed by the list's own description. */
export function readFilter<S extends FilterSpec>(params: URLSearchParams, spec: S): FilterOf<S> {
  const filter: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec)) {
    const values = params.getAll(name).map((v) => v.trim()).filter(Boolean);
    if (values.length === 0) continue;
    const value = fieldValue(name, field, values);
    if (value !== undefined) filter[name] = value;
  }
  return filter as FilterOf<S>;
}

/** The list's sort from `?sort=`, or its default for anything else. */
export function readSort<V extends string>(params: URLSearchParams, list: { sorts: readonly V[]; defaultSort: NoInfer<V> }): V {
  const value = params.get('sort');
  return list.sorts.includes(value as V) ? (value as V) : list.defaultSort;
}

/**
 * The CSV export of everything the filter matches (all pages): the API reads the same parameters as the
 * list's GraphQL field, so the export and the page agree on every row.
 */
export function exportHref(name: string, filter: Record<string, unknown>, sort?: string): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  if (sort) params.set('sort', sort);
  const query = params.toString();
  return `/exports/${name}.csv${query ? `?${query}` : ''}`;
}
