import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { BarChart, CHART_COLORS } from '../components/charts.tsx';
import { DataTable, FilterForm, ListHeader, Pagination, StatusBadge, WindowFilter } from '../components/list.tsx';
import { graphql } from '../gql/index.ts';
import { EmailFilterFields, emailsList, EmailStatusValues } from '../gql/lists.ts';
import { gql } from '../graphql.server.ts';
import { formatCount, formatDateTime } from '../lib/format.ts';
import { exportHref, pageVariables, readFilter, readSort } from '../lib/list.ts';
import { outcome } from '../lib/mutation.ts';
import { useCan } from './_app.tsx';

export const meta: MetaFunction = () => [{ title: 'Emails · Opsgraph' }];

const EmailsQuery = graphql(`
  query EmailsList($first: Int, $after: String, $last: Int, $before: String, $filter: EmailFilter, $sort: EmailSort, $from: DateTime!, $to: DateTime!) {
    emails(first: $first, after: $after, last: $last, before: $before, filter: $filter, sort: $sort) {
      totalCount
      pageInfo {
        ...PageLinks
      }
      edges {
        node {
          id
          status
          toAddress
          subject
          transport
          createdAt
          error
          template {
            key
          }
        }
      }
    }
    retryableEmailCount(filter: $filter)
    emailStats(from: $from, to: $to) {
      day
      sent
      delivered
      bounced
      opened
      clicked
    }
  }
`);

const RetryEmails = graphql(`
  mutation RetryEmails($filter: EmailFilter) {
    retryEmails(filter: $filter) {
      __typename
      ... on MutationRetryEmailsSuccess {
        data {
          count
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const params = new URL(args.request.url).searchParams;
  const sort = readSort(params, emailsList);
  const filter = readFilter(params, EmailFilterFields);
  const to = new Date();
  const from = new Date(to.getTime() - 29 * 86_400_000);
  const result = await gql(args, EmailsQuery, { ...pageVariables(params), sort, filter, from: from.toISOString(), to: to.toISOString() });
  return { ...result, filter, exportHref: exportHref('emails', filter, sort) };
}

export async function action(args: ActionFunctionArgs) {
  const params = new URL(args.request.url).searchParams;
  const filter = readFilter(params, EmailFilterFields);
  const result = outcome((await gql(args, RetryEmails, { filter })).retryEmails);
  if (!result.ok) return data({ ok: false, message: result.formError ?? 'The retry was refused.', count: 0 }, { status: 400 });
  return { ok: true, message: null, count: result.data.count };
}

export default function Emails() {
  const { emails, retryableEmailCount, emailStats, exportHref } = useLoaderData<typeof loader>();
  const retried = useActionData<typeof action>();
  const [params] = useSearchParams();
  // Several statuses (the Operations "sent" link) are one option, kept as a comma list when the form is applied.
  const statuses = params.getAll('status').flatMap((v) => v.split(',')).filter(Boolean);
  const canWrite = useCan('EMAILS_WRITE');
  const outbox = params.get('transport') === 'outbox';

  return (
    <>
      <ListHeader
        title={outbox ? 'Outbox' : 'Emails'}
        totalCount={emails.totalCount}
        exportHref={exportHref}
        actions={
          <>
            <Link className="button" to="/emails/templates">
              Templates
            </Link>
            <Link className="button" to={outbox ? '/emails' : '/emails?transport=outbox'}>
              {outbox ? 'All emails' : 'Outbox'}
            </Link>
          </>
        }
      />
      <BarChart
        title="Last 30 days"
        summary={`Sent ${emailStats.reduce((n, d) => n + d.sent, 0)}, delivered ${emailStats.reduce((n, d) => n + d.delivered, 0)}, bounced ${emailStats.reduce((n, d) => n + d.bounced, 0)} in 30 days`}
        labels={emailStats.map((d) => d.day.slice(5))}
        tooltipTitles={emailStats.map((d) => d.day)}
        series={[
          { label: 'Sent', data: emailStats.map((d) => d.sent), color: CHART_COLORS.accent },
          { label: 'Delivered', data: emailStats.map((d) => d.delivered), color: CHART_COLORS.ok },
          { label: 'Opened', data: emailStats.map((d) => d.opened), color: '#7a5af5' },
          { label: 'Clicked', data: emailStats.map((d) => d.clicked), color: '#d08a00' },
          { label: 'Bounced', data: emailStats.map((d) => d.bounced), color: CHART_COLORS.danger },
        ]}
        testId="email-stats"
      />
      <FilterForm>
        <label>
          Recipient
          <input type="search" name="recipient" defaultValue={params.get('recipient') ?? ''} />
        </label>
        <label>
          Template key
          <input name="templateKey" defaultValue={params.get('templateKey') ?? ''} />
        </label>
        <label>
          Status
          <select name="status" defaultValue={statuses.length > 1 ? statuses.join(',') : (statuses[0] ?? '')}>
            <option value="">Any</option>
            {statuses.length > 1 ? <option value={statuses.join(',')}>{statuses.map((st) => st.toLowerCase()).join(', ')}</option> : null}
            {EmailStatusValues.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        {outbox ? <input type="hidden" name="transport" value="outbox" /> : null}
        <WindowFilter label="Created" from="createdFrom" to="createdTo" />
      </FilterForm>
      {canWrite && retryableEmailCount > 0 ? (
        <Form method="post" className="bulk-retry" onSubmit={(e) => {
          if (!confirm(`Retry ${retryableEmailCount} failed ${retryableEmailCount === 1 ? 'email' : 'emails'} matching this filter?`)) e.preventDefault();
        }}>
          <button type="submit">Retry {formatCount(retryableEmailCount)} failed</button>
        </Form>
      ) : null}
      {retried ? <p className={retried.ok ? 'notice' : 'form-error'}>{retried.ok ? `${retried.count} queued again.` : retried.message}</p> : null}
      <DataTable
        colSpan={5}
        empty="No emails match these filters."
        head={
          <tr>
            <th>Recipient</th>
            <th>Template</th>
            <th>Subject</th>
            <th>Status</th>
            <th>Created</th>
          </tr>
        }
      >
        {emails.edges.map(({ node }) => (
          <tr key={node.id} data-testid="email-row">
            <td>
              <Link to={`/emails/${node.id}`}>{node.toAddress}</Link>
            </td>
            <td>
              <code>{node.template.key}</code>
            </td>
            <td>{node.subject ?? <span className="muted">not rendered yet</span>}</td>
            <td title={node.error ?? undefined}>
              <StatusBadge status={node.status} />
            </td>
            <td>{formatDateTime(node.createdAt)}</td>
          </tr>
        ))}
      </DataTable>
      <Pagination pageInfo={emails.pageInfo} />
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
