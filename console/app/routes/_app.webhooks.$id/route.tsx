import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { useSubscription } from 'urql';
import { FormError } from '../../components/form.tsx';
import { DataTable, StatusBadge } from '../../components/list.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { graphql } from '../../gql/index.ts';
import { gql, notFound } from '../../graphql.server.ts';
import { formatDateTime, humanize } from '../../lib/format.ts';
import { useIntent, type IntentResult } from '../../lib/intent.ts';
import { countEvents } from '../../lib/live.ts';
import { outcome } from '../../lib/mutation.ts';
import { useRevalidateOnEvents } from '../../lib/revalidate.ts';
import { useCan } from '../_app.tsx';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.event.type ?? 'Webhook'} · Opsgraph` }];

const WebhookEventQuery = graphql(`
  query WebhookEventDetail($id: ID!) {
    webhookEvent(id: $id) {
      id
      provider
      externalId
      type
      status
      attempts
      receivedAt
      processedAt
      nextAttemptAt
      lastError
      ignoredReason
      payload
      headers
      tenant {
        id
        name
      }
      attemptsLog {
        id
        number
        trigger
        startedAt
        finishedAt
        outcome
        error
        durationMs
      }
    }
  }
`);

const Retry = graphql(`
  mutation WebhookEventRetry($id: ID!) {
    retryWebhookEvent(id: $id) {
      __typename
      ... on MutationRetryWebhookEventSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const Replay = graphql(`
  mutation WebhookEventReplay($id: ID!) {
    replayWebhookEvent(id: $id) {
      __typename
      ... on MutationReplayWebhookEventSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const AttemptRecorded = graphql(`
  subscription WebhookEventAttempts($eventId: ID!) {
    webhookAttemptRecorded(eventId: $eventId) {
      eventId
      attemptId
      outcome
      status
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const id = args.params.id!;
  const result = await gql(args, WebhookEventQuery, { id });
  if (!result.webhookEvent) throw notFound(args.context, `No webhook event with id ${id}.`);
  return { event: result.webhookEvent };
}

export async function action(args: ActionFunctionArgs) {
  const id = args.params.id!;
  const intent = String((await args.request.formData()).get('intent'));
  let result;
  if (intent === 'retry') result = outcome((await gql(args, Retry, { id })).retryWebhookEvent);
  else if (intent === 'replay') result = outcome((await gql(args, Replay, { id })).replayWebhookEvent);
  else return data<IntentResult>({ intent, ok: false, formError: `Unknown action “${intent}”.` }, { status: 400 });
  if (!result.ok) return data<IntentResult>({ intent, ok: false, formError: result.formError, fieldErrors: result.fieldErrors }, { status: 400 });
  return { intent, ok: true } satisfies IntentResult;
}

function IntentButton({ intent, label, busyLabel }: { intent: string; label: string; busyLabel: string }) {
  const { busy } = useIntent(intent);
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <button type="submit" disabled={busy}>
        {busy ? busyLabel : label}
      </button>
    </Form>
  );
}

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

export default function WebhookEventDetail() {
  const { event } = useLoaderData<typeof loader>();
  const canWrite = useCan('WEBHOOKS_WRITE');
  const retry = useIntent('retry');
  const replay = useIntent('replay');
  const [changes] = useSubscription({ query: AttemptRecorded, variables: { eventId: event.id } }, countEvents);
  useRevalidateOnEvents(changes.data);
  const retryable = event.status === 'FAILED' || event.status === 'DEAD';
  const replayable = event.status !== 'PENDING';

  return (
    <>
      <PageHeader
        parent={{ to: '/webhooks', label: 'Webhooks' }}
        title={
          <>
            {event.type} <StatusBadge status={event.status} />
          </>
        }
        sub={
          <span className="muted">
            {humanize(event.provider)} · {event.externalId}
          </span>
        }
      >
        <div className="actions" data-testid="webhook-actions">
          {canWrite && retryable ? <IntentButton intent="retry" label="Retry now" busyLabel="Retrying…" /> : null}
          {canWrite && replayable ? <IntentButton intent="replay" label="Replay" busyLabel="Replaying…" /> : null}
        </div>
      </PageHeader>
      <FormError message={retry.result?.formError ?? replay.result?.formError} />

      <dl className="facts" data-testid="webhook-facts">
        <dt>Received</dt>
        <dd>{formatDateTime(event.receivedAt, { seconds: true })}</dd>
        <dt>Processed</dt>
        <dd>{formatDateTime(event.processedAt, { seconds: true }) || '—'}</dd>
        <dt>Next attempt</dt>
        <dd>{event.nextAttemptAt ? formatDateTime(event.nextAttemptAt, { seconds: true }) : '—'}</dd>
        <dt>Tenant</dt>
        <dd>{event.tenant ? <Link to={`/tenants/${event.tenant.id}`}>{event.tenant.name}</Link> : '—'}</dd>
        {event.lastError ? (
          <>
            <dt>Last error</dt>
            <dd>{event.lastError}</dd>
          </>
        ) : null}
        {event.ignoredReason ? (
          <>
            <dt>Ignored</dt>
            <dd>{event.ignoredReason}</dd>
          </>
        ) : null}
      </dl>

      <h2>Attempts ({event.attempts})</h2>
      <DataTable
        colSpan={6}
        empty="No attempt yet."
        head={
          <tr>
            <th>#</th>
            <th>Trigger</th>
            <th>Outcome</th>
            <th>Started</th>
            <th>Duration</th>
            <th>Error</th>
          </tr>
        }
      >
        {event.attemptsLog.map((a) => (
          <tr key={a.id} data-testid="attempt-row">
            <td>{a.number}</td>
            <td>{a.trigger}</td>
            <td>
              <StatusBadge status={a.outcome} />
            </td>
            <td>{formatDateTime(a.startedAt, { seconds: true })}</td>
            <td>{a.durationMs === null || a.durationMs === undefined ? '—' : `${a.durationMs} ms`}</td>
            <td className="muted small">{a.error ?? ''}</td>
          </tr>
        ))}
      </DataTable>

      <h2>Payload</h2>
      <pre className="code" data-testid="webhook-payload">
        {pretty(event.payload)}
      </pre>
      <h2>Headers</h2>
      <pre className="code" data-testid="webhook-headers">
        {pretty(event.headers)}
      </pre>
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
