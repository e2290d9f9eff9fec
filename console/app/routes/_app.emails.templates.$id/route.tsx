import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useFetcher, useLoaderData, useSearchParams } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { FormError } from '../../components/form.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { graphql } from '../../gql/index.ts';
import { gql, notFound } from '../../graphql.server.ts';
import { formatDateTime } from '../../lib/format.ts';
import { isUuid } from '../../lib/ids.ts';
import { useIntent } from '../../lib/intent.ts';
import { useCan } from '../_app.tsx';
import type { PreviewResult, SaveResult } from './actions.server.ts';
import { lineDiff } from './diff.ts';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.template.name ?? 'Template'} · Opsgraph` }];

const TemplateQuery = graphql(`
  query EmailTemplateDetail($id: ID!) {
    emailTemplate(id: $id) {
      id
      key
      name
      description
      transactionalRequired
      latestVersion
      versions {
        id
        version
        subject
        html
        text
        createdAt
        createdBy {
          email
        }
        variables {
          name
          sample
          description
        }
      }
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const id = args.params.id!;
  const missing = () => notFound(args.context, `No email template with id ${id}.`);
  if (!isUuid(id)) throw missing();
  const { emailTemplate } = await gql(args, TemplateQuery, { id });
  if (!emailTemplate) throw missing();
  return { template: emailTemplate };
}

export { action } from './actions.server.ts';

function Problems({ problems, testId }: { problems?: { field: string; line: number; column: number; message: string }[]; testId: string }) {
  if (!problems?.length) return null;
  return (
    <ul className="form-error" data-testid={testId}>
      {problems.map((p, i) => (
        <li key={i}>
          {p.field} line {p.line}, column {p.column}: {p.message}
        </li>
      ))}
    </ul>
  );
}

type Bodies = { subject: string; html: string; text: string; variables: string };

/** The editor: bodies and variables on the left, the preview from sample values on the right, as you type. */
export default function EmailTemplateEditor() {
  const { template } = useLoaderData<typeof loader>();
  const latest = template.versions[0]!;
  const canWrite = useCan('EMAILS_WRITE');
  const initial: Bodies = {
    subject: latest.subject, html: latest.html, text: latest.text,
    variables: JSON.stringify(latest.variables.map(({ name, sample, description }) => ({ name, sample, description })), null, 2),
  };
  const [bodies, setBodies] = useState(initial);
  const preview = useFetcher<PreviewResult>();
  const { busy, result } = useIntent<SaveResult>('save');
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const [params] = useSearchParams();

  useEffect(() => setBodies(initial), [latest.id]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => preview.submit({ intent: 'preview', ...bodies }, { method: 'post' }), 250);
    return () => clearTimeout(timer.current);
  }, [bodies.subject, bodies.html, bodies.text, bodies.variables]); // eslint-disable-line react-hooks/exhaustive-deps

  const field = (name: keyof Bodies) => ({
    name,
    value: bodies[name],
    onChange: (e: { currentTarget: { value: string } }) => setBodies({ ...bodies, [name]: e.currentTarget.value }),
    readOnly: !canWrite,
  });
  const compare = Number(params.get('compare')) || null;
  const older = template.versions.find((v) => v.version === compare);

  return (
    <>
      <PageHeader
        parent={{ to: '/emails/templates', label: 'Email templates' }}
        title={template.name}
        sub={
          <>
            <code className="muted">{template.key}</code> · version {template.latestVersion}
            {template.transactionalRequired ? ' · transactional (sent to blocked users too)' : ''}
          </>
        }
      />
      <section className="template-editor">
        <Form method="post" className="card" noValidate>
          <input type="hidden" name="intent" value="save" />
          <FormError message={result?.formError} />
          <Problems problems={result?.problems} testId="template-problems" />
          <label>
            Subject
            <input {...field('subject')} />
          </label>
          <label>
            HTML
            <textarea {...field('html')} rows={10} className="mono" />
          </label>
          <label>
            Text
            <textarea {...field('text')} rows={5} className="mono" />
          </label>
          <label>
            Variables (JSON: name, sample, description)
            <textarea {...field('variables')} rows={6} className="mono" />
          </label>
          {canWrite ? (
            <div className="form-actions">
              <button type="submit" className="primary" disabled={busy}>
                {busy ? 'Saving…' : 'Save as new version'}
              </button>
            </div>
          ) : null}
        </Form>
        <div className="card">
          <h2>Preview</h2>
          <Problems problems={preview.data?.problems} testId="preview-problems" />
          {preview.data?.formError ? <p className="form-error">{preview.data.formError}</p> : null}
          <p data-testid="preview-subject">
            <strong>{preview.data?.rendered?.subject ?? ''}</strong>
          </p>
          {/* Rendered HTML is escaped by the API; the empty sandbox still keeps scripts, forms and navigation out. */}
          <iframe title="HTML preview" sandbox="" srcDoc={preview.data?.rendered?.html ?? ''} className="email-preview" data-testid="preview-html" />
          <pre className="small">{preview.data?.rendered?.text ?? ''}</pre>
        </div>
      </section>
      <section className="card">
        <h2>Versions</h2>
        <table>
          <thead>
            <tr>
              <th>Version</th>
              <th>Subject</th>
              <th>Saved</th>
              <th>By</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {template.versions.map((v) => (
              <tr key={v.id} data-testid="template-version">
                <td>{v.version}</td>
                <td>{v.subject}</td>
                <td>{formatDateTime(v.createdAt)}</td>
                <td>{v.createdBy?.email ?? 'system'}</td>
                <td>{v.version === latest.version ? 'latest' : <Link to={`?compare=${v.version}`}>Compare with latest</Link>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {older ? (
          <div data-testid="version-diff">
            <h3>
              Version {older.version} → {latest.version}
            </h3>
            {(['subject', 'html', 'text'] as const).map((name) => (
              <div key={name}>
                <h4>{name}</h4>
                <pre className="diff">
                  {lineDiff(older[name], latest[name]).map((line, i) => (
                    <div key={i} className={`diff-${line.kind}`}>
                      {line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : '  '}
                      {line.text}
                    </div>
                  ))}
                </pre>
              </div>
            ))}
          </div>
        ) : null}
      </section>
    </>
  );
}

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
