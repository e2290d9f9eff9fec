import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { useSubscription } from 'urql';
import { DataTable, FilterForm, ListHeader, Pagination, SortHeader } from '../components/list.tsx';
import { graphql } from '../gql/index.ts';
import { PromptFilterFields, promptsList } from '../gql/lists.ts';
import { gql } from '../graphql.server.ts';
import { formatDateTime } from '../lib/format.ts';
import { countEvents } from '../lib/live.ts';
import { exportHref, pageVariables, readFilter, readSort, withParams } from '../lib/list.ts';
import { useRevalidateOnEvents } from '../lib/revalidate.ts';
import { useCan } from './_app.tsx';

export const meta: MetaFunction = () => [{ title: 'Prompts · Opsgraph' }];

const PromptsQuery = graphql(`
  query PromptsList($first: Int, $after: String, $last: Int, $before: String, $filter: PromptFilter, $sort: PromptSort) {
    prompts(first: $first, after: $after, last: $last, before: $before, filter: $filter, sort: $sort) {
      totalCount
      pageInfo {
        ...PageLinks
      }
      edges {
        node {
          id
          key
          name
          category
          tags
          active
          latestVersion
          updatedAt
          labels {
            name
            version {
              number
            }
          }
        }
      }
    }
  }
`);

const PromptsChanged = graphql(`
  subscription PromptsListChanged {
    promptChanged {
      promptId
      kind
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const params = new URL(args.request.url).searchParams;
  const sort = readSort(params, promptsList);
  const filter = readFilter(params, PromptFilterFields);
  const { prompts } = await gql(args, PromptsQuery, { ...pageVariables(params), filter, sort });
  return { prompts, sort, filter, exportHref: exportHref('prompts', filter, sort) };
}

export default function Prompts() {
  const { prompts, sort, filter, exportHref } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const canWrite = useCan('PROMPTS_WRITE');
  const [changes] = useSubscription({ query: PromptsChanged }, countEvents);
  useRevalidateOnEvents(changes.data);
  return (
    <>
      <ListHeader
        title="Prompts"
        totalCount={prompts.totalCount}
        exportHref={exportHref}
        actions={
          canWrite ? (
            <Link className="button primary" to="/prompts/new">
              New prompt
            </Link>
          ) : null
        }
      />
      <FilterForm clearTo="/prompts">
        <input type="hidden" name="sort" value={sort} />
        <label>
          Search
          <input type="search" name="search" defaultValue={filter.search ?? ''} placeholder="key, name or description" />
        </label>
        <label>
          Category
          <input name="category" defaultValue={filter.category ?? ''} placeholder="support" />
        </label>
        <label>
          Tag
          <input name="tag" defaultValue={filter.tag ?? ''} />
        </label>
        <label>
          Active
          <select name="active" defaultValue={params.get('active') ?? ''}>
            <option value="">Any</option>
            <option value="true">Active</option>
            <option value="false">Inactive</option>
          </select>
        </label>
      </FilterForm>
      <DataTable
        colSpan={6}
        empty="No prompt matches these filters."
        head={
          <tr>
            <SortHeader label="Prompt" asc="KEY_ASC" current={sort} />
            <SortHeader label="Category" asc="CATEGORY_ASC" current={sort} />
            <th>Tags</th>
            <th>Labels</th>
            <th className="num">Versions</th>
            <SortHeader label="Updated" desc="UPDATED_AT_DESC" current={sort} first="desc" />
          </tr>
        }
      >
        {prompts.edges.map(({ node }) => (
          <tr key={node.id} data-testid="prompt-row" data-key={node.key}>
            <td>
              <Link to={`/prompts/${node.id}`}>{node.name}</Link>
              {node.active ? null : <span className="badge"> inactive</span>}
              <div className="muted small">
                <code>{node.key}</code>
              </div>
            </td>
            <td>
              <Link to={withParams(params.toString(), { category: node.category })}>{node.category}</Link>
            </td>
            <td>
              {node.tags.map((tag) => (
                <Link key={tag} className="badge" to={withParams(params.toString(), { tag })}>
                  {tag}
                </Link>
              ))}
            </td>
            <td className="small">{node.labels.map((l) => `${l.name} → v${l.version.number}`).join(', ')}</td>
            <td className="num">{node.latestVersion}</td>
            <td className="nowrap">{formatDateTime(node.updatedAt)}</td>
          </tr>
        ))}
      </DataTable>
      <Pagination pageInfo={prompts.pageInfo} />
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
