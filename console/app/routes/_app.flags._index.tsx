import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { useSubscription } from 'urql';
import { DataTable, FilterForm, ListHeader, Pagination, SortHeader } from '../components/list.tsx';
import { EnumSelect } from '../components/ticket-enum-select.tsx';
import { FlagEnabledBadge, FlagValue } from '../components/flags/flag-badges.tsx';
import { graphql } from '../gql/index.ts';
import { featureFlagsList, FlagFilterFields, FlagTypeValues } from '../gql/lists.ts';
import { gql } from '../graphql.server.ts';
import { formatDate, formatRelative, humanize } from '../lib/format.ts';
import { countEvents } from '../lib/live.ts';
import { exportHref, pageVariables, readFilter, readSort } from '../lib/list.ts';
import { useRevalidateOnEvents } from '../lib/revalidate.ts';
import { useCan } from './_app.tsx';

export const meta: MetaFunction = () => [{ title: 'Feature flags · Opsgraph' }];

const FlagsQuery = graphql(`
  query FlagsList($first: Int, $after: String, $last: Int, $before: String, $filter: FlagFilter, $sort: FlagSort) {
    featureFlags(first: $first, after: $after, last: $last, before: $before, filter: $filter, sort: $sort) {
      totalCount
      pageInfo {
        ...PageLinks
      }
      edges {
        node {
          id
          key
          description
          type
          enabled
          owner
          tags
          defaultValue
          rollout {
            percentage
            stickiness
          }
          stale
          lastEvaluatedAt
          updatedAt
          createdAt
        }
      }
    }
  }
`);

const FlagsChanged = graphql(`
  subscription FlagsListChanged {
    flagChanged {
      flagId
      kind
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const params = new URL(args.request.url).searchParams;
  const sort = readSort(params, featureFlagsList);
  const filter = readFilter(params, FlagFilterFields);
  const { featureFlags: flags } = await gql(args, FlagsQuery, { ...pageVariables(params), filter, sort });
  return { flags, sort, filter, exportHref: exportHref('flags', filter, sort) };
}

export default function Flags() {
  const { flags, sort, filter, exportHref } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const canWrite = useCan('FLAGS_WRITE');
  const [changes] = useSubscription({ query: FlagsChanged }, countEvents);
  useRevalidateOnEvents(changes.data);
  return (
    <>
      <ListHeader
        title="Feature flags"
        totalCount={flags.totalCount}
        exportHref={exportHref}
        actions={
          canWrite ? (
            <Link to="/flags/new" className="button primary">
              New flag
            </Link>
          ) : null
        }
      />
      <FilterForm clearTo="/flags">
        <input type="hidden" name="sort" value={sort} />
        <label>
          Search
          <input type="search" name="search" defaultValue={filter.search ?? ''} placeholder="key, description or owner" />
        </label>
        <label>
          Tags
          <input name="tags" defaultValue={filter.tags ?? ''} placeholder="checkout, beta" title="Flags with any of these tags" />
        </label>
        <EnumSelect label="Type" name="type" values={FlagTypeValues} defaultValue={params.get('type')} blank="Any" />
        <label>
          Enabled
          <select name="enabled" defaultValue={params.get('enabled') ?? ''}>
            <option value="">Any</option>
            <option value="true">Enabled</option>
            <option value="false">Disabled</option>
          </select>
        </label>
        <label>
          Stale
          <select name="stale" defaultValue={params.get('stale') ?? ''}>
            <option value="">Any</option>
            <option value="true">Stale</option>
            <option value="false">In use</option>
          </select>
        </label>
      </FilterForm>
      <DataTable
        colSpan={7}
        empty="No flag matches these filters."
        head={
          <tr>
            <SortHeader label="Flag" asc="KEY_ASC" current={sort} />
            <th>Type</th>
            <th>Status</th>
            <th>Default</th>
            <SortHeader label="Last evaluated" desc="LAST_EVALUATED_AT_DESC" current={sort} first="desc" />
            <SortHeader label="Updated" desc="UPDATED_AT_DESC" current={sort} first="desc" />
            <SortHeader label="Created" desc="CREATED_AT_DESC" current={sort} first="desc" />
          </tr>
        }
      >
        {flags.edges.map(({ node }) => (
          <tr key={node.id} data-testid="flag-row" data-flag={node.key}>
            <td>
              <Link to={`/flags/${node.id}`}>
                <code>{node.key}</code>
              </Link>
              {node.description ? <div className="muted small">{node.description}</div> : null}
              {node.tags.length ? (
                <div className="toolbar small">
                  {node.tags.map((t) => (
                    <Link key={t} to={`/flags?tags=${encodeURIComponent(t)}`} className="filter-chip">
                      {t}
                    </Link>
                  ))}
                </div>
              ) : null}
            </td>
            <td>{humanize(node.type)}</td>
            <td>
              <FlagEnabledBadge enabled={node.enabled} />
              {node.stale ? <span className="badge">Stale</span> : null}
              {node.rollout ? <div className="muted small">rollout {node.rollout.percentage}%</div> : null}
            </td>
            <td>
              <FlagValue value={node.defaultValue} />
            </td>
            <td suppressHydrationWarning>{node.lastEvaluatedAt ? formatRelative(node.lastEvaluatedAt) : 'Never'}</td>
            <td className="nowrap">{formatDate(node.updatedAt)}</td>
            <td className="nowrap">{formatDate(node.createdAt)}</td>
          </tr>
        ))}
      </DataTable>
      <Pagination pageInfo={flags.pageInfo} />
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
