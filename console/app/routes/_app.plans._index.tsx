import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useLocation, useSearchParams } from '@remix-run/react';
import { DataTable, FilterForm, ListHeader, Pagination, SortHeader, StatusBadge } from '../components/list.tsx';
import { graphql } from '../gql/index.ts';
import { PlanFilterFields, plansList, PlanStatusValues } from '../gql/lists.ts';
import { gql } from '../graphql.server.ts';
import { formatCount, formatDate, formatMoney } from '../lib/format.ts';
import { exportHref, pageVariables, readFilter, readSort } from '../lib/list.ts';
import { quotaSummary, trialLabel } from './_app.plans.$id/plan-form.ts';
import { useCan } from './_app.tsx';

export const meta: MetaFunction = () => [{ title: 'Plans · Opsgraph' }];

const PlansQuery = graphql(`
  query PlansList($first: Int, $after: String, $last: Int, $before: String, $filter: PlanFilter, $sort: PlanSort) {
    plans(first: $first, after: $after, last: $last, before: $before, filter: $filter, sort: $sort) {
      totalCount
      pageInfo {
        ...PageLinks
      }
      edges {
        node {
          id
          code
          name
          status
          currency
          monthlyPrice
          yearlyPrice
          trialDays
          tenantCount
          createdAt
          quotas {
            ...PlanQuotas
          }
        }
      }
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const params = new URL(args.request.url).searchParams;
  const sort = readSort(params, plansList);
  const filter = readFilter(params, PlanFilterFields);
  const data = await gql(args, PlansQuery, { ...pageVariables(params), sort, filter });
  return { ...data, sort, exportHref: exportHref('plans', filter, sort) };
}

export default function Plans() {
  const { plans, sort, exportHref } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { search } = useLocation();
  const canWrite = useCan('PLANS_WRITE');

  return (
    <>
      <ListHeader
        title="Plans"
        totalCount={plans.totalCount}
        exportHref={exportHref}
        actions={
          canWrite ? (
            <Link className="button primary" to="/plans/new">
              New plan
            </Link>
          ) : null
        }
      />
      <FilterForm>
        <input type="hidden" name="sort" value={sort} />
        <label>
          Search
          <input type="search" name="search" defaultValue={params.get('search') ?? ''} placeholder="Name or code" />
        </label>
        <label>
          Status
          <select name="status" defaultValue={params.get('status') ?? ''}>
            <option value="">Any</option>
            {PlanStatusValues.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
        </label>
      </FilterForm>
      <DataTable
        colSpan={8}
        empty="No plans match these filters."
        head={
          <tr>
            <SortHeader label="Plan" asc="NAME_ASC" current={sort} />
            <th>Status</th>
            <SortHeader label="Monthly" asc="MONTHLY_PRICE_ASC" desc="MONTHLY_PRICE_DESC" current={sort} />
            <th className="num">Yearly</th>
            <th className="num">Trial</th>
            <th>Quotas per month</th>
            <th className="num">Tenants</th>
            <SortHeader label="Created" desc="CREATED_AT_DESC" current={sort} />
          </tr>
        }
      >
        {plans.edges.map(({ node }) => (
          <tr key={node.id} data-testid="plan-row">
            <td>
              <Link to={`/plans/${node.id}`}>{node.name}</Link>
              <div className="muted small">
                <code>{node.code}</code>
              </div>
            </td>
            <td>
              <StatusBadge status={node.status} />
            </td>
            <td className="num" data-testid="plan-monthly-price">
              {formatMoney(node.monthlyPrice, node.currency)}
            </td>
            <td className="num" data-testid="plan-yearly-price">
              {formatMoney(node.yearlyPrice, node.currency)}
            </td>
            <td className="num">{trialLabel(node.trialDays)}</td>
            <td className="small">{quotaSummary(node.quotas)}</td>
            <td className="num">
              <Link to={`/tenants?planId=${node.id}`} title="Tenants on this plan">
                {formatCount(node.tenantCount)}
              </Link>
            </td>
            <td>{formatDate(node.createdAt)}</td>
          </tr>
        ))}
      </DataTable>
      <Pagination pageInfo={plans.pageInfo} />
    </>
  );
}

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
