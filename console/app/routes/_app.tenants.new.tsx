import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Field, FormError } from '../components/form.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { graphql } from '../gql/index.ts';
import { gql } from '../graphql.server.ts';
import { formatMoney } from '../lib/format.ts';
import { outcome, type FormErrors } from '../lib/mutation.ts';

export const meta: MetaFunction = () => [{ title: 'New tenant · Opsgraph' }];

const NewTenantQuery = graphql(`
  query NewTenantPlans {
    plans(first: 100, filter: { status: ACTIVE }, sort: MONTHLY_PRICE_ASC) {
      edges {
        node {
          id
          name
          monthlyPrice
          currency
          trialDays
        }
      }
    }
  }
`);

const CreateTenant = graphql(`
  mutation CreateTenant($input: CreateTenantInput!) {
    createTenant(input: $input) {
      __typename
      ... on MutationCreateTenantSuccess {
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
  return gql(args, NewTenantQuery);
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const text = (name: string) => String(form.get(name) ?? '').trim();
  const optional = (name: string) => text(name) || undefined;
  const { createTenant } = await gql(args, CreateTenant, {
    input: {
      name: text('name'),
      slug: optional('slug'),
      ownerName: text('ownerName'),
      ownerEmail: text('ownerEmail'),
      planId: text('planId'),
      settings: { timezone: optional('settings.timezone'), locale: optional('settings.locale') },
    },
  });
  const result = outcome(createTenant);
  if (!result.ok) return data<FormErrors>({ formError: result.formError, fieldErrors: result.fieldErrors }, { status: 400 });
  return redirect(`/tenants/${result.data.id}`);
}

export default function NewTenant() {
  const { plans } = useLoaderData<typeof loader>();
  const errors = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === 'submitting';
  const e = errors?.fieldErrors ?? {};
  return (
    <>
      <PageHeader
        parent={{ to: '/tenants', label: 'Tenants' }}
        title="New tenant"
        sub={<span className="muted">The tenant starts on a trial of its plan, and onboarding runs in the background.</span>}
      />
      <Form method="post" className="card" noValidate>
        <FormError message={errors?.formError} />
        <div className="form-grid">
          <Field label="Name" name="name" error={e.name}>
            <input name="name" required autoFocus />
          </Field>
          <Field label="Slug" name="slug" error={e.slug} hint="Derived from the name when left empty.">
            <input name="slug" pattern="[a-z0-9-]+" />
          </Field>
          <Field label="Plan" name="planId" error={e.planId}>
            <select name="planId" required>
              {plans.edges.map(({ node }) => (
                <option key={node.id} value={node.id}>
                  {node.name} — {formatMoney(node.monthlyPrice, node.currency)}/mo, {node.trialDays}-day trial
                </option>
              ))}
            </select>
          </Field>
          <Field label="Owner name" name="ownerName" error={e.ownerName}>
            <input name="ownerName" required />
          </Field>
          <Field label="Owner email" name="ownerEmail" error={e.ownerEmail}>
            <input name="ownerEmail" type="email" required />
          </Field>
          <Field label="Time zone" name="settings.timezone" error={e['settings.timezone']} hint="IANA name, e.g. Europe/Paris.">
            <input name="settings.timezone" placeholder="UTC" />
          </Field>
          <Field label="Locale" name="settings.locale" error={e['settings.locale']}>
            <input name="settings.locale" placeholder="en" />
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create tenant'}
          </button>
          <Link to="/tenants">Cancel</Link>
        </div>
      </Form>
    </>
  );
}

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
