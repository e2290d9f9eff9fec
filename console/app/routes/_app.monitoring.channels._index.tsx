import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { DataTable, FilterForm, ListHeader, Pagination, SortHeader } from '../components/list.tsx';
import { EnumSelect } from '../components/ticket-enum-select.tsx';
import { graphql } from '../gql/index.ts';
import { AlertChannelFilterFields, AlertChannelKindValues, alertChannelsList } from '../gql/lists.ts';
import { gql } from '../graphql.server.ts';
import { formatDateTime, humanize } from '../lib/format.ts';
import { exportHref, pageVariables, readFilter, readSort } from '../lib/list.ts';
import { useCan } from './_app.tsx';

export const meta: MetaFunction = () => [{ title: 'Alert channels · Opsgraph' }];

const ChannelsQuery = graphql(`
  query AlertChannelsList($first: Int, $after: String, $last: Int, $before: String, $filter: AlertChannelFilter, $sort: AlertChannelSort) {
    alertChannels(first: $first, after: $after, last: $last, before: $before, filter: $filter, sort: $sort) {
      totalCount
      pageInfo {
        ...PageLinks
      }
      edges {
        node {
          id
          name
          kind
          enabled
          emailTo
          urlHint
          hasSigningSecret
          lastTestedAt
          createdAt
          ticketTenant {
            id
            name
          }
        }
      }
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const params = new URL(args.request.url).searchParams;
  const sort = readSort(params, alertChannelsList);
  const filter = readFilter(params, AlertChannelFilterFields);
  const { alertChannels } = await gql(args, ChannelsQuery, { ...pageVariables(params), filter, sort });
  return { alertChannels, sort, filter, exportHref: exportHref('alert-channels', filter, sort) };
}

export default function AlertChannels() {
  const { alertChannels, sort, filter, exportHref } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const canWrite = useCan('MONITORING_WRITE');
  return (
    <>
      <div className="muted small">
        <Link to="/monitoring">Monitoring</Link> /
      </div>
      <ListHeader
        title="Alert channels"
        totalCount={alertChannels.totalCount}
        exportHref={exportHref}
        actions={
          canWrite ? (
            <Link to="/monitoring/channels/new" className="button primary">
              New channel
            </Link>
          ) : null
        }
      />
      <FilterForm clearTo="/monitoring/channels">
        <input type="hidden" name="sort" value={sort} />
        <label>
          Search
          <input type="search" name="search" defaultValue={filter.search ?? ''} />
        </label>
        <EnumSelect label="Kind" name="kind" values={AlertChannelKindValues} defaultValue={params.get('kind')} blank="Any" />
      </FilterForm>
      <DataTable
        colSpan={5}
        empty="No channel matches these filters."
        head={
          <tr>
            <SortHeader label="Channel" asc="NAME_ASC" current={sort} />
            <th>Kind</th>
            <th>Sends to</th>
            <th>Status</th>
            <th>Last test</th>
          </tr>
        }
      >
        {alertChannels.edges.map(({ node }) => (
          <tr key={node.id} data-testid="channel-row" data-channel={node.name}>
            <td>
              <Link to={`/monitoring/channels/${node.id}`}>{node.name}</Link>
            </td>
            <td>{humanize(node.kind)}</td>
            <td className="small">
              {node.kind === 'EMAIL' ? node.emailTo.join(', ') : null}
              {node.urlHint ? <code>{node.urlHint}</code> : null}
              {node.hasSigningSecret ? <span className="muted"> · signed</span> : null}
              {node.kind === 'TICKET' ? (node.ticketTenant?.name ?? 'the alert’s tenant') : null}
            </td>
            <td>
              <span className="badge">{node.enabled ? 'Enabled' : 'Disabled'}</span>
            </td>
            <td className="nowrap">{formatDateTime(node.lastTestedAt)}</td>
          </tr>
        ))}
      </DataTable>
      <Pagination pageInfo={alertChannels.pageInfo} />
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
