import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import { useState } from 'react';
import { Field, FormError } from '../components/form.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { graphql } from '../gql/index.ts';
import type { AdminRole } from '../gql/graphql.ts';
import { gql } from '../graphql.server.ts';
import { requirePermission } from '../lib/admin-access.server.ts';
import { outcome, type FormErrors } from '../lib/mutation.ts';
import { isAdminRole } from './_app.admins.$id/admin-roles.ts';
import { RoleField } from './_app.admins.$id/role-field.tsx';

export const meta: MetaFunction = () => [{ title: 'New admin · Opsgraph' }];

const CreateAdmin = graphql(`
  mutation CreateAdmin($input: CreateAdminInput!) {
    createAdmin(input: $input) {
      __typename
      ... on MutationCreateAdminSuccess {
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

const DEFAULT_ROLE: AdminRole = 'VIEWER';

export async function loader(args: LoaderFunctionArgs) {
  await requirePermission(args, 'ADMINS_MANAGE', 'Only owners can manage admins.');
  return null;
}

type Values = { name: string; email: string; role: string };
type ActionResult = FormErrors & { values: Values };

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const values: Values = {
    name: String(form.get('name') ?? ''),
    email: String(form.get('email') ?? ''),
    role: String(form.get('role') ?? ''),
  };
  // The password is not echoed back in the response.
  const password = String(form.get('password') ?? '');
  if (!isAdminRole(values.role)) {
    return data<ActionResult>({ formError: null, fieldErrors: { role: 'Choose a role.' }, values }, { status: 400 });
  }
  const input = { name: values.name, email: values.email, role: values.role, password };
  const result = outcome((await gql(args, CreateAdmin, { input })).createAdmin);
  if (!result.ok) return data<ActionResult>({ formError: result.formError, fieldErrors: result.fieldErrors, values }, { status: 400 });
  return redirect(`/admins/${result.data.id}`);
}

export default function NewAdmin() {
  const errors = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle' && navigation.formMethod === 'POST';
  const values = errors?.values;
  const [role, setRole] = useState(values && isAdminRole(values.role) ? values.role : DEFAULT_ROLE);
  const fieldErrors = errors?.fieldErrors ?? {};
  return (
    <>
      <PageHeader
        parent={{ to: '/admins', label: 'Admins' }}
        title="New admin"
        sub={<span className="muted">They sign in with this email and the initial password you give them.</span>}
      />
      <Form method="post" className="card admin-form" noValidate>
        <FormError message={errors?.formError} />
        <Field label="Name" name="name" error={fieldErrors.name}>
          <input name="name" defaultValue={values?.name} autoComplete="off" required aria-invalid={fieldErrors.name ? true : undefined} />
        </Field>
        <Field label="Email" name="email" error={fieldErrors.email}>
          <input
            name="email"
            type="email"
            defaultValue={values?.email}
            autoComplete="off"
            required
            aria-invalid={fieldErrors.email ? true : undefined}
          />
        </Field>
        <RoleField role={role} onChange={setRole} error={fieldErrors.role} />
        <Field label="Initial password" name="password" error={fieldErrors.password} hint="At least 12 characters. Share it with them privately.">
          <input
            name="password"
            type="password"
            autoComplete="new-password"
            required
            aria-invalid={fieldErrors.password ? true : undefined}
          />
        </Field>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create admin'}
          </button>
          <Link to="/admins">Cancel</Link>
        </div>
      </Form>
    </>
  );
}

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
