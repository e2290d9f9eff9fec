import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { StatusBadge } from '../components/list.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { graphql } from '../gql/index.ts';
import { gql, notFound } from '../graphql.server.ts';
import { formatDateTime } from '../lib/format.ts';
import { isUuid } from '../lib/ids.ts';
import { outcome } from '../lib/mutation.ts';
import { useCan } from './_app.tsx';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.email.toAddress ?? 'Email'} · Opsgraph` }];

const EmailQuery = graphql(`
  query EmailDetail($id: ID!) {
    email(id: $id) {
      id
      status
      toAddress
      fromAddress
      transport
      error
      attempts
      overage
      createdAt
      sentAt
      providerMessageId
      idempotencyKey
      tenant {
        id
        name
      }
      template {
        id
        key
        name
      }
      templateVersion {
        version
      }
      rendered {
        subject
        html
        text
      }
      events {
        id
        type
        status
        occurredAt
        source
        detail
      }
    }
  }
`);

const RetryEmail = graphql(`
  mutation RetryEmail($id: ID!) {
    retryEmail(id: $id) {
      __typename
      ... on MutationRetryEmailSuccess {
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

export async function loader(args: LoaderFunctionArgs) {
  const id = args.params.id!;
  const missing = () => notFound(args.context, `No email with id ${id}.`);
  if (!isUuid(id)) throw missing();
  const { email } = await gql(args, EmailQuery, { id });
  if (!email) throw missing();
  return { email };
}

export async function action(args: ActionFunctionArgs) {
  const result = outcome((await gql(args, RetryEmail, { id: args.params.id! })).retryEmail);
  if (!result.ok) return data({ ok: false, message: result.formError }, { status: 400 });
  return { ok: true, message: null };
}

export default function EmailDetail() {
  const { email } = useLoaderData<typeof loader>();
  const retried = useActionData<typeof action>();
  const canWrite = useCan('EMAILS_WRITE');
  return (
    <>
      <PageHeader
        parent={{ to: '/emails', label: 'Emails' }}
        title={
          <>
            {email.rendered.subject} <StatusBadge status={email.status} />
          </>
        }
        sub={<span className="muted">to {email.toAddress}</span>}
      >
        {canWrite && email.status === 'FAILED' ? (
          <Form method="post">
            <button type="submit">Retry</button>
          </Form>
        ) : null}
      </PageHeader>
      {retried && !retried.ok ? <p className="form-error">{retried.message}</p> : null}
      <section className="detail">
        <div className="card">
          <h2>Email</h2>
          <dl className="facts">
            <dt>Template</dt>
            <dd>
              <Link to={`/emails/templates/${email.template.id}`}>{email.template.name}</Link> v{email.templateVersion.version}
            </dd>
            <dt>From</dt>
            <dd>{email.fromAddress}</dd>
            <dt>Tenant</dt>
            <dd>{email.tenant ? <Link to={`/tenants/${email.tenant.id}`}>{email.tenant.name}</Link> : '—'}</dd>
            <dt>Transport</dt>
            <dd>{email.transport}</dd>
            <dt>Attempts</dt>
            <dd>{email.attempts}</dd>
            <dt>Overage</dt>
            <dd>{email.overage ? 'yes' : 'no'}</dd>
            <dt>Provider id</dt>
            <dd>{email.providerMessageId ?? '—'}</dd>
            {email.error ? (
              <>
                <dt>Error</dt>
                <dd data-testid="email-error">{email.error}</dd>
              </>
            ) : null}
          </dl>
        </div>
        <div className="card">
          <h2>Timeline</h2>
          <ol className="timeline" data-testid="email-timeline">
            {email.events.map((e) => (
              <li key={e.id}>
                <strong>{e.type}</strong> {formatDateTime(e.occurredAt, { seconds: true })}
                {e.source ? <span className="muted small"> · {e.source}</span> : null}
              </li>
            ))}
          </ol>
        </div>
      </section>
      <section className="card">
        <h2>Preview</h2>
        {/* An empty sandbox: no scripts, forms, plugins or navigation from the email's HTML. */}
        <iframe title="Email HTML" sandbox="" srcDoc={email.rendered.html} className="email-preview" />
        <h3>Text</h3>
        <pre className="small">{email.rendered.text}</pre>
      </section>
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
