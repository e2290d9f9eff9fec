import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { DataTable } from '../components/list.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { graphql } from '../gql/index.ts';
import { gql } from '../graphql.server.ts';
import { formatDateTime } from '../lib/format.ts';
import { useCan } from './_app.tsx';

export const meta: MetaFunction = () => [{ title: 'Email templates · Opsgraph' }];

const TemplatesQuery = graphql(`
  query EmailTemplatesList {
    emailTemplates {
      id
      key
      name
      transactionalRequired
      latestVersion
      updatedAt
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  return gql(args, TemplatesQuery, {});
}

export default function EmailTemplates() {
  const { emailTemplates } = useLoaderData<typeof loader>();
  const canWrite = useCan('EMAILS_WRITE');
  return (
    <>
      <PageHeader parent={{ to: '/emails', label: 'Emails' }} title="Email templates">
        {canWrite ? (
          <Link className="button primary" to="/emails/templates/new">
            New template
          </Link>
        ) : null}
      </PageHeader>
      <DataTable
        colSpan={4}
        empty="No templates yet."
        head={
          <tr>
            <th>Template</th>
            <th className="num">Version</th>
            <th>Transactional</th>
            <th>Updated</th>
          </tr>
        }
      >
        {emailTemplates.map((t) => (
          <tr key={t.id} data-testid="template-row">
            <td>
              <Link to={`/emails/templates/${t.id}`}>{t.name}</Link>
              <div className="muted small">
                <code>{t.key}</code>
              </div>
            </td>
            <td className="num">{t.latestVersion}</td>
            <td>{t.transactionalRequired ? 'yes' : 'no'}</td>
            <td>{formatDateTime(t.updatedAt)}</td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
