import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { DeliveryStatusBadge } from '../components/alert-badges.tsx';
import { AlertChannelForm } from '../components/alert-channel-form.tsx';
import { OneTimeSecret } from '../components/alert-secret.tsx';
import { FormError } from '../components/form.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { graphql } from '../gql/index.ts';
import { gql, notFound } from '../graphql.server.ts';
import { channelAction, type ChannelSaveResult } from '../lib/alerts-channel.server.ts';
import { formatDateTime, humanize } from '../lib/format.ts';
import { useIntent } from '../lib/intent.ts';
import { useCan } from './_app.tsx';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.channel.name ?? 'Channel'} · Opsgraph` }];

const ChannelQuery = graphql(`
  query AlertChannelDetail($id: ID!) {
    alertChannel(id: $id) {
      id
      name
      kind
      enabled
      emailTo
      urlHint
      hasSigningSecret
      ticketTenantId
      ticketPriority
      lastTestedAt
      deliveries(first: 20) {
        id
        alertId
        reason
        status
        attempts
        lastError
        responseStatus
        createdAt
        sentAt
      }
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const id = args.params.id!;
  const { alertChannel } = await gql(args, ChannelQuery, { id });
  if (!alertChannel) throw notFound(args.context, `No alert channel with id ${id}.`);
  return { channel: alertChannel };
}

export async function action(args: ActionFunctionArgs) {
  const { alertChannel } = await gql(args, ChannelQuery, { id: args.params.id! });
  if (!alertChannel) throw notFound(args.context, `No alert channel with id ${args.params.id}.`);
  return channelAction(args, alertChannel.kind);
}

export default function AlertChannelDetail() {
  const { channel } = useLoaderData<typeof loader>();
  const result = useActionData<ChannelSaveResult>();
  const canWrite = useCan('MONITORING_WRITE');
  const test = useIntent('test');
  return (
    <>
      <PageHeader
        parent={{ to: '/monitoring/channels', label: 'Alert channels' }}
        title={channel.name}
        sub={
          <span className="muted small">
            {humanize(channel.kind)} · {channel.enabled ? 'enabled' : 'disabled'} · last test {formatDateTime(channel.lastTestedAt)}
          </span>
        }
      >
        {canWrite ? (
          <Form method="post">
            <input type="hidden" name="intent" value="test" />
            <button type="submit" disabled={test.busy}>
              {test.busy ? 'Sending…' : 'Send test'}
            </button>
          </Form>
        ) : null}
      </PageHeader>
      <FormError message={test.result && !test.result.ok ? test.result.formError : null} />
      {result?.intent === 'save' && result.ok && result.signingSecret ? <OneTimeSecret secret={result.signingSecret} /> : null}
      {canWrite ? <AlertChannelForm key={channel.id} values={channel} isNew={false} /> : null}
      <h2>Deliveries</h2>
      {channel.deliveries.length ? (
        <ul className="timeline" data-testid="channel-deliveries">
          {channel.deliveries.map((d) => (
            <li key={d.id} data-testid="delivery-row" data-reason={d.reason}>
              <span className="muted small">{formatDateTime(d.createdAt, { seconds: true })}</span> {humanize(d.reason)} <DeliveryStatusBadge status={d.status} />{' '}
              <span className="muted small">
                {d.attempts} {d.attempts === 1 ? 'attempt' : 'attempts'}
                {d.responseStatus ? ` · HTTP ${d.responseStatus}` : ''}
                {d.sentAt ? ` · sent ${formatDateTime(d.sentAt, { seconds: true })}` : ''}
              </span>
              {d.lastError ? <div className="job-error small">{d.lastError}</div> : null}
              {d.alertId ? (
                <>
                  {' '}
                  <a href={`/monitoring/alerts/${d.alertId}`}>alert</a>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">Nothing sent yet. “Send test” sends a test notification.</p>
      )}
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
