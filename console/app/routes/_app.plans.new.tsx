import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import { FormError } from '../components/form.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { graphql } from '../gql/index.ts';
import { gql } from '../graphql.server.ts';
import { requirePermission } from '../lib/admin-access.server.ts';
import { outcome, type FormErrors } from '../lib/mutation.ts';
import { PlanFields } from './_app.plans.$id/plan-fields.tsx';
import { NEW_PLAN_VALUES, parsePlanValues, planFieldErrors, readPlanValues, type PlanFormValues } from './_app.plans.$id/plan-form.ts';

export const meta: MetaFunction = () => [{ title: 'New plan · Opsgraph' }];

const CreatePlan = graphql(`
  mutation CreatePlan($input: CreatePlanInput!) {
    createPlan(input: $input) {
      __typename
      ... on MutationCreatePlanSuccess {
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
  await requirePermission(args, 'PLANS_WRITE', 'Your role cannot create plans.');
  return null;
}

type ActionResult = FormErrors & { values: PlanFormValues };

export async function action(args: ActionFunctionArgs) {
  const values = readPlanValues(await args.request.formData());
  const parsed = parsePlanValues(values);
  // A price that does not read as an amount never reaches the API.
  if (!parsed.ok) return data<ActionResult>({ formError: null, fieldErrors: parsed.fieldErrors, values }, { status: 400 });
  const result = outcome((await gql(args, CreatePlan, { input: parsed.input })).createPlan);
  if (!result.ok) return data<ActionResult>({ ...planFieldErrors(result, parsed.input.entitlements), values }, { status: 400 });
  return redirect(`/plans/${result.data.id}`);
}

export default function NewPlan() {
  const errors = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle' && navigation.formMethod === 'POST';
  return (
    <>
      <PageHeader parent={{ to: '/plans', label: 'Plans' }} title="New plan" />
      <Form method="post" className="plan-form" noValidate>
        <FormError message={errors?.formError} />
        <PlanFields values={errors?.values ?? NEW_PLAN_VALUES} errors={errors?.fieldErrors} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create plan'}
          </button>
          <Link to="/plans">Cancel</Link>
        </div>
      </Form>
    </>
  );
}

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
