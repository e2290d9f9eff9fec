import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { FieldError, FormError } from '../components/form.tsx';
import { graphql } from '../gql/index.ts';
import { gql } from '../graphql.server.ts';
import type { FormErrors } from '../lib/mutation.ts';
import { outcome } from '../lib/mutation.ts';
import { safeRedirectPath, sessionCookie, sessionToken } from '../session.server.ts';

export const meta: MetaFunction = () => [{ title: 'Log in · Opsgraph' }];

const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      __typename
      ... on MutationLoginSuccess {
        data {
          token
          expiresAt
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

export function loader({ request }: LoaderFunctionArgs) {
  if (sessionToken(request)) {
    throw redirect(safeRedirectPath(new URL(request.url).searchParams.get('redirectTo')));
  }
  return null;
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const email = String(form.get('email') ?? '').trim();
  const password = String(form.get('password') ?? '');
  const redirectTo = safeRedirectPath(String(form.get('redirectTo') ?? ''));
  const fieldErrors: FormErrors['fieldErrors'] = {};
  if (!email) fieldErrors.email = 'Enter your email address.';
  if (!password) fieldErrors.password = 'Enter your password.';
  if (Object.keys(fieldErrors).length) return data<FormErrors>({ formError: null, fieldErrors }, { status: 400 });

  const { login } = await gql(args, LoginMutation, { email, password }, { token: null });
  const result = outcome(login);
  if (!result.ok) return data<FormErrors>({ formError: result.formError, fieldErrors: result.fieldErrors }, { status: 400 });
  return redirect(redirectTo, {
    headers: { 'set-cookie': sessionCookie(args.context, result.data.token, new Date(result.data.expiresAt)) },
  });
}

export default function Login() {
  const errors = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle' && navigation.formAction === '/login';
  return (
    <main className="centered">
      <Form method="post" className="card login" noValidate>
        <h1>Opsgraph</h1>
        <p className="muted">Sign in to the operations console.</p>
        <FormError message={errors?.formError} />
        <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? '/'} />
        <label>
          Email
          <input name="email" type="email" autoComplete="username" autoFocus aria-invalid={Boolean(errors?.fieldErrors.email)} />
          <FieldError message={errors?.fieldErrors.email} />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            aria-invalid={Boolean(errors?.fieldErrors.password)}
          />
          <FieldError message={errors?.fieldErrors.password} />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </Form>
    </main>
  );
}
