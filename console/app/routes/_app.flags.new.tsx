import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useState } from 'react';
import { FlagDefinitionFields, SafeguardChoicesQuery } from '../components/flags/flag-definition-fields.tsx';
import { Field, FormError } from '../components/form.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { graphql } from '../gql/index.ts';
import type { FlagType } from '../gql/graphql.ts';
import { FlagTypeValues } from '../gql/lists.ts';
import { gql } from '../graphql.server.ts';
import { requirePermission } from '../lib/admin-access.server.ts';
import { newDefinitionValues, parseDefinition, readDefinitionValues } from '../lib/flags.ts';
import { humanize } from '../lib/format.ts';
import { outcome, type FormErrors } from '../lib/mutation.ts';

export const meta: MetaFunction = () => [{ title: 'New flag · Opsgraph' }];

const CreateFlag = graphql(`
  mutation FlagCreate($input: CreateFlagInput!) {
    createFlag(input: $input) {
      __typename
      ... on MutationCreateFlagSuccess {
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

const TYPE_TEXT: Record<FlagType, string> = {
  BOOLEAN: 'on or off',
  STRING: 'one of its variants, or any text',
  NUMBER: 'a number',
  JSON: 'a JSON document, optionally checked by a schema',
};

export async function loader(args: LoaderFunctionArgs) {
  await requirePermission(args, 'FLAGS_WRITE', 'Your role cannot create flags.');
  const { alertRules } = await gql(args, SafeguardChoicesQuery);
  return { alertRules: alertRules.edges.map((e) => e.node) };
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const type = FlagTypeValues.find((t) => t === form.get('type')) ?? 'BOOLEAN';
  const fail = (errors: FormErrors) => data<FormErrors>(errors, { status: 400 });
  const read = parseDefinition(readDefinitionValues(form), type);
  if (!read.ok) return fail({ formError: 'Check the highlighted fields.', fieldErrors: read.fieldErrors });
  const key = String(form.get('key') ?? '').trim();
  const result = outcome((await gql(args, CreateFlag, { input: { key, type, enabled: form.get('enabled') === 'on', ...read.input } })).createFlag);
  if (!result.ok) return fail({ formError: result.formError, fieldErrors: result.fieldErrors });
  return redirect(`/flags/${result.data.id}`);
}

export default function NewFlag() {
  const { alertRules } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [type, setType] = useState<FlagType>('BOOLEAN');
  const errors = result?.fieldErrors ?? {};
  return (
    <>
      <PageHeader
        parent={{ to: '/flags', label: 'Feature flags' }}
        title="New flag"
        sub={<span className="muted">A new flag serves its default value to everyone until it gets rules, a rollout or overrides.</span>}
      />
      <Form method="post" className="plan-form" noValidate data-testid="flag-form">
        <FormError message={result?.formError} />
        <div className="form-grid">
          <Field label="Key" name="key" error={errors.key} hint="What applications ask for: letters, digits and . _ : -">
            <input name="key" required autoFocus maxLength={100} placeholder="checkout.new-flow" />
          </Field>
          <Field label="Type" name="type" error={errors.type} hint={`Its value is ${TYPE_TEXT[type]}.`}>
            <select name="type" value={type} onChange={(e) => setType(e.target.value as FlagType)}>
              {FlagTypeValues.map((t) => (
                <option key={t} value={t}>
                  {humanize(t)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <FlagDefinitionFields key={type} type={type} values={newDefinitionValues(type)} errors={errors} alertRules={alertRules} />
        <label className="inline">
          <input type="checkbox" name="enabled" /> Turn it on once created (off, it serves its default value to everyone)
        </label>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={navigation.state === 'submitting'}>
            {navigation.state === 'submitting' ? 'Creating…' : 'Create flag'}
          </button>
          <Link to="/flags">Cancel</Link>
        </div>
      </Form>
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
