// Lists keep filters, sort and page in the URL, so a view can be shared, reloaded and reached with Back.

export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 25;
/** The API streams at most this many rows per CSV export. */
export const EXPORT_ROW_LIMIT = 100_000;

const PAGING_PARAMS = ['after', 'before', 'size'];

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

/** A parameter that must be one of `allowed`; anything else falls back (a stale link still opens). */
export function enumParam<T extends string>(params: URLSearchParams, name: string, allowed: readonly T[]): T | undefined {
  const value = params.get(name);
  return allowed.includes(value as T) ? (value as T) : undefined;
}

/** A comma-separated multi-value parameter, keeping only allowed values. */
export function enumListParam<T extends string>(params: URLSearchParams, name: string, allowed: readonly T[]): T[] | undefined {
  const values = (params.get(name) ?? '').split(',').filter((v): v is T => allowed.includes(v as T));
  return values.length ? values : undefined;
}

const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;
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

/** The end of the day a date parameter names, for "to" filters (the export gets the same bound). */
export const endOfDay = (value: string) => isoDate(value, { endOfDay: true });

export function dateParam(params: URLSearchParams, name: string, opts: { endOfDay?: boolean } = {}): string | undefined {
  const value = param(params, name);
  return (value && isoDate(value, opts)) || undefined;
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

/** The CSV export of everything the list's filters match (all pages, not just this one). */
export function exportHref(name: string, search: string, translate: Record<string, (v: string) => string | null> = {}): string {
  const params = new URLSearchParams(search);
  for (const p of PAGING_PARAMS) params.delete(p);
  for (const [key, fn] of Object.entries(translate)) {
    const value = params.get(key);
    if (value === null) continue;
    const next = fn(value);
    if (next === null) params.delete(key);
    else params.set(key, next);
  }
  const query = params.toString();
  return `/exports/${name}.csv${query ? `?${query}` : ''}`;
}

/** The notice shown beside the export button when the filter matches more rows than one export holds. */
export function exportCapNotice(totalCount: number, limit = EXPORT_ROW_LIMIT): string | null {
  if (totalCount <= limit) return null;
  return `The export holds the first ${limit.toLocaleString('en-US')} of ${totalCount.toLocaleString('en-US')} rows. Narrow the filters to export the rest.`;
}
