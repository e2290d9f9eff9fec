import { Form, Link, useLocation, useNavigation, useRevalidator, useSubmit } from '@remix-run/react';
import type { ReactNode } from 'react';
import type { PageLinksFragment } from '../gql/graphql.ts';
import { formatCount, formatDateTime, humanize } from '../lib/format.ts';
import { DEFAULT_PAGE_SIZE, exportCapNotice, isInstant, PAGE_SIZES, pageHref, withParams } from '../lib/list.ts';

/** Labels for lists shown newest first. */
export const NEWEST_FIRST = { previous: '← Newer', next: 'Older →' };

/** Title, total, manual refresh and the CSV export of every row the current filters match. */
export function ListHeader({
  title,
  totalCount,
  exportHref,
  actions,
}: {
  title: string;
  totalCount: number;
  exportHref?: string;
  actions?: ReactNode;
}) {
  const revalidator = useRevalidator();
  const notice = exportCapNotice(totalCount);
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        <span className="muted" data-testid="total-count">
          {formatCount(totalCount)} {totalCount === 1 ? 'row' : 'rows'}
        </span>
      </div>
      <div className="actions">
        {actions}
        <button type="button" onClick={() => revalidator.revalidate()} disabled={revalidator.state !== 'idle'}>
          {revalidator.state === 'idle' ? 'Refresh' : 'Refreshing…'}
        </button>
        {exportHref ? (
          <a className="button" href={exportHref} download data-testid="export-csv">
            Export CSV
          </a>
        ) : null}
      </div>
      {exportHref && notice ? (
        <p className="notice" data-testid="export-cap">
          {notice}
        </p>
      ) : null}
    </header>
  );
}

/** Previous/next by cursor; filters stay in the URL. Newest-first logs call them "Newer" and "Older". */
export function Pagination({
  pageInfo,
  labels = { previous: '← Previous', next: 'Next →' },
}: {
  pageInfo: PageLinksFragment;
  labels?: { previous: string; next: string };
}) {
  const { search } = useLocation();
  if (!pageInfo.hasNextPage && !pageInfo.hasPreviousPage) return null;
  return (
    <nav className="pagination" aria-label="Pagination">
      {pageInfo.hasPreviousPage ? (
        <Link to={pageHref(search, { before: pageInfo.startCursor })} rel="prev" preventScrollReset>
          {labels.previous}
        </Link>
      ) : (
        <span className="disabled">{labels.previous}</span>
      )}
      {pageInfo.hasNextPage ? (
        <Link to={pageHref(search, { after: pageInfo.endCursor })} rel="next" preventScrollReset>
          {labels.next}
        </Link>
      ) : (
        <span className="disabled">{labels.next}</span>
      )}
    </nav>
  );
}

/**
 * A column header that sorts by the `asc`/`desc` values of the list's sort enum: the first click sorts
 * in `first` direction, the next one flips it.
 */
export function SortHeader({
  label,
  asc,
  desc,
  current,
  first = 'asc',
}: {
  label: string;
  asc?: string;
  desc?: string;
  current: string;
  first?: 'asc' | 'desc';
}) {
  const { search } = useLocation();
  const next =
    current === asc ? desc ?? asc : current === desc ? asc ?? desc : first === 'desc' ? desc ?? asc : asc ?? desc;
  const arrow = current === asc ? ' ↑' : current === desc ? ' ↓' : '';
  return (
    <th aria-sort={current === asc ? 'ascending' : current === desc ? 'descending' : undefined}>
      <Link to={withParams(search, { sort: next })} preventScrollReset>
        {label}
        {arrow}
      </Link>
    </th>
  );
}

/** A table body that says so when the filter matches nothing, and dims while new data loads. */
export function DataTable({ head, children, empty, colSpan }: { head: ReactNode; children: ReactNode[]; empty: string; colSpan: number }) {
  const navigation = useNavigation();
  return (
    <div className="table-wrap">
      <table className={navigation.state === 'loading' ? 'stale' : undefined}>
        <thead>{head}</thead>
        <tbody>
          {children.length ? (
            children
          ) : (
            <tr>
              <td colSpan={colSpan} className="empty" data-testid="empty-state">
                {empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status.toLowerCase()}`}>{humanize(status)}</span>;
}

/**
 * The filter form of a list: a GET form whose non-empty fields become the URL's parameters (so the URL
 * stays short and shareable); submitting goes back to the first page. It ends with the page size, Apply,
 * and Clear (to `clearTo`, the list without filters).
 */
/**
 * Inside a FilterForm: a time window the URL gives as exact instants (from an Operations card), said in
 * words, kept when the form is applied, and removable. Nothing when the bounds are dates or absent.
 */
export function WindowFilter({ label, from, to }: { label: string; from: string; to: string }) {
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const [start, end] = [params.get(from), params.get(to)];
  if (!isInstant(start) && !isInstant(end)) return null;
  return (
    <p className="muted small" data-testid="window-filter">
      {label} {isInstant(start) ? `from ${formatDateTime(start, { seconds: true })}` : ''} {isInstant(end) ? `to ${formatDateTime(end, { seconds: true })}` : ''}{' '}
      <Link to={withParams(search, { [from]: null, [to]: null })}>any time</Link>
      {isInstant(start) ? <input type="hidden" name={from} value={start} /> : null}
      {isInstant(end) ? <input type="hidden" name={to} value={end} /> : null}
    </p>
  );
}

export function FilterForm({ children, clearTo = '?' }: { children: ReactNode; clearTo?: string }) {
  const submit = useSubmit();
  const { search } = useLocation();
  const size = new URLSearchParams(search).get('size') ?? String(DEFAULT_PAGE_SIZE);
  return (
    <Form
      method="get"
      className="filters"
      key={search}
      onSubmit={(event) => {
        event.preventDefault();
        const params = new URLSearchParams();
        for (const [name, value] of new FormData(event.currentTarget)) {
          if (typeof value === 'string' && value.trim() !== '') params.append(name, value.trim());
        }
        submit(params, { method: 'get' });
      }}
    >
      {children}
      <label>
        Per page
        <select name="size" defaultValue={size}>
          {PAGE_SIZES.map((n) => (
            <option key={n}>{n}</option>
          ))}
        </select>
      </label>
      <button type="submit">Apply</button>
      <Link to={clearTo} className="muted">
        Clear
      </Link>
    </Form>
  );
}
