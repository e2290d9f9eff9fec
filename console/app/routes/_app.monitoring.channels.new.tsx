import type { MetaFunction } from '@remix-run/node';
import { Link, useActionData } from '@remix-run/react';
import { AlertChannelForm } from '../components/alert-channel-form.tsx';
import { OneTimeSecret } from '../components/alert-secret.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { createChannelAction, type ChannelSaveResult } from '../lib/alerts-channel.server.ts';

export const meta: MetaFunction = () => [{ title: 'New alert channel · Opsgraph' }];

export const action = createChannelAction;

export default function NewAlertChannel() {
  const result = useActionData<ChannelSaveResult>();
  if (result?.ok && result.channelId) {
    return (
      <>
        <PageHeader parent={{ to: '/monitoring/channels', label: 'Alert channels' }} title={`Channel ${result.channelName ?? ''} created`} />
        {result.signingSecret ? <OneTimeSecret secret={result.signingSecret} /> : null}
        <p>
          <Link to={`/monitoring/channels/${result.channelId}`} className="button primary">
            Open the channel
          </Link>
        </p>
      </>
    );
  }
  return (
    <>
      <PageHeader parent={{ to: '/monitoring/channels', label: 'Alert channels' }} title="New alert channel" />
      <AlertChannelForm values={{ kind: 'EMAIL', name: '', enabled: true, emailTo: [] }} isNew />
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
