import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import { Field, FormError } from '../components/form.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { graphql } from '../gql/index.ts';
import { gql } from '../graphql.server.ts';
import { requirePermission } from '../lib/admin-access.server.ts';
import { outcome, type FormErrors } from '../lib/mutation.ts';

export const meta: MetaFunction = () => [{ title: 'New email template · Opsgraph' }];

const CreateTemplate = graphql(`
  mutation CreateEmailTemplate($input: CreateEmailTemplateInput!) {
    createEmailTemplate(input: $input) {
      __typename
      ... on MutationCreateEmailTemplateSuccess {
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
  await requirePermission(args, 'EMAILS_WRITE', 'Your role cannot create email templates.');
  return null;
}

type Values = { key: string; name: string; description: string; transactionalRequired: boolean };
type ActionResult = FormErrors & { values: Values };

/** A new template starts with a one-variable body; the editor takes it from there. */
export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const values: Values = {
    key: String(form.get('key') ?? ''),
    name: String(form.get('name') ?? ''),
    description: String(form.get('description') ?? ''),
    transactionalRequired: form.get('transactionalRequired') === 'on',
  };
  const input = {
    ...values,
    subject: 'Hello {{name}}',
    html: '<p>Hello {{name}}</p>',
    text: 'Hello {{name}}',
    variables: [{ name: 'name', sample: 'Ada', description: "The recipient's name." }],
  };
  const result = outcome((await gql(args, CreateTemplate, { input })).createEmailTemplate);
  if (!result.ok) return data<ActionResult>({ ...result, values }, { status: 400 });
  return redirect(`/emails/templates/${result.data.id}`);
}

export default function NewEmailTemplate() {
  const errors = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle' && navigation.formMethod === 'POST';
  const values = errors?.values;
  return (
    <>
      <PageHeader parent={{ to: '/emails/templates', label: 'Email templates' }} title="New email template" />
      <Form method="post" className="plan-form" noValidate>
        <FormError message={errors?.formError} />
        <Field label="Key" name="key" error={errors?.fieldErrors.key} hint="What code sends it by, e.g. welcome.">
          <input name="key" defaultValue={values?.key} />
        </Field>
        <Field label="Name" name="name" error={errors?.fieldErrors.name}>
          <input name="name" defaultValue={values?.name} />
        </Field>
        <Field label="Description" name="description" error={errors?.fieldErrors.description}>
          <input name="description" defaultValue={values?.description} />
        </Field>
        <label>
          <input type="checkbox" name="transactionalRequired" defaultChecked={values?.transactionalRequired} /> Transactional: sent to blocked
          users too
        </label>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create template'}
          </button>
          <Link to="/emails/templates">Cancel</Link>
        </div>
      </Form>
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
