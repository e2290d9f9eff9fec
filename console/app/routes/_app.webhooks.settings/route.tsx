import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { CopyButton, IntentDialog } from '../../components/dialog.tsx';
import { Field } from '../../components/form.tsx';
import { DataTable } from '../../components/list.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { graphql } from '../../gql/index.ts';
import type { WebhookProvider, WebhookSecretSource } from '../../gql/graphql.ts';
import { gql } from '../../graphql.server.ts';
import { formatCount, formatDateTime, humanize } from '../../lib/format.ts';
import { useCan } from '../_app.tsx';
import { clearIntent, setIntent } from './intents.ts';

export { action } from './actions.server.ts';

export const meta: MetaFunction = () => [{ title: 'Webhook settings · Opsgraph' }];

const HOURS = 24;

const WebhookSettingsQuery = graphql(`
  query WebhookSettings($hours: Int!) {
    webhookSecrets {
      provider
      configured
      source
      updatedAt
    }
    webhookRejections(hours: $hours) {
      provider
      reason
      count
    }
  }
`);

/** Where each provider posts its events, under the API's origin. */
const ENDPOINT_PATHS: Record<WebhookProvider, string> = { STRIPE: '/webhooks/stripe', RESEND: '/webhooks/resend' };

const SOURCE_LABELS: Record<WebhookSecretSource, string> = { SETTINGS: 'settings', ENV: 'environment', NONE: 'none' };

export async function loader(args: LoaderFunctionArgs) {
  const result = await gql(args, WebhookSettingsQuery, { hours: HOURS });
  // The API's URL as the console reaches it; behind a proxy the public one may differ, the paths do not.
  return { ...result, apiUrl: args.context.apiUrl };
}

export default function WebhookSettings() {
  const { webhookSecrets, webhookRejections, apiUrl } = useLoaderData<typeof loader>();
  const canWrite = useCan('WEBHOOK_SECRETS_WRITE');
  const rejected = (provider: WebhookProvider) => webhookRejections.filter((r) => r.provider === provider);

  return (
    <>
      <PageHeader
        parent={{ to: '/webhooks', label: 'Webhooks' }}
        title="Webhook settings"
        sub={<span className="muted">Signing secrets of the providers, their endpoints, and the requests refused in the last {HOURS} hours</span>}
      />
      <div className="charts">
        {webhookSecrets.map((s) => {
          const url = `${apiUrl}${ENDPOINT_PATHS[s.provider]}`;
          const rows = rejected(s.provider);
          return (
            <section key={s.provider} className="card" aria-label={humanize(s.provider)} data-testid={`provider-${s.provider}`}>
              <header className="page-header">
                <h2>{humanize(s.provider)}</h2>
                {canWrite ? (
                  <div className="actions">
                    <IntentDialog
                      intent={setIntent(s.provider)}
                      label="Set secret"
                      title={`Set the ${humanize(s.provider)} signing secret`}
                      submitLabel="Save secret"
                      busyLabel="Saving…"
                    >
                      {(result) => (
                        <>
                          <p className="muted">Stored encrypted; it wins over the environment's. It is never shown again.</p>
                          <Field label="Signing secret" name="secret" error={result?.fieldErrors?.secret} hint="whsec_…">
                            <input name="secret" type="password" autoComplete="off" required />
                          </Field>
                        </>
                      )}
                    </IntentDialog>
                    {s.source === 'SETTINGS' ? (
                      <IntentDialog
                        intent={clearIntent(s.provider)}
                        label="Clear"
                        title={`Clear the ${humanize(s.provider)} signing secret`}
                        submitLabel="Clear secret"
                        busyLabel="Clearing…"
                        danger
                      >
                        <p>The console's secret is removed; the environment's applies again, if there is one.</p>
                      </IntentDialog>
                    ) : null}
                  </div>
                ) : null}
              </header>
              <dl className="facts">
                <dt>Signing secret</dt>
                <dd data-testid="secret-status">{s.configured ? `configured (${SOURCE_LABELS[s.source]})` : 'not configured'}</dd>
                <dt>Set</dt>
                <dd>{formatDateTime(s.updatedAt)}</dd>
                <dt>Endpoint</dt>
                <dd>
                  <code data-testid="endpoint-url">{url}</code> <CopyButton text={url} />
                  <div className="muted small">Enter this URL at the provider (the API's public origin, path {ENDPOINT_PATHS[s.provider]}).</div>
                </dd>
              </dl>
              <h3>Rejected requests, last {HOURS} h</h3>
              <DataTable
                colSpan={2}
                empty="No request was refused."
                head={
                  <tr>
                    <th>Reason</th>
                    <th>Requests</th>
                  </tr>
                }
              >
                {rows.map((r) => (
                  <tr key={r.reason} data-testid="rejection-row">
                    <td>{r.reason}</td>
                    <td data-testid="rejection-count">{formatCount(r.count)}</td>
                  </tr>
                ))}
              </DataTable>
            </section>
          );
        })}
      </div>
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
