import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { useSubscription } from 'urql';
import { IntentDialog } from '../components/dialog.tsx';
import { DataTable, FilterForm, ListHeader, Pagination, SortHeader, StatusBadge, WindowFilter } from '../components/list.tsx';
import { graphql } from '../gql/index.ts';
import { WebhookEventFilterFields, webhookEventsList, WebhookEventStatusValues, WebhookProviderValues } from '../gql/lists.ts';
import { gql } from '../graphql.server.ts';
import { formatDateTime, humanize } from '../lib/format.ts';
import type { IntentResult } from '../lib/intent.ts';
import { countEvents } from '../lib/live.ts';
import { exportHref, isInstant, pageVariables, readFilter, readSort } from '../lib/list.ts';
import { outcome } from '../lib/mutation.ts';
import { useRevalidateOnEvents } from '../lib/revalidate.ts';
import { useCan } from './_app.tsx';

export const meta: MetaFunction = () => [{ title: 'Webhooks · Opsgraph' }];

const WebhookEventsQuery = graphql(`
  query WebhookEventsList($first: Int, $after: String, $last: Int, $before: String, $filter: WebhookEventFilter, $sort: WebhookEventSort) {
    webhookEvents(first: $first, after: $after, last: $last, before: $before, filter: $filter, sort: $sort) {
      totalCount
      pageInfo {
        ...PageLinks
      }
      edges {
        node {
          id
          provider
          externalId
          type
          status
          attempts
          receivedAt
          lastError
        }
      }
    }
    webhookEventsRetryCount(filter: $filter)
  }
`);

const RetryMany = graphql(`
  mutation WebhookEventsRetryMany($filter: WebhookEventFilter) {
    retryWebhookEvents(filter: $filter) {
      __typename
      ... on MutationRetryWebhookEventsSuccess {
        data
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const AttemptsRecorded = graphql(`
  subscription WebhookEventsListAttempts {
    webhookAttemptRecorded {
      eventId
      status
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const params = new URL(args.request.url).searchParams;
  const sort = readSort(params, webhookEventsList);
  const filter = readFilter(params, WebhookEventFilterFields);
  const result = await gql(args, WebhookEventsQuery, { ...pageVariables(params), sort, filter });
  return { ...result, sort, filter, exportHref: exportHref('webhook-events', filter, sort) };
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const intent = String(form.get('intent'));
  if (intent !== 'retryMany') return data<IntentResult>({ intent, ok: false, formError: `Unknown action “${intent}”.` }, { status: 400 });
  // The filter the list showed, as its URL said: the same rows the count was made for.
  const filter = readFilter(new URL(args.request.url).searchParams, WebhookEventFilterFields);
  const result = outcome((await gql(args, RetryMany, { filter })).retryWebhookEvents);
  if (!result.ok) return data<IntentResult>({ intent, ok: false, formError: result.formError, fieldErrors: result.fieldErrors }, { status: 400 });
  return { intent, ok: true, count: result.data } satisfies IntentResult & { count: number };
}

export default function WebhookEvents() {
  const { webhookEvents, webhookEventsRetryCount, sort, exportHref } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const canWrite = useCan('WEBHOOKS_WRITE');
  const [changes] = useSubscription({ query: AttemptsRecorded }, countEvents);
  useRevalidateOnEvents(changes.data);

  return (
    <>
      <ListHeader
        title="Webhooks"
        totalCount={webhookEvents.totalCount}
        exportHref={exportHref}
        actions={
          <>
            <Link to="/webhooks/settings" className="button">
              Settings
            </Link>
            {canWrite && webhookEventsRetryCount > 0 ? (
              <IntentDialog intent="retryMany" label="Retry failed…" title="Retry failed events" submitLabel={`Retry ${webhookEventsRetryCount}`} busyLabel="Retrying…">
                <p data-testid="retry-many-count">
                  Run {webhookEventsRetryCount} FAILED or DEAD event{webhookEventsRetryCount === 1 ? '' : 's'} matching the current filter again now?
                </p>
              </IntentDialog>
            ) : null}
          </>
        }
      />
      <FilterForm>
        <input type="hidden" name="sort" value={sort} />
        <label>
          Provider
          <select name="provider" defaultValue={params.get('provider') ?? ''}>
            <option value="">Any</option>
            {WebhookProviderValues.map((p) => (
              <option key={p} value={p}>
                {humanize(p)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="status" defaultValue={params.get('status') ?? ''}>
            <option value="">Any</option>
            {WebhookEventStatusValues.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        <label>
          Type
          <input type="search" name="type" defaultValue={params.get('type') ?? ''} placeholder="invoice.paid or invoice.*" />
        </label>
        <label>
          Received from
          <input type="date" name="receivedFrom" defaultValue={params.get('receivedFrom') ?? ''} disabled={isInstant(params.get('receivedFrom'))} />
        </label>
        <label>
          to
          <input type="date" name="receivedTo" defaultValue={params.get('receivedTo') ?? ''} disabled={isInstant(params.get('receivedTo'))} />
        </label>
        <WindowFilter label="Received" from="receivedFrom" to="receivedTo" />
      </FilterForm>
      <DataTable
        colSpan={6}
        empty="No webhook events match these filters."
        head={
          <tr>
            <th>Type</th>
            <th>Provider</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Last error</th>
            <SortHeader label="Received" asc="RECEIVED_AT_ASC" desc="RECEIVED_AT_DESC" current={sort} first="desc" />
          </tr>
        }
      >
        {webhookEvents.edges.map(({ node }) => (
          <tr key={node.id} data-testid="webhook-row">
            <td>
              <Link to={`/webhooks/${node.id}`}>{node.type}</Link>
              <div className="muted small">{node.externalId}</div>
            </td>
            <td>{humanize(node.provider)}</td>
            <td>
              <StatusBadge status={node.status} />
            </td>
            <td>{node.attempts}</td>
            <td className="muted small">{node.lastError ?? '—'}</td>
            <td>{formatDateTime(node.receivedAt, { seconds: true })}</td>
          </tr>
        ))}
      </DataTable>
      <Pagination pageInfo={webhookEvents.pageInfo} />
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
