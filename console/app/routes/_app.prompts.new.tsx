import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import { Field, FormError } from '../components/form.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { graphql } from '../gql/index.ts';
import { gql } from '../graphql.server.ts';
import { requirePermission } from '../lib/admin-access.server.ts';
import { outcome, type FormErrors } from '../lib/mutation.ts';
import { readVersionForm, type TemplateProblem } from '../lib/prompts.ts';

export const meta: MetaFunction = () => [{ title: 'New prompt · Opsgraph' }];

const CreatePrompt = graphql(`
  mutation CreatePrompt($input: CreatePromptInput!) {
    createPrompt(input: $input) {
      __typename
      ... on MutationCreatePromptSuccess {
        data {
          id
        }
      }
      ... on PromptTemplateError {
        problems {
          line
          column
          message
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  await requirePermission(args, 'PROMPTS_WRITE', 'Your role cannot create prompts.');
  return null;
}

type ActionResult = FormErrors & { problems?: TemplateProblem[] };

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const version = readVersionForm(form);
  if ('error' in version) return data<ActionResult>({ formError: null, fieldErrors: { [version.field]: version.error } }, { status: 400 });
  const input = {
    key: String(form.get('key') ?? ''),
    name: String(form.get('name') ?? ''),
    description: String(form.get('description') ?? ''),
    category: String(form.get('category') ?? '').trim() || 'general',
    tags: String(form.get('tags') ?? '').split(',').map((t) => t.trim()).filter(Boolean),
    ...version.input,
    labels: form.get('production') === 'on' ? ['production'] : [],
  };
  const result = (await gql(args, CreatePrompt, { input })).createPrompt;
  if (result.__typename === 'PromptTemplateError') return data<ActionResult>({ formError: null, fieldErrors: {}, problems: result.problems }, { status: 400 });
  const done = outcome(result as Exclude<typeof result, { __typename: 'PromptTemplateError' }>);
  if (!done.ok) return data<ActionResult>(done, { status: 400 });
  return redirect(`/prompts/${done.data.id}`);
}

export default function NewPrompt() {
  const errors = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle' && navigation.formMethod === 'POST';
  const e = errors?.fieldErrors ?? {};
  return (
    <>
      <PageHeader parent={{ to: '/prompts', label: 'Prompts' }} title="New prompt" />
      <Form method="post" className="card form" noValidate>
        <FormError message={errors?.formError} />
        <Field label="Key" name="key" error={e.key} hint="Tenant apps render by it, e.g. support.reply">
          <input name="key" required />
        </Field>
        <Field label="Name" name="name" error={e.name}>
          <input name="name" required />
        </Field>
        <Field label="Category" name="category" error={e.category}>
          <input name="category" placeholder="general" />
        </Field>
        <Field label="Tags" name="tags" error={e['tags.0'] ?? e.tags} hint="Comma-separated">
          <input name="tags" />
        </Field>
        <Field label="Description" name="description" error={e.description}>
          <textarea name="description" rows={2} />
        </Field>
        <Field label="Template" name="template" error={e.template} hint="Mustache: {{name}}, {{#items}}…{{/items}}">
          <textarea name="template" rows={6} className="mono" required />
        </Field>
        {errors?.problems?.length ? (
          <ul className="form-error" data-testid="template-problems">
            {errors.problems.map((p, i) => (
              <li key={i}>
                line {p.line}, column {p.column}: {p.message}
              </li>
            ))}
          </ul>
        ) : null}
        <Field label="Variables" name="variables" error={e.variables ?? e['variables.0.name']} hint='JSON list: [{ "name": "customer", "type": "STRING", "required": true }]'>
          <textarea name="variables" rows={4} className="mono" defaultValue="[]" />
        </Field>
        <Field label="Model parameters" name="parameters" error={e.parameters} hint='JSON object, e.g. { "model": "gpt-4o-mini", "temperature": 0.3 }'>
          <textarea name="parameters" rows={3} className="mono" defaultValue="{}" />
        </Field>
        <Field label="Changelog" name="changelog" error={e.changelog}>
          <input name="changelog" defaultValue="First version." />
        </Field>
        <label className="inline">
          <input type="checkbox" name="production" /> Label this version production
        </label>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create prompt'}
          </button>
          <Link to="/prompts">Cancel</Link>
        </div>
      </Form>
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
