import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useLocation, useSearchParams } from '@remix-run/react';
import { DataTable, FilterForm, ListHeader, Pagination, SortHeader, StatusBadge } from '../components/list.tsx';
import { graphql } from '../gql/index.ts';
import { AdminFilterFields, adminsList } from '../gql/lists.ts';
import { gql } from '../graphql.server.ts';
import { requirePermission } from '../lib/admin-access.server.ts';
import { formatDate, formatDateTime, formatRelative, humanize } from '../lib/format.ts';
import { exportHref, pageVariables, readFilter, readSort } from '../lib/list.ts';
import { ADMIN_ROLES, isLocked } from './_app.admins.$id/admin-roles.ts';

export const meta: MetaFunction = () => [{ title: 'Admins · Opsgraph' }];

const AdminsQuery = graphql(`
  query AdminsList($first: Int, $after: String, $last: Int, $before: String, $filter: AdminFilter, $sort: AdminSort) {
    admins(first: $first, after: $after, last: $last, before: $before, filter: $filter, sort: $sort) {
      totalCount
      pageInfo {
        ...PageLinks
      }
      edges {
        node {
          id
          name
          email
          role
          active
          lockedUntil
          lastLoginAt
          createdAt
        }
      }
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const me = await requirePermission(args, 'ADMINS_MANAGE', 'Only owners can manage admins.');
  const params = new URL(args.request.url).searchParams;
  const sort = readSort(params, adminsList);
  const filter = readFilter(params, AdminFilterFields);
  const data = await gql(args, AdminsQuery, { ...pageVariables(params), sort, filter });
  return { ...data, sort, meId: me.id, exportHref: exportHref('admins', filter, sort) };
}

export default function Admins() {
  const { admins, sort, meId, exportHref } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { search } = useLocation();

  return (
    <>
      <ListHeader
        title="Admins"
        totalCount={admins.totalCount}
        exportHref={exportHref}
        actions={
          <Link className="button primary" to="/admins/new">
            New admin
          </Link>
        }
      />
      <FilterForm>
        <input type="hidden" name="sort" value={sort} />
        <label>
          Search
          <input type="search" name="search" defaultValue={params.get('search') ?? ''} placeholder="Name or email" />
        </label>
        <label>
          Role
          <select name="role" defaultValue={params.get('role') ?? ''}>
            <option value="">Any</option>
            {ADMIN_ROLES.map((role) => (
              <option key={role} value={role}>
                {humanize(role)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="active" defaultValue={params.get('active') ?? ''}>
            <option value="">Any</option>
            <option value="true">Active</option>
            <option value="false">Deactivated</option>
          </select>
        </label>
      </FilterForm>
      <DataTable
        colSpan={6}
        empty="No admins match these filters."
        head={
          <tr>
            <SortHeader label="Admin" asc="EMAIL_ASC" current={sort} />
            <th>Role</th>
            <th>Status</th>
            <th>Locked until</th>
            <SortHeader label="Last login" desc="LAST_LOGIN_AT_DESC" current={sort} />
            <SortHeader label="Created" desc="CREATED_AT_DESC" current={sort} />
          </tr>
        }
      >
        {admins.edges.map(({ node }) => (
          <tr key={node.id} data-testid="admin-row">
            <td>
              <Link to={`/admins/${node.id}`}>{node.name}</Link>
              {node.id === meId ? <span className="muted small"> (you)</span> : null}
              <div className="muted small">{node.email}</div>
            </td>
            <td>
              <span className="badge">{humanize(node.role)}</span>
            </td>
            <td>
              <StatusBadge status={node.active ? 'ACTIVE' : 'DEACTIVATED'} />
            </td>
            <td suppressHydrationWarning>{isLocked(node.lockedUntil) ? formatDateTime(node.lockedUntil) : '—'}</td>
            <td suppressHydrationWarning title={formatDateTime(node.lastLoginAt)}>
              {node.lastLoginAt ? formatRelative(node.lastLoginAt) : 'Never'}
            </td>
            <td>{formatDate(node.createdAt)}</td>
          </tr>
        ))}
      </DataTable>
      <Pagination pageInfo={admins.pageInfo} />
    </>
  );
}

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
