import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useLocation, useSearchParams } from '@remix-run/react';
import { useSubscription } from 'urql';
import { DataTable, FilterForm, ListHeader, Pagination, SortHeader, StatusBadge } from '../components/list.tsx';
import { graphql } from '../gql/index.ts';
import { TenantFilterFields, tenantsList, TenantStatusValues } from '../gql/lists.ts';
import { gql } from '../graphql.server.ts';
import { formatDate, formatDateTime, formatRelative } from '../lib/format.ts';
import { countEvents } from '../lib/live.ts';
import { exportHref, pageVariables, readFilter, readSort, withParams } from '../lib/list.ts';
import { useRevalidateOnEvents } from '../lib/revalidate.ts';
import { useCan } from './_app.tsx';

export const meta: MetaFunction = () => [{ title: 'Tenants · Opsgraph' }];

const TenantsQuery = graphql(`
  query TenantsList($first: Int, $after: String, $last: Int, $before: String, $filter: TenantFilter, $sort: TenantSort) {
    tenants(first: $first, after: $after, last: $last, before: $before, filter: $filter, sort: $sort) {
      totalCount
      pageInfo {
        ...PageLinks
      }
      edges {
        node {
          id
          name
          slug
          status
          ownerEmail
          trialEndsAt
          createdAt
          plan {
            id
            name
          }
        }
      }
    }
    plans(first: 100, sort: NAME_ASC) {
      edges {
        node {
          id
          name
          status
        }
      }
    }
  }
`);

const TenantsChanged = graphql(`
  subscription TenantsListChanged {
    tenantChanged {
      tenantId
      kind
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const params = new URL(args.request.url).searchParams;
  const sort = readSort(params, tenantsList);
  const filter = readFilter(params, TenantFilterFields);
  const data = await gql(args, TenantsQuery, { ...pageVariables(params), sort, filter });
  return { ...data, sort, filter, exportHref: exportHref('tenants', filter, sort) };
}

export default function Tenants() {
  const { tenants, plans, sort, filter, exportHref } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { search } = useLocation();
  const canWrite = useCan('TENANTS_WRITE');
  const [changes] = useSubscription({ query: TenantsChanged }, countEvents);
  useRevalidateOnEvents(changes.data);

  return (
    <>
      <ListHeader
        title="Tenants"
        totalCount={tenants.totalCount}
        exportHref={exportHref}
        actions={
          canWrite ? (
            <Link className="button primary" to="/tenants/new">
              New tenant
            </Link>
          ) : null
        }
      />
      <FilterForm>
        <input type="hidden" name="sort" value={sort} />
        <label>
          Search
          <input type="search" name="search" defaultValue={params.get('search') ?? ''} placeholder="Name, slug or owner email" />
        </label>
        <label>
          Status
          <select name="status" defaultValue={params.get('status') ?? ''}>
            <option value="">Any</option>
            {TenantStatusValues.map((s) => (
              <option key={s} value={s}>
                {s.replace('_', ' ').toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        <label>
          Plan
          <select name="planId" defaultValue={params.get('planId') ?? ''}>
            <option value="">Any</option>
            {plans.edges.map(({ node }) => (
              <option key={node.id} value={node.id}>
                {node.name}
                {node.status === 'ARCHIVED' ? ' (archived)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          Created from
          <input type="date" name="createdFrom" defaultValue={params.get('createdFrom') ?? ''} />
        </label>
        <label>
          to
          <input type="date" name="createdTo" defaultValue={params.get('createdTo') ?? ''} />
        </label>
        {params.get('trialEndsBefore') || params.get('trialEndsAfter') ? (
          <span className="filter-chip" data-testid="trial-filter">
            Trial ends
            {filter.trialEndsAfter ? ` after ${formatDateTime(filter.trialEndsAfter)}` : ''}
            {filter.trialEndsBefore ? ` before ${formatDateTime(filter.trialEndsBefore)}` : ''}
            <input type="hidden" name="trialEndsAfter" value={params.get('trialEndsAfter') ?? ''} />
            <input type="hidden" name="trialEndsBefore" value={params.get('trialEndsBefore') ?? ''} />
            <Link to={withParams(search, { trialEndsAfter: null, trialEndsBefore: null })} aria-label="Remove the trial filter">
              ×
            </Link>
          </span>
        ) : null}
      </FilterForm>
      <DataTable
        colSpan={6}
        empty="No tenants match these filters."
        head={
          <tr>
            <SortHeader label="Name" asc="NAME_ASC" desc="NAME_DESC" current={sort} />
            <th>Status</th>
            <th>Plan</th>
            <th>Owner</th>
            <SortHeader label="Trial ends" asc="TRIAL_ENDS_AT_ASC" current={sort} />
            <SortHeader label="Created" asc="CREATED_AT_ASC" desc="CREATED_AT_DESC" current={sort} first="desc" />
          </tr>
        }
      >
        {tenants.edges.map(({ node }) => (
          <tr key={node.id} data-testid="tenant-row">
            <td>
              <Link to={`/tenants/${node.id}`}>{node.name}</Link>
              <div className="muted small">{node.slug}</div>
            </td>
            <td>
              <StatusBadge status={node.status} />
            </td>
            <td>{node.plan.name}</td>
            <td>{node.ownerEmail}</td>
            <td suppressHydrationWarning>{node.trialEndsAt ? formatRelative(node.trialEndsAt) : '—'}</td>
            <td>{formatDate(node.createdAt)}</td>
          </tr>
        ))}
      </DataTable>
      <Pagination pageInfo={tenants.pageInfo} />
    </>
  );
}

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
