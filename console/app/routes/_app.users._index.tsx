import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { DataTable, FilterForm, ListHeader, Pagination, SortHeader, StatusBadge } from '../components/list.tsx';
import { graphql } from '../gql/index.ts';
import { UserFilterFields, usersList } from '../gql/lists.ts';
import { gql } from '../graphql.server.ts';
import { formatDate, formatRelative } from '../lib/format.ts';
import { exportHref, pageVariables, readFilter, readSort } from '../lib/list.ts';

export const meta: MetaFunction = () => [{ title: 'Users · Opsgraph' }];

const UsersQuery = graphql(`
  query UsersList($first: Int, $after: String, $last: Int, $before: String, $filter: UserFilter, $sort: UserSort) {
    users(first: $first, after: $after, last: $last, before: $before, filter: $filter, sort: $sort) {
      totalCount
      pageInfo {
        ...PageLinks
      }
      edges {
        node {
          id
          externalId
          email
          name
          userBlocked
          lastSeenAt
          createdAt
          tenant {
            id
            name
          }
        }
      }
    }
    tenants(first: 200, sort: NAME_ASC) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const params = new URL(args.request.url).searchParams;
  const sort = readSort(params, usersList);
  const filter = readFilter(params, UserFilterFields);
  const data = await gql(args, UsersQuery, { ...pageVariables(params), sort, filter });
  return { ...data, sort, filter, exportHref: exportHref('users', filter, sort) };
}

export default function Users() {
  const { users, tenants, sort, exportHref } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();

  return (
    <>
      <ListHeader title="Users" totalCount={users.totalCount} exportHref={exportHref} />
      <FilterForm>
        <input type="hidden" name="sort" value={sort} />
        <label>
          Search
          <input type="search" name="search" defaultValue={params.get('search') ?? ''} placeholder="Email, name or external id" />
        </label>
        <label>
          Tenant
          <select name="tenantId" defaultValue={params.get('tenantId') ?? ''}>
            <option value="">Any</option>
            {tenants.edges.map(({ node }) => (
              <option key={node.id} value={node.id}>
                {node.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Blocked
          <select name="blocked" defaultValue={params.get('blocked') ?? ''}>
            <option value="">Any</option>
            <option value="true">Blocked</option>
            <option value="false">Not blocked</option>
          </select>
        </label>
        <label>
          Last seen from
          <input type="date" name="lastSeenFrom" defaultValue={params.get('lastSeenFrom') ?? ''} />
        </label>
        <label>
          to
          <input type="date" name="lastSeenTo" defaultValue={params.get('lastSeenTo') ?? ''} />
        </label>
      </FilterForm>
      <DataTable
        colSpan={6}
        empty="No users match these filters."
        head={
          <tr>
            <SortHeader label="User" asc="NAME_ASC" current={sort} />
            <SortHeader label="Email" asc="EMAIL_ASC" current={sort} />
            <th>Tenant</th>
            <th>Status</th>
            <SortHeader label="Last seen" desc="LAST_SEEN_AT_DESC" current={sort} first="desc" />
            <SortHeader label="Created" asc="CREATED_AT_ASC" desc="CREATED_AT_DESC" current={sort} first="desc" />
          </tr>
        }
      >
        {users.edges.map(({ node }) => (
          <tr key={node.id} data-testid="user-row">
            <td>
              <Link to={`/users/${node.id}`}>{node.name ?? node.externalId}</Link>
              <div className="muted small">{node.externalId}</div>
            </td>
            <td>{node.email ?? '—'}</td>
            <td>
              <Link to={`/tenants/${node.tenant.id}`}>{node.tenant.name}</Link>
            </td>
            <td>
              <StatusBadge status={node.userBlocked ? 'BLOCKED' : 'ACTIVE'} />
            </td>
            <td suppressHydrationWarning>{node.lastSeenAt ? formatRelative(node.lastSeenAt) : '—'}</td>
            <td>{formatDate(node.createdAt)}</td>
          </tr>
        ))}
      </DataTable>
      <Pagination pageInfo={users.pageInfo} />
    </>
  );
}

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
